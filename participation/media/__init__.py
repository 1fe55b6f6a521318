"""Photos: the safe upload pipeline (``pipeline``) and where its output is kept (``storage``).

Proposals, progress updates, plots and care logs attach photos through these. Neither module
knows about the web or the database.
"""

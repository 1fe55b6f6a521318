"""Participatory budgeting: voting rounds, ballots under a budget, results and tracking."""

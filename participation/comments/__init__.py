"""Comments, shared by the capabilities that let neighbours discuss something: a thread per
discussed thing (a proposal, a convention's amendment), one level of replies, a short edit
window, and deletion that leaves a visible mark. It knows no capability: each one checks who
may see and post in its threads, and names them (``thread_key``)."""

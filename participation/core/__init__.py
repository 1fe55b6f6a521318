"""The shared kernel: database, clock, errors, permissions, text. It imports no capability."""

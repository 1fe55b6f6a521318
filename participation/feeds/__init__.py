"""Atom feeds (RFC 4287): what a community publishes, for feed readers."""

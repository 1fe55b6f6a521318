"""Email: a user's confirmed address, and the outbox every mail goes through."""

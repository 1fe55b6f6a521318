"""Email: the address on the profile page, its confirmation, and the outbox's sender."""

from __future__ import annotations

from web.mail.pages import routes

__all__ = ["routes"]

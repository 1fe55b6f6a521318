"""Domain errors. Services raise these; the web layer maps each to one HTTP status.

Messages are English source strings marked for translation with ``N_``; ``params`` fill
their ``%(name)s`` placeholders after translation.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


class DomainError(Exception):
    default_message = N_("Something went wrong.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.message = message or self.default_message
        self.params = params
        super().__init__(self.message % params if params else self.message)


class NotAllowed(DomainError):
    default_message = N_("You are not allowed to do that.")


class NotFound(DomainError):
    default_message = N_("We could not find that page.")


class Invalid(DomainError):
    default_message = N_("Please check what you entered.")

    def __init__(self, message: str | None = None, *, field: str | None = None, **params: Any):
        self.field = field
        super().__init__(message, **params)


class Conflict(DomainError):
    default_message = N_("That was changed by someone else meanwhile.")


class Busy(DomainError):
    default_message = N_("The site is busy. Please try again in a moment.")
    retry_after = 2


class RateLimited(DomainError):
    default_message = N_("Too many attempts. Please wait a little and try again.")

    def __init__(self, retry_after: int, message: str | None = None, **params: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **params)


class UnsupportedMedia(DomainError):
    default_message = N_("Please send a JPEG, PNG or WebP photo.")

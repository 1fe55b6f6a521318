"""The current user, read only from ``request.state.user``."""

from __future__ import annotations

from starlette.requests import Request

from participation.accounts.models import User
from web.core.errors import SignInRequired


def require_user(request: Request) -> User:
    """The signed-in user; anonymous visitors are sent to sign in and brought back."""
    user: User | None = request.state.user
    if user is None:
        raise SignInRequired(request.url.path if request.method == "GET" else "/")
    return user

"""Accounts: signing in and out, the profile, and one's notices."""

from __future__ import annotations

from web.accounts import notices, profile, sign_in

routes = [*sign_in.routes, *profile.routes, *notices.routes]

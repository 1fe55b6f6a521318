"""The system's clock. Rules never read it (they take ``now``); services are handed ``now``
by their caller; the app reads it through its own clock (web/core/clock.py), which tests set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)

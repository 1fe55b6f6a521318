"""A vote's window (participation/core/clock.py, for ballots and ratifications): open from
its opening (inclusive) to its closing (exclusive)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from participation.core.clock import Window, window_at

OPENS = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=1)


@pytest.mark.parametrize(
    ("moment", "window"),
    [
        (OPENS - timedelta(seconds=1), Window.NOT_YET),
        (OPENS, Window.OPEN),
        (CLOSES - timedelta(seconds=1), Window.OPEN),
        (CLOSES, Window.OVER),
    ],
)
def test_the_window(moment: datetime, window: Window) -> None:
    assert window_at(moment, OPENS, CLOSES) is window

"""web.core.memo: bounded, and expiring when asked to."""

from __future__ import annotations

from web.core.memo import Memo


def test_a_memo_keeps_until_it_expires() -> None:
    now = [100.0]
    memo: Memo[str, int] = Memo(max_items=10, seconds=60, clock=lambda: now[0])
    assert memo.get("yulin") is None
    assert memo.put("yulin", 1) == 1
    now[0] += 59
    assert memo.get("yulin") == 1
    now[0] += 1
    assert memo.get("yulin") is None


def test_a_memo_never_holds_more_than_its_bound() -> None:
    memo: Memo[int, int] = Memo(max_items=3)
    for n in range(10):
        memo.put(n, n)
        assert len(memo._items) <= 3
    assert memo.get(9) == 9

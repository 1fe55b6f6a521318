"""The one small cache of the web layer: bounded, optionally expiring. For what is cheap to
keep and costly to make again on every request (a route's path, a translated text, a
community's language); pages themselves are kept by web/core/page_cache.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(
        self,
        *,
        max_items: int,
        seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_items = max_items
        self.seconds = seconds
        self.clock = clock
        self._items: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        expires, value = found
        if self.seconds is not None and expires <= self.clock():
            del self._items[key]
            return None
        return value

    def put(self, key: K, value: V) -> V:
        if len(self._items) >= self.max_items:
            self._items.clear()  # bounded; what is asked for again comes back at once
        expires = self.clock() + self.seconds if self.seconds is not None else 0.0
        self._items[key] = (expires, value)
        return value

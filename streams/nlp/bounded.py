"""A size-bounded cache for per-word facts (lemmas, topics, actor cues, word hashes).

News keeps inventing words (names, numbers, compounds), so a per-word cache that only grows is a
leak in a process that runs for months. ``BoundedCache`` is a two-generation approximation of LRU:
hits in the young generation cost one dict probe (the hot path of every token loop), an entry
found in the old generation is promoted, and when the young generation reaches ``size`` entries
the old one is dropped whole. It never holds more than ``2 * size`` entries, and a word used at
least once per ``size`` new words is never evicted. ``get_many`` answers all the distinct words of an
article in one comprehension (no Python call per word): the SimHash and the actor word facts use it.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most ``2 * size`` entries; recently used ones survive (see the module docstring)."""

    __slots__ = ("size", "_young", "_old")

    def __init__(self, size: int):
        if size < 1:
            raise ValueError("size must be >= 1")
        self.size = size
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        value = self._young.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self[key] = value  # promote
        return value

    def get_many(self, keys: Collection[K]) -> tuple[dict[K, V], list[K]]:
        """(hits, misses) for distinct ``keys``: young hits in one comprehension, old ones promoted."""
        young = self._young
        hits = {k: v for k in keys if (v := young.get(k)) is not None}
        if len(hits) == len(keys):
            return hits, []
        misses = []
        for key in keys:
            if key not in hits:
                value = self.get(key)
                if value is None:
                    misses.append(key)
                else:
                    hits[key] = value
        return hits, misses

    def __setitem__(self, key: K, value: V) -> None:
        if len(self._young) >= self.size:
            self._old = self._young
            self._young = {}
        self._young[key] = value

    def __contains__(self, key: object) -> bool:
        return key in self._young or key in self._old

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def clear(self) -> None:
        self._young, self._old = {}, {}

"""Near-duplicate stories: a bounded, time-windowed LSH index over 64-bit SimHash fingerprints.

The fingerprint is already a SimHash, so banding is the natural LSH: split the 64 bits
into ``bands`` blocks; two fingerprints at Hamming distance d < bands agree on at least
one block (pigeonhole), so with the default 8 bands every pair within distance 7 becomes
a candidate, and candidates are confirmed with the exact distance (default <= 6).

Bound: at most ``max_entries`` articles (default 20,000, about 9 MB: ~470 bytes each with its id, measured) and
none older than ``window`` before the newest event time seen; the oldest arrivals go first. 20,000 is
days of traffic for one worker, and agency near-copies arrive within hours of each other. An entry is
lean: the fingerprint and the event time as plain ints, a bucket holds a bare id while it has one
member (the usual case for 16-bit band keys) and a tuple only when it has more (a set costs 216 bytes).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from schemas.enriched import EnrichedArticle
from streams.alerting.novelty import DEFAULT_WINDOW, as_utc, event_time
from streams.nlp.fingerprint import BITS, hamming

DEFAULT_MAX_DISTANCE = 6
DEFAULT_MAX_ENTRIES = 20_000


@dataclass(frozen=True, slots=True)
class _Indexed:
    fingerprint: int
    time: int  # event time, microseconds since the epoch (an int is 20 bytes smaller than a datetime)
    duplicate_of: str | None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


class DuplicateIndex:
    """``check_and_add`` answers "which earlier article is this a near-copy of?" and remembers it."""

    def __init__(self, max_distance: int = DEFAULT_MAX_DISTANCE, window: timedelta = DEFAULT_WINDOW,
                 bands: int = 8, max_entries: int = DEFAULT_MAX_ENTRIES):
        if BITS % bands:
            raise ValueError(f"bands must divide {BITS}")
        self.max_distance = max_distance
        self.window = window
        self.max_entries = max_entries
        self._width = BITS // bands
        self._mask = (1 << self._width) - 1
        self._entries: OrderedDict[str, _Indexed] = OrderedDict()  # arrival order: oldest first
        self._buckets: list[dict[int, str | tuple[str, ...]]] = [{} for _ in range(bands)]
        self._watermark: datetime | None = None
        self._window_us = window // timedelta(microseconds=1)

    def _keys(self, fingerprint: int) -> list[int]:
        return [(fingerprint >> (band * self._width)) & self._mask for band in range(len(self._buckets))]

    def check_and_add(self, article_id: str, fingerprint_hex: str, event_time: datetime) -> str | None:
        """The id of the original story this is a near-copy of (never itself), else None.

        A copy of a copy points at the original. Asking again for an indexed article
        gives the same answer, so replays are stable.
        """
        known = self._entries.get(article_id)
        if known is not None:
            return known.duplicate_of
        fingerprint, when = int(fingerprint_hex, 16), as_utc(event_time)
        self._watermark = when if self._watermark is None else max(self._watermark, when)
        self._expire_oldest(_micros(self._watermark - self.window))
        moment = _micros(when)
        best: tuple[int, int, str] | None = None
        candidates: set[str] = set()
        for bucket, key in zip(self._buckets, self._keys(fingerprint), strict=True):
            ids = bucket.get(key)
            if ids is not None:
                if isinstance(ids, str):
                    candidates.add(ids)
                else:
                    candidates.update(ids)
        for other_id in candidates:
            other = self._entries[other_id]
            distance = hamming(fingerprint, other.fingerprint)
            if distance <= self.max_distance and abs(moment - other.time) <= self._window_us:
                rank = (distance, other.time, other.duplicate_of or other_id)
                best = rank if best is None or rank < best else best
        duplicate_of = best[2] if best else None
        self._add(article_id, _Indexed(fingerprint, moment, duplicate_of))
        return duplicate_of

    def _add(self, article_id: str, entry: _Indexed) -> None:
        self._entries[article_id] = entry
        for bucket, key in zip(self._buckets, self._keys(entry.fingerprint), strict=True):
            ids = bucket.get(key)
            if ids is None:
                bucket[key] = article_id
            elif isinstance(ids, str):
                if ids != article_id:
                    bucket[key] = (ids, article_id)
            elif article_id not in ids:
                bucket[key] = (*ids, article_id)
        while len(self._entries) > self.max_entries:
            self._remove(next(iter(self._entries)))

    def _remove(self, article_id: str) -> None:
        entry = self._entries.pop(article_id)
        for bucket, key in zip(self._buckets, self._keys(entry.fingerprint), strict=True):
            ids = bucket.get(key)
            if ids == article_id:
                del bucket[key]
            elif isinstance(ids, tuple):
                rest = tuple(i for i in ids if i != article_id)
                bucket[key] = rest[0] if len(rest) == 1 else rest

    def _expire_oldest(self, cutoff: int) -> None:
        # Cheap per call: stops at the first live entry (arrival order approximates event time).
        while self._entries:
            oldest_id, oldest = next(iter(self._entries.items()))
            if oldest.time >= cutoff:
                break
            self._remove(oldest_id)

    def expire(self, now: datetime) -> int:
        """Drop every entry older than the window before ``now``; returns how many."""
        cutoff = _micros(as_utc(now) - self.window)
        stale = [article_id for article_id, entry in self._entries.items() if entry.time < cutoff]
        for article_id in stale:
            self._remove(article_id)
        return len(stale)

    def __len__(self) -> int:
        return len(self._entries)


def mark_duplicate(article: EnrichedArticle, index: DuplicateIndex) -> EnrichedArticle:
    """A copy of the article with ``duplicate_of`` set from the index (the caller's step before alerting)."""
    duplicate_of = index.check_and_add(article.article_id, article.fingerprint, event_time(article))
    if duplicate_of is None or duplicate_of == article.duplicate_of:
        return article
    return article.model_copy(update={"duplicate_of": duplicate_of})

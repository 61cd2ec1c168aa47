"""Read again what Faust lost track of, so a partition's commit never passes an unprocessed record.

Faust 0.15 can lose sight of fetched records around a rebalance or a restart: it drops a record
older than the last one it read, skips events fetched in an earlier generation *and acks them*, and
acks the offsets it skipped as a "gap" without processing them. The local broker, which hands over a prefetched later
batch before an earlier one after a restart, made this visible (2-40 of 2,000 articles lost after
kill -9; a hand-over between two workers stalled for good). Two measures keep at-least-once:

- gaps in a source topic, and skipped events that never reached an agent, are never acked, so the
  commit stops in front of a record not processed;
- a guard notices a partition whose commit stands still below the highwater while none of its
  records reached an agent within the stall time, and seeks it back to the committed offset.
  Records acked since then are not delivered again, so only the missed ones are processed.

A hole that stays after several re-reads is real (offsets a transactional producer spent on
markers, records compacted away) and is acked then, logged and counted.
"""

from __future__ import annotations

import enum
import logging
import time
import weakref
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field
from typing import Any

from faust.transport.consumer import Consumer

log = logging.getLogger(__name__)


class Action(enum.Enum):
    GAP_DETECTED = "gap_detected"  # counted by the gap hook, not returned by StallTracker
    REREAD = "reread"
    ACCEPT_HOLE = "accept_hole"


@dataclass(frozen=True)
class PartitionState:
    """What the consumer knows of one partition at one moment."""

    committed: int | None  # next offset to process, as committed
    read: int | None  # last offset the fetch loop handed to the stream
    highwater: int | None
    in_flight: bool  # a record of the partition reached a stream recently and is not acked yet
    head_hole: bool = False  # records after the committed offset are acked, the one at it is not (nor in flight)


@dataclass
class _Watch:
    seen: tuple[int | None, int | None]
    since: float
    rereads_at: int | None = None
    rereads: int = 0


@dataclass
class StallTracker:
    """Decides, from periodic observations, when a partition has stalled and what to do about it."""

    stall_after: float  # seconds without progress before a partition counts as stalled
    accept_after: int = 5  # re-reads at one committed offset before its hole counts as real
    _watches: dict[Hashable, _Watch] = field(default_factory=dict)

    def observe(self, tp: Hashable, state: PartitionState, now: float) -> Action | None:
        position = state.committed or 0
        # Under steady traffic reads always move; with a hole at the head of the acked offsets only the commit
        # counts as progress (the hole stops it, see ``_no_head_hole``).
        progress = (state.committed, None if state.head_hole else state.read)
        watch = self._watches.get(tp)
        if state.highwater is None or state.highwater <= position or (state.in_flight and not state.head_hole):
            if watch is not None:
                watch.seen, watch.since = progress, now
            return None
        if watch is None or watch.seen != progress:
            previous = watch
            self._watches[tp] = watch = _Watch(progress, now)
            if previous is not None and previous.rereads_at == state.committed:
                watch.rereads_at, watch.rereads = previous.rereads_at, previous.rereads
            return None
        if now - watch.since < self.stall_after:
            return None
        watch.since = now
        if watch.rereads_at != state.committed:
            watch.rereads_at, watch.rereads = state.committed, 0
        if watch.rereads >= self.accept_after:
            watch.rereads = 0
            return Action.ACCEPT_HOLE
        watch.rereads += 1
        return Action.REREAD

    def forget(self, tp: Hashable) -> None:
        self._watches.pop(tp, None)


class StallGuard:
    """Applies ``StallTracker`` to a Faust consumer's source partitions (call ``check`` from a timer)."""

    def __init__(self, app: Any, topics: set[str], stall_after: float, on_action: Any = None):
        self.app = app
        self.topics = topics
        self.tracker = StallTracker(stall_after)
        self.on_action = on_action  # callable(topic, action), e.g. a metric
        # An event unacked for longer than the stall time was lost between fetch and agent (skipped
        # after a rebalance, dropped from a buffer) and no longer counts as in flight.
        self._first_seen: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()

    async def check(self) -> None:
        """Never raises: an exception in a Faust timer would crash the worker."""
        try:
            await self._check()
        except Exception:  # noqa: BLE001 — e.g. a partition revoked between the look and the seek
            log.exception("checking for stalled partitions failed; trying again at the next tick")

    async def _check(self) -> None:
        app = self.app
        consumer: Consumer = app.consumer
        if app.rebalancing or not consumer.flow_active:
            return
        active = consumer._active_partitions
        now = time.monotonic()
        unacked: dict[Any, list[Any]] = {}
        in_flight = set()
        for message in list(consumer._unacked_messages):
            unacked.setdefault(message.tp, []).append(message)
            if now - self._first_seen.setdefault(message, now) < self.tracker.stall_after:
                in_flight.add(message.tp)  # an event the agent may still be working on
        for tp in consumer.assignment():
            if tp.topic not in self.topics or (active is not None and tp not in active):
                continue
            committed = consumer._committed_offset.get(tp)
            hole = head_hole(consumer, tp) and not any(
                m.offset == committed and now - self._first_seen.get(m, now) < self.tracker.stall_after
                for m in unacked.get(tp, ()))
            state = PartitionState(committed=committed, read=consumer._read_offset.get(tp),
                                   highwater=_highwater(consumer, tp), in_flight=tp in in_flight, head_hole=hole)
            action = self.tracker.observe(tp, state, now)
            if action is Action.REREAD:
                offset = state.committed if state.committed is not None else min(_held(consumer, tp), default=0)
                log.warning("%s[%d]: no progress for %.0fs at offset %d below highwater %s; reading again from %d",
                            tp.topic, tp.partition, self.tracker.stall_after, offset, state.highwater, offset)
                for message in unacked.get(tp, ()):
                    consumer._unacked_messages.discard(message)  # lost on the way; read again below
                await consumer.seek(tp, offset)
                _sent_to(consumer, tp, offset)
            elif action is Action.ACCEPT_HOLE:
                acked = consumer._acked.get(tp)
                start = state.committed if state.committed is not None else min(_held(consumer, tp), default=None)
                if not acked or start is None or start >= min(acked):
                    log.error("%s[%d]: stalled at offset %s and no record after it was processed",
                              tp.topic, tp.partition, state.committed)
                    continue
                log.warning("%s[%d]: offsets %d-%d never arrive after %d re-reads; acking them as a hole",
                            tp.topic, tp.partition, start, min(acked) - 1, self.tracker.accept_after)
                await _ACK_GAP(consumer, tp, start, min(acked) - 1)
            if action is not None and self.on_action is not None:
                self.on_action(tp.topic, action)

    def forget(self, partitions: Any) -> None:
        for tp in partitions:
            self.tracker.forget(tp)


def _highwater(consumer: Consumer, tp: Any) -> int | None:
    try:
        return consumer.highwater(tp)
    except Exception:  # noqa: BLE001 — no fetch response yet
        return None


_ACK_GAP = Consumer._add_gap
_GUARDED: set[str] = set()
_ON_GAP: list[Any] = []  # callables(topic, size): a gap Faust would have acked was detected and held back


async def _hold_gaps(self: Consumer, tp: Any, offset_from: int, offset_to: int) -> None:
    if tp.topic not in _GUARDED:
        await _ACK_GAP(self, tp, offset_from, offset_to)
        return
    # Faust passes the offset of the record it is delivering as ``offset_to``; the ones before it arrive later
    # (a prefetched later batch came first) and are then dropped as "older than the last read". They stop
    # the commit until they are acked, even on a partition never committed (see ``head_hole``).
    _hold(self, tp, offset_from, offset_to)


def _hold(consumer: Consumer, tp: Any, offset_from: int, offset_to: int) -> None:
    """Hold back offsets ``offset_from`` up to (not including) ``offset_to``; count and log the ones new here."""
    held = _held(consumer, tp)
    new = [offset for offset in range(offset_from, offset_to) if offset not in held]
    if not new:
        return
    held.update(new)
    log.info("%s[%d]: offsets %d-%d skipped by the fetcher; held back, not acked",
             tp.topic, tp.partition, new[0], new[-1])
    for on_gap in _ON_GAP:
        on_gap(tp.topic, len(new))


_GETMANY = Consumer.getmany


async def _skip_acked(self: Consumer, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
    """After a re-read, records already acked (not yet committed) are not processed twice; records the fetcher
    handed over past the position it was sent to are held back (``_expect``)."""
    acked_index = self._acked_index
    expected = _EXPECTED.setdefault(self, {})
    async for tp, message in _GETMANY(self, timeout):
        if tp.topic in _GUARDED:
            _expect(self, expected, tp, message.offset)
            if message.offset in acked_index.get(tp, ()):
                continue
        yield tp, message


_EXPECTED: weakref.WeakKeyDictionary[Any, dict[Any, int]] = weakref.WeakKeyDictionary()


def _expect(consumer: Consumer, expected: dict[Any, int], tp: Any, offset: int) -> None:
    """Faust detects a skip only from the last offset it read, and not at all before the first record of a
    partition it has no read offset for (never committed, or committed at 0): a batch that arrives ahead of an
    earlier one is taken as the start, the earlier one is then dropped as "older", and the commit runs over it.
    The soak lost corroborations this way: a claims partition nobody had committed yet moved to another worker
    after a kill -9, the broker served offsets 22- before 8-21, and 8-21 never reached an agent. Every offset
    between where the fetch was sent (the seek) and the record it hands over is held back until it is acked."""
    start = expected.get(tp)
    if start is not None and offset > start:
        _hold(consumer, tp, start, offset)
    if start is None or offset >= start:
        expected[tp] = offset + 1


def _sent_to(consumer: Consumer, tp: Any, offset: int | None) -> None:
    """Where the next fetch of ``tp`` starts (a seek); None when unknown, which turns ``_expect`` off."""
    expected = _EXPECTED.setdefault(consumer, {})
    if offset is None:
        expected.pop(tp, None)
    else:
        expected[tp] = offset


_ACK = Consumer.ack


def _ack_delivered_only(self: Consumer, message: Any) -> bool:
    """Faust's stream skips an event fetched in an earlier generation (or while flow is paused) *and acks
    it*, without tracking or processing it: the commit then passes a record no agent saw. The soak caught
    it after a worker joined: 19 consecutive offsets of a partition that stayed with its worker were
    committed with no output (the README's scale-out loss). An untracked message never reached an agent;
    it is not acked here, so the commit stops in front of it and the seek after the rebalance reads it again."""
    if message.topic in _GUARDED and not message.tracked:
        _held(self, message.tp).add(message.offset)
        for on_gap in _ON_GAP:
            on_gap(message.topic, 1)
        return False
    acked = _ACK(self, message)
    if message.topic in _GUARDED:
        _held(self, message.tp).discard(message.offset)
    return acked


_HELD: weakref.WeakKeyDictionary[Any, dict[Any, set[int]]] = weakref.WeakKeyDictionary()


def _held(consumer: Consumer, tp: Any) -> set[int]:
    """Offsets of ``tp`` this consumer declined to ack (never reached an agent) and has not acked since."""
    return _HELD.setdefault(consumer, {}).setdefault(tp, set())


def head_hole(consumer: Consumer, tp: Any) -> bool:
    """Acked offsets of a guarded partition start after a record that is not processed: the one at the committed
    offset (Faust's off-by-one, see ``_no_head_hole``) or one held back by ``_ack_delivered_only``, which also
    covers a partition never committed yet (Faust then checks nothing at all)."""
    acked = consumer._acked.get(tp)
    if not acked:
        return False
    head, committed, gap = min(acked), _committed(consumer, tp), consumer._gap.get(tp)

    def covered(offset: int) -> bool:  # an accepted hole
        return gap is not None and gap.overlaps_point(offset)

    if committed is not None and head > committed and not covered(committed):
        return True
    return any(offset < head and (committed is None or offset >= committed) and not covered(offset)
               for offset in _HELD.get(consumer, {}).get(tp, ()))


_BASE: weakref.WeakKeyDictionary[Any, dict[Any, int]] = weakref.WeakKeyDictionary()


def _committed(consumer: Consumer, tp: Any) -> int | None:
    """The committed offset the acked ones must continue from. Faust forgets it when partitions are revoked
    (``on_partitions_revoked`` pops ``_committed_offset`` *before* the revoke-time commit) and then commits the
    run of acked offsets from wherever it starts: records between the last commit and the in-flight batch that
    never reached an agent were committed past. The soak lost 19 consecutive offsets of a partition that stayed
    with its worker through a rebalance this way (no gap, no re-read logged). The last offset this consumer
    read from or committed to the broker stands in for it until the next seek."""
    committed = consumer._committed_offset.get(tp)
    return _BASE.get(consumer, {}).get(tp) if committed is None else committed


_PERFORM_SEEK = Consumer.perform_seek


async def _remember_seek(self: Consumer) -> None:
    """Record the broker's committed offsets at every seek (the read offsets just set from them; Faust stores a
    committed 0 as None), and where each guarded partition's fetch now starts: there, or at the start of the log
    (``auto_offset_reset`` earliest) for a partition with no commit."""
    await _PERFORM_SEEK(self)
    base = _BASE.setdefault(self, {})
    uncommitted = []
    for tp in self.assignment():
        if tp.topic not in _GUARDED:
            continue
        offset = self._read_offset.get(tp)
        if offset is not None:
            base[tp] = offset
            _sent_to(self, tp, offset)
        else:
            uncommitted.append(tp)
    if uncommitted:
        try:
            earliest = await self.earliest_offsets(*uncommitted)
        except Exception:  # noqa: BLE001 — without it only Faust's own gap check applies to these partitions
            log.warning("could not read the log start of %d uncommitted partitions", len(uncommitted), exc_info=True)
            earliest = {}
        for tp in uncommitted:
            _sent_to(self, tp, earliest.get(tp))


_COMMIT_OFFSETS = Consumer._commit_offsets


async def _remember_commit(self: Consumer, offsets: Any, start_new_transaction: bool = True) -> bool:
    did_commit = await _COMMIT_OFFSETS(self, offsets, start_new_transaction)
    if did_commit:
        base = _BASE.setdefault(self, {})
        for tp, offset in offsets.items():
            if tp.topic in _GUARDED:
                base[tp] = offset
                held = _held(self, tp)
                held.difference_update([o for o in held if o < offset])  # a re-read delivered them since
    return did_commit


_NEW_OFFSET = Consumer._new_offset


def _no_head_hole(self: Consumer, tp: Any) -> int | None:
    """Faust's ``_new_offset`` lets exactly one unacked offset through at the head: it refuses to commit when
    ``min(acked) - committed > 1``, but ``committed`` is the *next* offset to process, so acked offsets
    starting at ``committed + 1`` are committed over the record at ``committed`` (an off-by-one). A record
    skipped there (not acked by ``_ack_delivered_only``) was then committed past anyway: the soak lost one
    article this way, ``committed_past`` true, no gap logged. For guarded topics the commit stays in front of
    such a record until it is acked (or accepted as a hole, which puts it in ``_gap``); the stall guard then
    reads it again."""
    if tp.topic in _GUARDED and head_hole(self, tp):
        return None
    return _NEW_OFFSET(self, tp)


def guard_topics(topics: set[str], on_gap: Any = None) -> None:
    """Hold back gap-acks and skip acked records on re-reads for these source topics (process-wide).
    ``on_gap(topic, offsets)`` is told of every gap held back, e.g. to count it."""
    _GUARDED.update(topics)
    if on_gap is not None and on_gap not in _ON_GAP:
        _ON_GAP.append(on_gap)
    Consumer._add_gap = _hold_gaps  # type: ignore[method-assign]
    Consumer.ack = _ack_delivered_only  # type: ignore[method-assign]
    Consumer.getmany = _skip_acked  # type: ignore[method-assign]
    Consumer._new_offset = _no_head_hole  # type: ignore[method-assign]
    Consumer.perform_seek = _remember_seek  # type: ignore[method-assign]
    Consumer._commit_offsets = _remember_commit  # type: ignore[method-assign]

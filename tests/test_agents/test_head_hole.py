"""Faust's off-by-one at the head of the acked offsets: a skipped record must not be committed past."""

from collections import defaultdict, namedtuple
from types import SimpleNamespace

from intervaltree import Interval, IntervalTree

from streams import redelivery
from streams.redelivery import PartitionState, StallTracker, _no_head_hole


class FakeConsumer(SimpleNamespace):
    __hash__ = object.__hash__  # a weak-referenceable, hashable stand-in for Faust's Consumer


TP = namedtuple("TP", "topic partition")("guarded.raw", 3)


def consumer(acked: list[int], committed: int | None, gap: Interval | None = None):  # noqa: ANN201
    gaps = defaultdict(IntervalTree)
    if gap is not None:
        gaps[TP].add(gap)
    return FakeConsumer(_acked={TP: acked}, _committed_offset={TP: committed}, _gap=gaps,
                           _acked_index=defaultdict(set))


def test_one_unacked_record_at_the_committed_offset_holds_the_commit(monkeypatch):
    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    assert _no_head_hole(consumer([1061, 1062, 1063], 1060), TP) is None  # Faust alone would commit 1064
    assert _no_head_hole(consumer([1060, 1061, 1063], 1060), TP) == 1062
    assert _no_head_hole(consumer([1061, 1062], 1060, Interval(1060, 1061)), TP) == 1063  # an accepted hole


def test_the_guard_rereads_a_head_hole_under_steady_traffic():
    tracker = StallTracker(stall_after=10)
    actions = []
    for second in range(0, 40, 2):  # reads keep moving, the commit stands at 1060
        state = PartitionState(committed=1060, read=1100 + second, highwater=1200 + second, in_flight=True,
                               head_hole=True)
        actions.append(tracker.observe("tp", state, float(second)))
    assert redelivery.Action.REREAD in actions


def test_a_record_held_back_before_the_first_commit_holds_the_commit(monkeypatch):
    """A partition never committed: Faust checks nothing; a record that never reached an agent must still stop
    the commit (the soak lost offsets 52-56 of two partitions this way while the first workers joined)."""
    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    c = consumer([53, 54, 55], None)
    redelivery._held(c, TP).add(52)
    assert redelivery.head_hole(c, TP) and _no_head_hole(c, TP) is None
    redelivery._held(c, TP).discard(52)  # acked after a re-read
    c._acked[TP] = [52, 53, 54, 55]
    assert not redelivery.head_hole(c, TP) and _no_head_hole(c, TP) == 56


def test_offsets_the_fetcher_skipped_hold_the_commit_until_acked(monkeypatch):
    import asyncio

    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    c = consumer([40, 41, 42, 43], None)
    asyncio.run(redelivery._hold_gaps(c, TP, 44, 47))  # 47 is being delivered, 44-46 were not
    c._acked[TP] += [47, 48]
    assert _no_head_hole(c, TP) == 44  # the run before the hole
    assert redelivery.head_hole(c, TP) and _no_head_hole(c, TP) is None


def test_a_revoke_does_not_let_the_in_flight_batch_commit_past_a_record_that_vanished(monkeypatch):
    """Traced in a soak: offset 2372 was handed to the conductor while Recovery seeked, never reached the agent
    and was never acked or held; a rebalance popped the committed offset, the batch 2373-2388 finished during the
    revoke, and Faust committed 2389 from it (no gap, no re-read logged). The committed offset read at the seek
    stands in for the one Faust forgot, so that commit is refused and the next owner reads 2356 again."""
    import asyncio

    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    c = consumer([], None)
    c._committed_offset, c._read_offset = defaultdict(lambda: None), defaultdict(lambda: None)  # as Faust's
    c.assignment = lambda: {TP}

    async def seek_to_committed() -> dict:
        return {TP: 2356}

    c.seek_to_committed = seek_to_committed
    asyncio.run(redelivery._remember_seek(c))
    assert c._committed_offset[TP] == 2356
    c._acked[TP] = list(range(2356, 2372))
    assert _no_head_hole(c, TP) == 2372  # the run before the record that vanished
    c._committed_offset.pop(TP)  # Faust's on_partitions_revoked, before the revoke-time commit
    c._acked[TP] = list(range(2373, 2389))
    assert redelivery.head_hole(c, TP) and _no_head_hole(c, TP) is None  # Faust alone commits 2389


def test_a_successful_commit_moves_the_remembered_offset(monkeypatch):
    import asyncio

    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    c = consumer([], None)
    c._committed_offset = defaultdict(lambda: None)  # as Faust's
    outcomes = iter([True, False])

    async def commit(self, offsets, start_new_transaction=True):  # noqa: ANN001, ANN202, ARG001
        return next(outcomes)

    monkeypatch.setattr(redelivery, "_COMMIT_OFFSETS", commit)
    assert asyncio.run(redelivery._remember_commit(c, {TP: 2372}))
    assert not asyncio.run(redelivery._remember_commit(c, {TP: 2400}))  # refused by the broker: not remembered
    c._committed_offset.pop(TP, None)
    c._acked[TP] = [2373, 2374]
    assert redelivery._committed(c, TP) == 2372 and _no_head_hole(c, TP) is None
    c._acked[TP] = [2372, 2373]
    assert _no_head_hole(c, TP) == 2374


def _served(c: FakeConsumer, offsets: list[int], monkeypatch) -> list[int]:  # noqa: ANN001
    """Offsets ``_skip_acked`` lets through when the fetcher hands these over in this order."""
    import asyncio

    async def getmany(self, timeout):  # noqa: ANN001, ANN202, ARG001
        for offset in offsets:
            yield TP, SimpleNamespace(offset=offset, tp=TP)

    async def take() -> list[int]:
        return [m.offset async for _, m in redelivery._skip_acked(c, 1.0)]

    monkeypatch.setattr(redelivery, "_GETMANY", getmany)
    return asyncio.run(take())


def test_a_later_batch_served_first_on_a_partition_never_committed_holds_the_commit(monkeypatch):
    """Traced in the short soak: a claims partition nobody had committed moved to another worker after a kill -9;
    the fetch from the log start handed over offsets 22- before 8-21 (Faust has no read offset to see a gap from),
    8-21 were then dropped as older, and the commit ran from 22 (corroborations lost, lag 0)."""
    import asyncio

    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    c = consumer([], None)
    c._committed_offset, c._read_offset = defaultdict(lambda: None), defaultdict(lambda: None)  # as Faust's
    c.assignment = lambda: {TP}

    async def seek_to_committed() -> dict:
        return {TP: None}

    async def earliest_offsets(*tps) -> dict:  # noqa: ANN002
        return dict.fromkeys(tps, 0)

    c.seek_to_committed, c.earliest_offsets = seek_to_committed, earliest_offsets
    asyncio.run(redelivery._remember_seek(c))
    assert _served(c, [22, 23], monkeypatch) == [22, 23]
    assert redelivery._held(c, TP) == set(range(22))
    c._acked[TP] = [22, 23]
    assert _no_head_hole(c, TP) is None  # Faust alone commits 24
    for offset in range(22):  # the re-read delivers them
        redelivery._held(c, TP).discard(offset)
    c._acked[TP] = list(range(24))
    assert _no_head_hole(c, TP) == 24


def test_records_served_in_order_after_a_seek_hold_nothing(monkeypatch):
    import asyncio

    monkeypatch.setattr(redelivery, "_GUARDED", {"guarded.raw"})
    c = consumer([], None)
    c._committed_offset, c._read_offset = defaultdict(lambda: None), defaultdict(lambda: None)
    c.assignment = lambda: {TP}

    async def seek_to_committed() -> dict:
        return {TP: 40}

    c.seek_to_committed = seek_to_committed
    asyncio.run(redelivery._remember_seek(c))
    assert _served(c, [40, 41, 42, 39], monkeypatch) == [40, 41, 42, 39]  # an older one is Faust's to drop
    assert not redelivery._held(c, TP)
    assert _served(c, [45], monkeypatch) == [45]
    assert redelivery._held(c, TP) == {43, 44}

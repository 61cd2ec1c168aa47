"""A revoke during an in-flight batch, on the real broker: the revoke-time commit must not pass a record no agent
processed.

Faust's ``on_partitions_revoked`` forgets a partition's committed offset, then waits for the in-flight events to be
acked and commits them (``wait_empty``). With the committed offset gone its ``_new_offset`` checks nothing, so a
batch that does not continue from the last commit is committed from wherever it starts. The soak lost records this
way (README, "Soak"); ``streams/redelivery.py`` keeps the last committed offset to stand in for the forgotten one.

The test drives a small Faust app (no NLP) against the embedded broker and makes each step happen on cue instead of
by timing: offsets 0-9 are acked and committed; offset 10 "vanishes" (handed to the agent, then neither acked nor
tracked, as the traced record did while Recovery seeked); 11-20 are in flight when the group rebalances (the
consumer asks to rejoin, as it does when a worker joins), and the agent acks them only once Faust has forgotten
the committed offset, so their commit is the revoke-time one. Every commit sent to the broker is recorded: none may
pass offset 10 before offset 10 is acked. Without ``_committed`` (added in 48ebc9a) Faust commits 21 here.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import faust
import pytest
from aiokafka.admin import NewTopic
from faust.transport.consumer import Consumer
from faust.types import TP

from streams import redelivery
from streams.kafka.admin import ensure_topics

pytestmark = pytest.mark.broker

VANISHES, IN_FLIGHT = 10, range(11, 21)


def guard(monkeypatch: pytest.MonkeyPatch, topic: str) -> None:
    """``guard_topics`` for this test only (it patches Faust's Consumer for the whole process)."""
    monkeypatch.setattr(redelivery, "_GUARDED", {topic})
    for name, patched in (("_add_gap", redelivery._hold_gaps), ("ack", redelivery._ack_delivered_only),
                          ("getmany", redelivery._skip_acked), ("_new_offset", redelivery._no_head_hole),
                          ("perform_seek", redelivery._remember_seek),
                          ("_commit_offsets", redelivery._remember_commit)):
        monkeypatch.setattr(Consumer, name, patched)


async def until(condition, timeout: float, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.05)


async def test_a_revoke_time_commit_does_not_pass_a_record_that_never_reached_an_agent(broker, tmp_path,
                                                                                     monkeypatch):
    tag = uuid.uuid4().hex[:8]
    name = f"t{tag}.revoke.raw"
    guard(monkeypatch, name)
    await ensure_topics(broker.bootstrap, [NewTopic(name, 1, 1)])
    app = faust.App(f"newsmon-revoke-{tag}", broker=f"kafka://{broker.bootstrap}", store="memory://",
                    datadir=str(tmp_path), autodiscover=False, web_enabled=False,
                    processing_guarantee="at_least_once", broker_session_timeout=6.0,
                    broker_heartbeat_interval=1.0, broker_rebalance_timeout=6.0, broker_commit_every=1,
                    broker_commit_interval=0.2, consumer_auto_offset_reset="earliest", topic_disable_leader=True,
                    stream_wait_empty=True)
    topic = app.topic(name, value_type=bytes, value_serializer="raw", partitions=1)
    tp = TP(name, 0)
    acked: set[int] = set()  # offsets the agent processed and acked
    commits: list[tuple[int, frozenset[int]]] = []  # each offset committed for tp, and what was acked then
    in_flight: list = []
    batch_held = asyncio.Event()
    vanished: list[int] = []

    @app.agent(topic)
    async def agent(stream):  # noqa: ANN001, ANN202
        async for event in stream.noack().events():
            consumer, offset = app.consumer, event.message.offset
            if offset == VANISHES and not vanished:
                vanished.append(offset)
                consumer._unacked_messages.discard(event.message)  # lost between fetch and agent
                continue
            if offset in IN_FLIGHT and not batch_held.is_set():
                in_flight.append(event)
                if len(in_flight) == len(IN_FLIGHT):
                    batch_held.set()
                    await until(lambda: tp not in app.consumer._committed_offset, 60, "the revoke began")
                    for held in in_flight:  # the batch finishes during the revoke
                        consumer.ack(held.message)
                        acked.add(held.message.offset)
                continue
            consumer.ack(event.message)
            acked.add(offset)

    def committed_past() -> list[tuple[int, list[int]]]:
        """Commits that passed offsets no agent had acked, with those offsets."""
        return [(offset, missing) for offset, seen in commits
                if (missing := [o for o in range(offset) if o not in seen])]

    async def start() -> None:
        await app.start()
        commit = app.consumer._commit

        async def recording(offsets):  # noqa: ANN001, ANN202
            if tp in offsets:
                commits.append((offsets[tp], frozenset(acked)))
            return await commit(offsets)

        app.consumer._commit = recording

    try:
        await start()
        for i in range(VANISHES):
            await (await topic.send(value=f"article-{i}".encode()))
        await until(lambda: any(offset == VANISHES for offset, _ in commits), 60, "0-9 were committed")
        for i in range(VANISHES, IN_FLIGHT.stop):
            await (await topic.send(value=f"article-{i}".encode()))
        await asyncio.wait_for(batch_held.wait(), 60)
        assert app.consumer._committed_offset.get(tp) == VANISHES and VANISHES not in acked
        thread = app.consumer._thread
        thread.thread_loop.call_soon_threadsafe(thread._ensure_consumer()._coordinator.request_rejoin)
        # the next owner (here the same consumer) reads 10 again from the committed offset
        await until(lambda: acked >= set(range(IN_FLIGHT.stop)) or committed_past(), 90,
                    "every record was processed (or one was committed past)")
    finally:
        await app.stop()

    assert not committed_past(), f"committed past records no agent acked: {committed_past()[:3]} " \
                                 f"(commits: {[offset for offset, _ in commits]})"
    assert any(seen >= set(IN_FLIGHT) for _, seen in commits), "the in-flight batch was never part of a commit"
    assert VANISHES in acked, "the record that vanished was never read again"

"""The local broker's departed-leader stall, reproduced on cue, and the way out that the soak uses."""

from __future__ import annotations

import asyncio
import time
import uuid
import zlib

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import NewTopic
from aiokafka.client import AIOKafkaClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from aiokafka.protocol.group import LeaveGroupRequest
from faust.assignor.client_assignment import ClientAssignment, ClientMetadata

from streams.kafka.admin import ensure_topics
from streams.kafka.ghost_leader import COORDINATOR_GROUP, empty_assignment, free_group

PARTITIONS = 4


def test_a_faust_member_accepts_the_empty_assignment_as_its_own() -> None:
    own = ClientMetadata(assignment=ClientAssignment(actives={"t": [0, 1]}, standbys={}), url="http://w1:6066",
                         changelog_distribution={})
    joined = ConsumerProtocolMemberMetadata(4, ["t"], own.dumps()).encode()

    assignment = ConsumerProtocolMemberAssignment.decode(empty_assignment(joined))
    metadata = ClientMetadata.loads(zlib.decompress(assignment.user_data))

    assert assignment.assignment == []
    assert metadata.url == "http://w1:6066"
    assert metadata.assignment.active_tps == set() and metadata.assignment.standby_tps == set()


def test_a_plain_consumer_gets_nothing_assigned_and_no_user_data() -> None:
    joined = ConsumerProtocolMemberMetadata(0, ["t"], b"").encode()
    assignment = ConsumerProtocolMemberAssignment.decode(empty_assignment(joined))
    assert assignment.assignment == [] and assignment.user_data == b""


async def _assigned(consumer: AIOKafkaConsumer, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if len(consumer.assignment()) == PARTITIONS:
            return True
        await asyncio.sleep(0.25)
    return False


async def test_a_group_kept_by_its_departed_leader_is_freed(broker) -> None:
    """A follower leaves, the leader 40 ms later: the broker keeps naming the leader and the last member never gets
    an assignment (4 of 4 tries here). Taking the departed leader's place, assigning nothing and leaving frees it."""
    topic, group = f"ghost-{uuid.uuid4().hex[:8]}", f"ghost-{uuid.uuid4().hex[:8]}"
    await ensure_topics(broker.bootstrap, [NewTopic(topic, PARTITIONS, 1)])
    members = [AIOKafkaConsumer(topic, bootstrap_servers=broker.bootstrap, group_id=group, client_id=name,
                                session_timeout_ms=6000, heartbeat_interval_ms=1000, rebalance_timeout_ms=6000,
                                enable_auto_commit=False) for name in "ABC"]
    polls: list[asyncio.Task] = []
    client = AIOKafkaClient(bootstrap_servers=broker.bootstrap)
    try:
        for member in members:
            await member.start()
            polls.append(asyncio.create_task(_poll(member)))
            await asyncio.sleep(0.2)
        deadline = time.monotonic() + 30
        while sum(len(m.assignment()) for m in members) < PARTITIONS and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
        leader = next(m for m in members if getattr(m._coordinator, "_group_subscription", None))
        follower, last = [m for m in members if m is not leader]
        await client.bootstrap()
        node = await client.coordinator_lookup(COORDINATOR_GROUP, group)
        for i, gone in enumerate((follower, leader)):
            polls[members.index(gone)].cancel()
            await client.send(node, LeaveGroupRequest(group, gone._coordinator.member_id))
            if i == 0:
                await asyncio.sleep(0.04)
        ghost = leader._coordinator.member_id
        await asyncio.gather(follower.stop(), leader.stop())  # or they rejoin as new members

        assert not await _assigned(last, within=12), "the broker elected a live leader: the fault did not reproduce"
        assert await free_group(broker.bootstrap, group, protocol="roundrobin") == ghost
        assert await _assigned(last, within=20)
    finally:
        for task in polls:
            task.cancel()
        await client.close()
        for member in members:
            await member.stop()


async def _poll(consumer: AIOKafkaConsumer) -> None:
    while True:
        try:
            await consumer.getmany(timeout_ms=200)
        except Exception:  # noqa: BLE001 - a member that was made to leave errors until it is stopped
            await asyncio.sleep(0.2)

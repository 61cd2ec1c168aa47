"""Free a consumer group the local broker left with a departed member as its leader.

Tansu 0.6 can keep naming a member that left (two LeaveGroups at once, the leader's among them) as the group's
leader in every JoinGroup response; no live member is elected, none assigns, and the group stalls for good
(evidence: README "Soak", ``streams/soak/group.py``). Evicting the ghost with a LeaveGroup changes nothing. What frees
it (plain aiokafka consumers, 5 stalls of 5): join *as* the departed member, which makes us the leader, complete that
generation with an empty assignment for every member, and leave; the next generation elects a live member, which
assigns as usual. Apache Kafka's coordinator elects among the members that rejoined and never needs this.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from aiokafka.client import AIOKafkaClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from aiokafka.errors import MemberIdRequired, for_code
from aiokafka.protocol.group import JoinGroupRequest, LeaveGroupRequest, SyncGroupRequest

COORDINATOR_GROUP = 0  # FindCoordinator key type of a consumer group
NO_MEMBER = ""


def empty_assignment(member_metadata: bytes) -> bytes:
    """An assignment of nothing that the member's own assignor accepts.

    Faust checks on assignment that its user data names the member's own URL (from the member's metadata), so a
    Faust member gets its URL back with an empty ``ClientAssignment``; any other member gets plain nothing."""
    user_data = b""
    try:
        metadata = orjson.loads(ConsumerProtocolMemberMetadata.decode(member_metadata).user_data or b"")
    except (orjson.JSONDecodeError, ValueError, TypeError):
        metadata = None
    if isinstance(metadata, dict) and "url" in metadata:
        user_data = zlib.compress(orjson.dumps({
            "assignment": {"actives": {}, "standbys": {}}, "url": metadata["url"], "changelog_distribution": {},
            "external_topic_distribution": {}, "topic_groups": {},
        }))
    return ConsumerProtocolMemberAssignment(0, [], user_data).encode()


class GroupJoin:
    """One raw membership in a group, enough to see who the broker names leader and to act as that member."""

    def __init__(self, client: AIOKafkaClient, node: int, group: str, protocol: str, session_ms: int):
        self.client, self.node, self.group, self.protocol, self.session_ms = client, node, group, protocol, session_ms

    async def join(self, member_id: str) -> Any:
        metadata = ConsumerProtocolMemberMetadata(0, [], b"").encode()
        request = JoinGroupRequest(self.group, self.session_ms, self.session_ms, member_id, None, "consumer",
                                   [(self.protocol, metadata)])
        response = await self.client.send(self.node, request)
        if for_code(response.error_code) is MemberIdRequired:  # JoinGroup v4+: the broker hands out the id first
            return await self.join(response.member_id)
        if response.error_code:
            raise for_code(response.error_code)(f"JoinGroup {self.group} as {member_id or 'new member'}")
        return response

    async def complete_empty(self, response: Any) -> None:
        """As leader, end the generation with nothing assigned to anyone."""
        assignments = [(member_id, empty_assignment(metadata)) for member_id, *_, metadata in response.members]
        sync = await self.client.send(self.node, SyncGroupRequest(self.group, response.generation_id,
                                                                  response.member_id, None, assignments))
        if sync.error_code:
            raise for_code(sync.error_code)(f"SyncGroup {self.group}")

    async def leave(self, member_id: str) -> None:
        await self.client.send(self.node, LeaveGroupRequest(self.group, member_id))


async def free_group(bootstrap: str, group: str, protocol: str = "faust", session_ms: int = 6000,
                     **client_kwargs: Any) -> str | None:
    """Join, and if the broker names a leader other than us, take that member's place, assign nothing and leave.

    Returns the member id that was freed, or None when we were elected ourselves (the group had no ghost; our
    empty generation and leave cost the group one extra rebalance, nothing else)."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, **client_kwargs)
    await client.bootstrap()
    try:
        node = await client.coordinator_lookup(COORDINATOR_GROUP, group)
        raw = GroupJoin(client, node, group, protocol, session_ms)
        probe = await raw.join(NO_MEMBER)
        if probe.leader_id == probe.member_id:
            await raw.complete_empty(probe)
            await raw.leave(probe.member_id)
            return None
        ghost = probe.leader_id
        await raw.leave(probe.member_id)
        taken = await raw.join(ghost)
        if taken.leader_id == taken.member_id:
            await raw.complete_empty(taken)
        await raw.leave(ghost)
        return ghost
    finally:
        await client.close()

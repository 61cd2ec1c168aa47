"""A consumer group's committed offsets, read with the admin API (no group join)."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def committed_offsets(admin: AIOKafkaAdminClient, group: str,
                            partitions: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """(topic, partition) -> next offset the group will read; partitions never committed are absent.
    The partitions are named: the local broker cannot answer "all partitions of the group"."""
    tps = [TopicPartition(t, p) for t, p in partitions]
    offsets = await admin.list_consumer_group_offsets(group, partitions=tps)
    return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}

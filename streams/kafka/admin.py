"""Explicit topic creation: the local broker auto-creates with 4 partitions, Kafka with 1."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams.settings import Settings


def topic_specs(settings: Settings) -> list[NewTopic]:
    names = settings.topics
    rf = settings.replication_factor
    return [
        NewTopic(names.raw, settings.partitions, rf),
        NewTopic(names.enriched, settings.partitions, rf),
        NewTopic(names.dlq, settings.partitions, rf),
        NewTopic(names.alerts, settings.partitions, rf, topic_configs={"cleanup.policy": "compact"}),
        NewTopic(names.claims, settings.partitions, rf),
        NewTopic(names.seen_urls, settings.partitions, rf, topic_configs={"cleanup.policy": "compact"}),
    ]


async def ensure_topics(bootstrap: str, specs: list[NewTopic], timeout: float = 30.0, *,
                        security: Mapping[str, Any] | None = None) -> list[str]:
    """Create what is missing; returns the names created. Existing topics are left as they are. ``security``:
    ``aiokafka_security_kwargs(settings)`` (streams/kafka/security.py) for a secured cluster."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000),
                                **(security or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in specs if t.name not in existing]
        created = []
        for topic in missing:
            try:
                await admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        await admin.close()


def ensure_topics_sync(settings: Settings) -> list[str]:
    from streams.kafka.security import aiokafka_security_kwargs

    return asyncio.run(ensure_topics(settings.broker, topic_specs(settings),
                                     security=aiokafka_security_kwargs(settings)))

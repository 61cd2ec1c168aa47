"""kill -9 with 2,000 articles queued: at-least-once holds and no alert id is minted twice."""

import asyncio
import time
from collections import defaultdict

import orjson
import pytest

from streams.kafka.consume import read_topic
from tests.fixtures.articles import produce_variants

pytestmark = pytest.mark.broker
N = 2000


async def count_enriched(bootstrap: str, topic: str) -> int:
    return len(await read_topic(bootstrap, topic, idle=0.5, timeout=5))


async def test_kill_9_mid_stream_then_restart_loses_nothing(topics, start_worker, seeds_dir):
    worker = start_worker()
    keys = await produce_variants(topics.broker, topics.topics.raw, seeds_dir, N, prefix="crash")
    deadline = time.monotonic() + 120
    while await count_enriched(topics.broker, topics.topics.enriched) < 100:
        assert time.monotonic() < deadline, worker.log_tail()
        await asyncio.sleep(0.5)
    worker.kill()
    done_before = await count_enriched(topics.broker, topics.topics.enriched)
    assert done_before < N, "the crash must happen with articles still in flight"

    start_worker()
    seen: set[bytes] = set()
    deadline = time.monotonic() + 240
    while seen != keys and time.monotonic() < deadline:
        seen = {r.key for r in await read_topic(topics.broker, topics.topics.enriched, idle=1, timeout=30)}
    assert seen == keys, f"missing {len(keys - seen)} of {N} after restart"

    alerts = await read_topic(topics.broker, topics.topics.alerts, idle=3, timeout=60)
    ids_by_signature = defaultdict(set)
    for record in alerts:
        alert = orjson.loads(record.value)
        # change rules give each changed fact its own id under one signature
        ids_by_signature[(alert["rule_id"], alert["signature"], (alert.get("change") or {}).get("fact"))].add(
            alert["alert_id"])
    assert ids_by_signature, "the seeds' claims must raise alerts"
    assert all(len(ids) == 1 for ids in ids_by_signature.values()), ids_by_signature

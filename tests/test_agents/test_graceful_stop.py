"""SIGTERM finishes the in-flight batch and commits: a restarted worker redoes (almost) nothing."""

import asyncio
import time
from collections import Counter

import pytest

from streams.kafka.consume import read_topic
from tests.fixtures.articles import produce_variants

pytestmark = pytest.mark.broker


async def test_sigterm_commits_what_was_processed(topics, start_worker, seeds_dir):
    worker = start_worker()
    keys = await produce_variants(topics.broker, topics.topics.raw, seeds_dir, 600, prefix="term")
    deadline = time.monotonic() + 120
    while len(await read_topic(topics.broker, topics.topics.enriched, idle=0.3, timeout=5)) < 100:
        assert time.monotonic() < deadline, worker.log_tail()
        await asyncio.sleep(0.3)
    assert worker.terminate(60) == 0, worker.log_tail()
    before = Counter(r.key for r in await read_topic(topics.broker, topics.topics.enriched, idle=1, timeout=30))

    start_worker()
    counts: Counter = Counter()
    deadline = time.monotonic() + 180
    while set(counts) != keys and time.monotonic() < deadline:
        counts = Counter(r.key for r in await read_topic(topics.broker, topics.topics.enriched, idle=1, timeout=30))
    assert set(counts) == keys
    redone = sum(counts[k] - 1 for k in before)
    assert redone <= 16, f"{redone} of {len(before)} articles enriched before SIGTERM were processed again"

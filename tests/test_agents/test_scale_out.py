"""Two workers in one group split the partitions; stopping one hands its partitions over without loss."""

import asyncio
import re
import time

import pytest

from streams.kafka.consume import read_topic
from tests.fixtures.articles import produce_variants

pytestmark = pytest.mark.broker


def consumed(metrics: str) -> float:
    match = re.search(r'^newsmon_articles_consumed_total\{topic="[^"]+"\} (\S+)$', metrics, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def assigned(metrics: str, series: str) -> float:
    line = next((line for line in metrics.splitlines() if line.startswith(series + " ")), None)
    return float(line.rsplit(" ", 1)[1]) if line else 0.0


async def wait_for_keys(topics, keys: set[bytes], timeout: float) -> set[bytes]:
    seen: set[bytes] = set()
    deadline = time.monotonic() + timeout
    while not keys <= seen and time.monotonic() < deadline:
        seen = {r.key for r in await read_topic(topics.broker, topics.topics.enriched, idle=1, timeout=30)}
    return seen


async def test_two_workers_share_the_work_and_one_takes_over_when_the_other_stops(topics, start_worker, seeds_dir):
    first, second = start_worker(), start_worker()
    raw = f'newsmon_assigned_partitions{{topic="{topics.topics.raw}"}}'
    deadline = time.monotonic() + 90
    while not all(assigned(w.metrics(), raw) > 0 for w in (first, second)):  # the group has settled
        assert time.monotonic() < deadline, "the two workers never shared the partitions"
        await asyncio.sleep(0.5)
    assert assigned(first.metrics(), raw) + assigned(second.metrics(), raw) == topics.partitions
    keys = await produce_variants(topics.broker, topics.topics.raw, seeds_dir, 300, prefix="before")
    assert keys <= await wait_for_keys(topics, keys, 120)
    a, b = consumed(first.metrics()), consumed(second.metrics())
    assert a > 0 and b > 0, f"both workers must get partitions (consumed {a} and {b})"
    assert a + b >= 300

    assert second.terminate(60) == 0, second.log_tail()
    more = await produce_variants(topics.broker, topics.topics.raw, seeds_dir, 300, prefix="after")
    assert more <= await wait_for_keys(topics, more, 120), first.log_tail()
    assert consumed(first.metrics()) >= a + 300

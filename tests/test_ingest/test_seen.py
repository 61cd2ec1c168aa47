"""The seen-URLs topic between two ingest processes on the real broker: a refresh misses nothing acknowledged."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from streams.ingest import clients
from streams.ingest.seen import SeenUrls
from streams.settings import Settings

pytestmark = pytest.mark.broker


@contextlib.asynccontextmanager
async def seen_urls(settings: Settings) -> AsyncIterator[SeenUrls]:
    """The seen-URLs memory of one ingest process, with its own producer and reader."""
    producer, reader = clients.make_producer(settings), clients.make_reader(settings)
    await producer.start()
    await reader.start()
    try:
        seen = SeenUrls(producer, reader, settings.topics.seen_urls, timedelta(days=30))
        await seen.load()
        yield seen
    finally:
        await reader.stop()
        await producer.stop()


async def test_a_url_another_process_remembered_is_known_after_the_next_refresh(topics):
    """Each URL is acknowledged by the broker before the refresh starts, so a refresh that misses it
    (e.g. returns before its reader's fetch came back) would let this process ingest the page again."""
    async with seen_urls(topics) as mine, seen_urls(topics) as theirs:
        for n in range(12):
            url = f"https://news.example/world/story-{n}"
            await theirs.remember([url], "produced")
            await mine.refresh()
            assert url in mine, f"story {n}: remembered by the other process, missed by the refresh"
        assert len(mine) == len(theirs) == 12


"""Feeds and pages of a loopback site into a real broker: the right articles once, the rest with a reason."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from schemas import DeadLetter, RawArticle
from streams.ingest.runner import Ingestor, politeness_of
from streams.ingest.sources import Source, SourcesFile
from streams.kafka.consume import read_topic
from streams.settings import Settings
from tests.test_ingest.loopback_site.server import WORLD_ETAG, RunningSite, Site

pytestmark = pytest.mark.broker

WORLD = ["/news/shells-by-rail?utm_source=rss&utm_medium=feed", "/go/troops", "/news/empty", "/news/slow",
         "/news/broken", "/private/leak", "/files/report.pdf", "/news/huge"]
REGIONAL = ["/news/shells-by-rail?fbclid=abc123", "/news/satellite-help"]
PAGES = ["/news/shells-by-rail", "/go/troops", "/news/troops-kursk", "/news/satellite-help", "/news/empty",
         "/news/slow", "/news/broken", "/files/report.pdf", "/news/huge", "/private/leak",
         "/news/new-after-restart"]


def sources(base: str) -> SourcesFile:
    fast = {"host_rate": 50.0, "host_concurrency": 4}
    return SourcesFile(version=1, sources=[
        Source(name="world", url=f"{base}/feeds/world.xml", language="en", **fast),
        Source(name="regional", url=f"{base}/feeds/regional.atom", **fast),
        Source(name="down", url=f"{base}/feeds/broken.xml", **fast),
    ])


def ingest_settings(topics: Settings) -> Settings:
    return topics.model_copy(update={"ingest_timeout": 1.0, "ingest_retries": 1, "ingest_max_page_bytes": 200_000})


async def poll_once(settings: Settings, base: str) -> Ingestor:
    politeness = dataclasses.replace(politeness_of(settings), backoff=0.1)
    async with Ingestor(settings, sources(base), politeness) as ingest:
        await ingest.run(asyncio.Event(), once=True)
    return ingest


async def everything(settings: Settings, topic: str) -> list:
    return await read_topic(settings.broker, topic, idle=1.5, timeout=30)


def page_requests(site: Site) -> dict[str, int]:
    return {p: site.requests[p] for p in PAGES}


async def test_right_articles_reach_raw_once_across_two_polls_and_a_restart(topics):
    settings = ingest_settings(topics)
    site = Site(slow_seconds=3.0, world=list(WORLD), regional=list(REGIONAL))
    async with RunningSite(site) as base:
        # first poll
        first = await poll_once(settings, base)
        raw = await everything(settings, settings.topics.raw)
        articles = [RawArticle.model_validate(orjson.loads(r.value)) for r in raw]
        assert sorted(a.url for a in articles) == [f"{base}/news/satellite-help", f"{base}/news/shells-by-rail",
                                                   f"{base}/news/troops-kursk"]
        assert all(r.key.decode() == a.article_id == a.id for r, a in zip(raw, articles, strict=True))
        shells = next(a for a in articles if a.url.endswith("shells-by-rail"))
        assert shells.title == "Freight trains carried shells from North Korea to Russia, Seoul says"
        assert shells.source in {"world", "regional"} and shells.metadata["author"] == "Mara Lindqvist"
        assert shells.published_at is not None and shells.published_at.isoformat() == "2026-11-20T08:30:00+00:00"
        assert shells.fetched_at is not None
        assert "Rajin" in shells.text and "cookies" not in shells.text and "Reply" not in shells.text
        troops = next(a for a in articles if a.url.endswith("troops-kursk"))
        assert troops.metadata["entry_url"] == f"{base}/go/troops" and troops.language == "en"

        letters = [DeadLetter.model_validate(orjson.loads(r.value)) for r in
                   await everything(settings, settings.topics.dlq)]
        assert sorted((d.url.removeprefix(base), d.error) for d in letters) == [
            ("/files/report.pdf", "not_html"), ("/news/broken", "http_error"), ("/news/empty", "no_text"),
            ("/news/huge", "too_large"), ("/news/slow", "http_error")]
        assert all(d.key == d.url for d in letters)
        empty = next(d for d in letters if d.error == "no_text")
        assert "Sign in" in empty.payload  # the page is kept for whoever looks into it
        assert first.report.skipped == {"robots_disallowed": 1}
        assert first.report.polls == {"ok": 2, "error": 1}  # the failing feed did not stop the others
        assert site.requests["/private/leak"] == 0
        assert site.requests["/news/broken"] == 2  # one retry
        assert site.requests["/feeds/broken.xml"] == 2
        fetched = page_requests(site)

        # second poll, same process state: the world feed answers 304, the regional feed lists seen URLs
        second = Ingestor(settings, sources(base), politeness_of(settings))
        second.states = first.states
        async with second:
            await second.run(asyncio.Event(), once=True)
        assert site.not_modified == 1 and first.states["world"].etag == WORLD_ETAG
        assert second.report.produced == [] and second.report.dead_letters == {}
        assert page_requests(site) == fetched

        # restart: nothing in memory, one new story in the regional feed
        site.regional.append("/news/new-after-restart")
        restarted = await poll_once(settings, base)
        assert restarted.report.polls["ok"] == 2 and site.not_modified == 1  # a fresh process sends no ETag
        assert restarted.report.produced == [f"{base}/news/new-after-restart"]
        assert page_requests(site) == {**fetched, "/news/new-after-restart": 1}

    raw = await everything(settings, settings.topics.raw)
    urls = [orjson.loads(r.value)["url"] for r in raw]
    assert sorted(urls) == sorted({*urls}) and len(urls) == 4
    assert len(await everything(settings, settings.topics.dlq)) == 5


async def test_two_ingest_processes_agree_through_the_seen_topic(topics):
    settings = ingest_settings(topics)
    site = Site(world=["/news/missiles-en-route"], regional=["/news/workers-for-factories"])
    async with RunningSite(site) as base:
        politeness = dataclasses.replace(politeness_of(settings), backoff=0.1)
        async with Ingestor(settings, sources(base), politeness) as one, \
                Ingestor(settings, sources(base), politeness) as two:  # both loaded the topic before any poll
            await one.run(asyncio.Event(), once=True)
            await two.run(asyncio.Event(), once=True)
        assert len(one.report.produced) == 2 and two.report.produced == []
        assert site.requests["/news/missiles-en-route"] == site.requests["/news/workers-for-factories"] == 1
    assert len(await everything(settings, settings.topics.raw)) == 2


async def test_a_url_remembered_longer_than_the_window_is_ingested_again(topics):
    from aiokafka import AIOKafkaProducer

    settings = ingest_settings(topics).model_copy(update={"ingest_seen_window_days": 7.0})
    site = Site(world=[], regional=["/news/summit-without-deal"])
    async with RunningSite(site) as base:
        url = f"{base}/news/summit-without-deal"
        producer = AIOKafkaProducer(bootstrap_servers=settings.broker)
        await producer.start()
        try:
            long_ago = (datetime.now(UTC) - timedelta(days=8)).isoformat()
            old = {"url": url, "outcome": "produced", "seen_at": long_ago}
            await producer.send_and_wait(settings.topics.seen_urls, orjson.dumps(old), key=url.encode())
        finally:
            await producer.stop()
        ingest = await poll_once(settings, base)
        assert ingest.report.produced == [url]
    seen = await everything(settings, settings.topics.seen_urls)
    assert [r.value is None for r in seen if r.key.decode() == url] == [False, True, False]  # old, tombstone, new


async def test_a_news_sitemap_is_ingested_like_a_feed(topics):
    settings = ingest_settings(topics)
    site = Site(sitemap=["/news/troops-kursk", "/news/missiles-en-route"])
    async with RunningSite(site) as base:
        source = Source(name="sitemap", url=f"{base}/sitemaps/news.xml", kind="sitemap", host_rate=50.0)
        async with Ingestor(settings, SourcesFile(version=1, sources=[source])) as ingest:
            await ingest.run(asyncio.Event(), once=True)
    raw = await everything(settings, settings.topics.raw)
    articles = [RawArticle.model_validate(orjson.loads(r.value)) for r in raw]
    assert sorted(a.url.removeprefix(base) for a in articles) == ["/news/missiles-en-route", "/news/troops-kursk"]
    missiles = next(a for a in articles if a.url.endswith("missiles-en-route"))
    assert missiles.published_at.isoformat() == "2026-11-22T10:45:00+00:00" and missiles.source == "sitemap"

"""The ingest loop: every source polled on its own schedule; a failing source never stops the others.

Per entry: normalise the URL, skip it when seen, fetch politely, extract, produce to ``articles.raw``
(keyed by ``article_id`` as ``newsmon replay`` does) or dead-letter with the reason and the URL, then
remember the URL. The article is acknowledged by the broker before its URL is remembered, so a crash in
between produces it again on restart under the same key (at-least-once, never lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp

from schemas import DeadLetter, encode
from schemas.dead_letter import ErrorKind
from streams.ingest import clients
from streams.ingest import metrics as m
from streams.ingest.extract import ExtractError, extract_article
from streams.ingest.feeds import FeedEntry, FeedState, poll_feed
from streams.ingest.fetch import FetchError, Page, PoliteFetcher, Politeness, RobotsDisallowed
from streams.ingest.seen import SeenUrls
from streams.ingest.sources import Source, SourcesFile
from streams.ingest.urls import host_of, normalise_url
from streams.kafka.replay import with_id
from streams.settings import Settings

log = logging.getLogger(__name__)
MAX_RETRY_DELAY = 300.0


@dataclass
class IngestReport:
    produced: list[str] = field(default_factory=list)  # URLs
    dead_letters: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    polls: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        return (f"polls {dict(self.polls)}, produced {len(self.produced)}, dead letters {dict(self.dead_letters)}, "
                f"skipped {dict(self.skipped)}")


def politeness_of(settings: Settings) -> Politeness:
    return Politeness(user_agent=settings.ingest_user_agent, timeout=settings.ingest_timeout,
                      retries=settings.ingest_retries, max_bytes=settings.ingest_max_page_bytes)


class Ingestor:
    """Use as ``async with Ingestor(settings, sources) as ingest: await ingest.run(stop)``."""

    def __init__(self, settings: Settings, sources: SourcesFile, politeness: Politeness | None = None):
        self.settings = settings
        self.sources = sources.sources
        self.politeness = politeness or politeness_of(settings)
        self.report = IngestReport()
        self.states = {s.name: FeedState() for s in self.sources}
        self._refresh_lock = asyncio.Lock()
        self._in_flight: set[str] = set()

    async def __aenter__(self) -> Ingestor:
        self.session = aiohttp.ClientSession()
        self.fetcher = PoliteFetcher(self.politeness, self.session)
        for source in self.sources:
            self.fetcher.limit_host(host_of(source.url), source.host_rate, source.host_concurrency)
        self.producer = clients.make_producer(self.settings)
        self.reader = clients.make_reader(self.settings)
        try:
            await self.producer.start()
            await self.reader.start()
            window = timedelta(days=self.settings.ingest_seen_window_days)
            self.seen = SeenUrls(self.producer, self.reader, self.settings.topics.seen_urls, window)
            known = await self.seen.load()
        except BaseException:
            await self.__aexit__()
            raise
        log.info("ingest: %d URLs remembered from %s", known, self.settings.topics.seen_urls)
        m.initialise([(s.name, s.poll_interval) for s in self.sources], time.time())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.reader.stop()
        await self.producer.stop()
        await self.session.close()

    async def run(self, stop: asyncio.Event, once: bool = False) -> IngestReport:
        if once:
            await asyncio.gather(*(self.poll(s) for s in self.sources))
        else:
            await asyncio.gather(*(self._keep_polling(s, stop) for s in self.sources))
        return self.report

    async def _keep_polling(self, source: Source, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            try:
                ok = await self.poll(source)
            except Exception:  # never let one source end the process; it is tried again with backoff
                log.exception("source %s: poll crashed", source.name)
                ok = False
            failures = 0 if ok else failures + 1
            # a failed source is tried again sooner, backing off, but never later than its interval
            delay = source.poll_interval if not failures else min(
                source.poll_interval, MAX_RETRY_DELAY, 5.0 * 2 ** (failures - 1))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def poll(self, source: Source) -> bool:
        """One poll of one source and its new entries; False when the feed itself failed (reported, not raised)."""
        try:
            result = await poll_feed(self.fetcher, source, self.states[source.name])
        except Exception as exc:  # noqa: BLE001 — any failure of one source must leave the others running
            log.warning("source %s: poll failed: %s", source.name, exc)
            m.FEED_POLLS.labels(source.name, "error").inc()
            self.report.polls["error"] += 1
            return False
        m.FETCH_SECONDS.labels("feed").observe(result.seconds)
        outcome = "not_modified" if result.not_modified else "ok"
        m.FEED_POLLS.labels(source.name, outcome).inc()
        self.report.polls[outcome] += 1
        m.FOUND.labels(source.name).inc(len(result.entries))
        async with self._refresh_lock:
            await self.seen.refresh()
        fresh = {}
        for entry in result.entries:
            url = normalise_url(entry.url)
            if url not in self.seen and url not in self._in_flight:  # two feeds may list one page
                fresh[url] = entry
                self._in_flight.add(url)
        m.NEW.labels(source.name).inc(len(fresh))
        try:
            done = await asyncio.gather(*(self._ingest_entry(source, url, entry) for url, entry in fresh.items()))
        finally:
            self._in_flight.difference_update(fresh)
        if not all(done):  # without ETag/Last-Modified the next poll lists the entries that failed again
            self.states[source.name] = FeedState()
        m.LAST_SUCCESS.labels(source.name).set(time.time())
        return True

    async def _ingest_entry(self, source: Source, url: str, entry: FeedEntry) -> bool:
        try:
            await self._fetch_and_produce(source, url, entry)
            return True
        except Exception:  # a broker failure: the URL is not remembered, the next poll tries it again
            log.exception("source %s: %s not ingested; will be tried again", source.name, entry.url)
            return False

    async def _fetch_and_produce(self, source: Source, url: str, entry: FeedEntry) -> None:
        try:
            page = await self.fetcher.get(entry.url)
        except RobotsDisallowed as exc:
            log.info("skipped %s: %s", entry.url, exc)
            m.SKIPPED.labels("robots_disallowed").inc()
            self.report.skipped["robots_disallowed"] += 1
            await self.seen.remember([url], "skipped:robots_disallowed")
            return
        except FetchError as exc:
            await self._dead_letter(exc.reason, exc.message, entry.url, b"", [url])
            return
        m.FETCH_SECONDS.labels("page").observe(page.seconds)
        final = normalise_url(page.url)
        if final != url and final in self.seen:  # a redirect onto a page already ingested
            await self.seen.remember([url], "duplicate")
            return
        await self._produce(source, entry, page, [url, final])

    async def _produce(self, source: Source, entry: FeedEntry, page: Page, urls: list[str]) -> None:
        try:
            article = await asyncio.to_thread(
                extract_article, page.body, page.content_type, url=urls[-1], entry=entry, source=source,
                fetched_at=datetime.now(UTC), min_chars=self.settings.ingest_min_text_chars)
        except ExtractError as exc:
            await self._dead_letter(exc.reason, exc.message, page.url, page.body, urls)
            return
        article = with_id(article)
        await self.producer.send_and_wait(self.settings.topics.raw, encode(article),
                                          key=article.article_id.encode())
        m.PRODUCED.labels(source.name).inc()
        self.report.produced.append(urls[-1])
        log.info("produced %s (%s) from %s", article.article_id, page.url, source.name)
        await self.seen.remember(urls, "produced")

    async def _dead_letter(self, reason: ErrorKind, message: str, url: str, payload: bytes, urls: list[str]) -> None:
        letter = DeadLetter.from_bytes(payload, reason, message, key=url, url=url)
        await self.producer.send_and_wait(self.settings.topics.dlq, letter.model_dump_json().encode(),
                                          key=url.encode())
        m.FETCH_ERRORS_TOTAL.labels(reason).inc()
        self.report.dead_letters[reason] += 1
        log.info("dead-lettered %s: %s", url, message)
        await self.seen.remember(urls, f"dead_letter:{reason}")

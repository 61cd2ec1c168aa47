"""Produce articles from files onto ``articles.raw``, keyed by ``article_id``."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from schemas import RawArticle, encode
from streams.sources.files import read_articles


@dataclass
class ReplayReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    seconds: float = 0.0
    keys: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (f"sent {self.sent}, failed {self.failed}, skipped {self.skipped} "
                f"in {self.seconds:.2f}s ({self.rate:.1f} articles/s)")


def with_id(article: RawArticle) -> RawArticle:
    """Carry the derived id in the message so every consumer sees the same key and id."""
    return article if article.id else article.model_copy(update={"id": article.article_id})


async def replay(
    paths: Iterable[str | Path],
    bootstrap: str,
    topic: str,
    *,
    rate: float | None = None,
    repeat: int = 1,
    on_progress: Callable[[ReplayReport], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    security: Mapping[str, Any] | None = None,
) -> ReplayReport:
    report = ReplayReport()
    items = list(read_articles(paths))
    articles = []
    for item in items:
        if item.article is None:
            report.skipped += 1
            msg = f"{item.origin}: {item.error}"
            report.errors.append(msg)
            if on_error:
                on_error(msg)
        else:
            articles.append(with_id(item.article))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                max_request_size=8 * 1024 * 1024, **(security or {}))
    await producer.start()
    start = time.monotonic()
    try:
        pending = []
        n = 0
        for _ in range(repeat):
            for article in articles:
                if rate:
                    delay = start + n / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                key = article.article_id
                pending.append((key, await producer.send(topic, encode(article), key=key.encode())))
                n += 1
                if len(pending) >= 500:
                    await _settle(pending, report, on_progress)
        await _settle(pending, report, on_progress)
    finally:
        report.seconds = time.monotonic() - start
        await producer.stop()
    return report


async def _settle(pending: list, report: ReplayReport, on_progress: Callable | None) -> None:
    for key, fut in pending:
        try:
            await fut
            report.sent += 1
            report.keys.append(key)
        except Exception as exc:  # a failed send is counted and reported, never fatal
            report.failed += 1
            report.errors.append(f"{key}: {exc}")
        if on_progress:
            on_progress(report)
    pending.clear()


def progress_printer(total: int) -> Callable[[ReplayReport], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(report: ReplayReport) -> None:
        done = report.sent + report.failed
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show

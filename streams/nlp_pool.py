"""spaCy off the event loop: a process pool whose processes each build the pipeline once.

Faust's event loop must stay free for heartbeats, commits, the producer and ``/metrics``;
a batch is split across the processes so two processes work on one batch at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from schemas import EnrichedArticle, RawArticle, decode, encode
from streams.alerting.novelty import event_time
from streams.heap_trim import HeapTrimmer, trim_heap
from streams.lifeline import die_with_parent, watch_owner

log = logging.getLogger(__name__)
_ShutDown = RuntimeError  # "cannot schedule new futures after shutdown": the executor was replaced under us
BREAKS_PER_BATCH = 3  # pool breaks tolerated on one batch before it is split to find an article that kills
_analyzer = None
_rules_version: str | None = None
_trimmer = HeapTrimmer()  # of this NLP process


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """An enriched article as encoded JSON plus the few facts the event loop needs, so the main process
    never re-parses what a pool process just built."""

    body: bytes
    article_id: str
    fingerprint: str
    event_time: datetime
    language: str
    stage_seconds: dict[str, float]
    claim_families: tuple[str, ...]
    actors: tuple[tuple[str, str, int], ...]
    duplicate_of: str | None = None

    @classmethod
    def of(cls, article: EnrichedArticle) -> ArticleFacts:
        return cls(encode(article), article.article_id, article.fingerprint, event_time(article), article.language,
                   article.pipeline.stage_seconds, tuple(c.family for c in article.claims),
                   tuple((a.id, a.type, a.mentions) for a in article.actors), article.duplicate_of)

    def as_duplicate_of(self, original: str) -> ArticleFacts:
        article = decode(self.body, EnrichedArticle).model_copy(update={"duplicate_of": original})
        return dataclasses.replace(self, body=encode(article), duplicate_of=original)


def _init(spacy_model: str | None, preload: tuple[str, ...], rules_version: str | None,
          owner_pid: int | None = None, cache_dir: str | Path | None = None) -> None:
    """Build the pipeline once per process; a pool process also ends when its worker ends (even kill -9)."""
    global _analyzer, _rules_version
    if owner_pid is not None and owner_pid != os.getpid():
        die_with_parent()  # the forkserver, should it go first
        watch_owner(owner_pid)  # the worker: its pipes close, so the forkserver and resource tracker exit too
    from streams.nlp.analyzer import Analyzer

    _analyzer = Analyzer(spacy_model, preload=preload, cache_dir=cache_dir)
    _rules_version = rules_version
    trim_heap()  # what the pipeline build freed


class PipelineUnavailable(RuntimeError):
    """The pipeline itself cannot run (a data file it loads is invalid): no article's fault. The worker must not
    dead-letter, nor commit, what it could not process; it stops, and the articles are processed after the fix."""


def analyze_batch(raws: list[bytes]) -> list[tuple[bool, ArticleFacts | str]]:
    """(ok, facts) or (failed, reason) per article; one failure never costs the others."""
    from streams.nlp.data_files import DataFileError

    out: list[tuple[bool, ArticleFacts | str]] = []
    for raw in raws:
        try:
            article = _analyzer.analyze(decode(raw, RawArticle))  # type: ignore[union-attr]
            article.pipeline.rules_version = _rules_version
            out.append((True, ArticleFacts.of(article)))
        except DataFileError as exc:
            raise PipelineUnavailable(f"{type(exc).__name__}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 — reported back as a dead letter
            out.append((False, f"{type(exc).__name__}: {exc}"))
    _trimmer.maybe()
    return out


class NlpPool:
    def __init__(self, processes: int, spacy_model: str | None, preload: tuple[str, ...] = ("de",),
                 rules_version: str | None = None, cache_dir: str | Path | None = None):
        self.processes = processes
        self.initargs = (spacy_model, preload, rules_version, os.getpid(), cache_dir)
        self.rebuilds = 0
        self.executor = self._make()

    def _make(self) -> Executor:
        if self.processes == 0:
            return ThreadPoolExecutor(1, initializer=_init, initargs=self.initargs)
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_init, initargs=self.initargs)

    def warm_up(self) -> None:
        """Build the pipeline in every process now, not on the first article."""
        list(self.executor.map(analyze_batch, [[]] * max(1, self.processes)))

    async def analyze(self, raws: list[RawArticle]) -> list[tuple[bool, ArticleFacts | str]]:
        """(ok, facts) or (failed, reason) per article. A failure is only ever the article's own: an
        exception the analyzer raised for it, or a pool process that died on it alone, again and again.

        A pool process that dies (OOM killer, segfault, a stray ``kill``) breaks the whole pool and every
        article in flight with it. That is the machine's fault, not the articles': the pool is rebuilt and
        the batch retried. Should it break ``BREAKS_PER_BATCH`` times on one batch, the batch is split in
        halves and each retried alone, down to the one article that kills a process every time; only that
        article is reported failed (and dead-lettered). A valid article is never dead-lettered because a
        process died beside it."""
        return await self._analyze([encode(r) for r in raws])

    async def _analyze(self, payloads: list[bytes]) -> list[tuple[bool, ArticleFacts | str]]:
        error = ""
        for attempt in range(1, BREAKS_PER_BATCH + 1):
            try:
                return await self._run(payloads)
            except (BrokenProcessPool, _ShutDown) as exc:
                error = f"{type(exc).__name__}: {exc}"
                log.error("NLP process pool broke on a batch of %d (attempt %d/%d): %s; rebuilding it",
                          len(payloads), attempt, BREAKS_PER_BATCH, exc)
                self._rebuild()
                await asyncio.sleep(min(2.0, 0.2 * attempt))
        if len(payloads) == 1:
            return [(False, f"NLP process pool failed on this article alone {BREAKS_PER_BATCH} times ({error})")]
        half = len(payloads) // 2
        return await self._analyze(payloads[:half]) + await self._analyze(payloads[half:])

    def _rebuild(self) -> None:
        self.rebuilds += 1
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._make()

    async def _run(self, payloads: list[bytes]) -> list[tuple[bool, ArticleFacts | str]]:
        if not payloads:
            return []
        loop = asyncio.get_running_loop()
        parts = max(1, min(self.processes, len(payloads)))
        size = -(-len(payloads) // parts)
        chunks = [payloads[i:i + size] for i in range(0, len(payloads), size)]
        done = await asyncio.gather(*(loop.run_in_executor(self.executor, analyze_batch, c) for c in chunks))
        return [r for chunk in done for r in chunk]

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=False)

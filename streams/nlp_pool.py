"""spaCy off the event loop: a process pool whose processes each build the pipeline once.

Faust's event loop must stay free for heartbeats, commits, the producer and ``/metrics``;
a batch is split across the processes so two processes work on one batch at once.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from schemas import EnrichedArticle, RawArticle, decode, encode

log = logging.getLogger(__name__)
_analyzer = None


def _init(spacy_model: str | None, preload: tuple[str, ...]) -> None:
    global _analyzer
    from streams.nlp.analyzer import Analyzer

    _analyzer = Analyzer(spacy_model, preload=preload)


def analyze_batch(raws: list[bytes]) -> list[tuple[bool, bytes | str]]:
    """(ok, enriched JSON) or (failed, reason) per article; one failure never costs the others."""
    out: list[tuple[bool, bytes | str]] = []
    for raw in raws:
        try:
            out.append((True, encode(_analyzer.analyze(decode(raw, RawArticle)))))  # type: ignore[union-attr]
        except Exception as exc:  # noqa: BLE001 — reported back as a dead letter
            out.append((False, f"{type(exc).__name__}: {exc}"))
    return out


class NlpPool:
    def __init__(self, processes: int, spacy_model: str | None, preload: tuple[str, ...] = ("de",)):
        self.processes = processes
        self.spacy_model = spacy_model
        self.preload = preload
        self.executor = self._make()

    def _make(self) -> Executor:
        if self.processes == 0:
            return ThreadPoolExecutor(1, initializer=_init, initargs=(self.spacy_model, self.preload))
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_init, initargs=(self.spacy_model, self.preload))

    def warm_up(self) -> None:
        """Build the pipeline in every process now, not on the first article."""
        list(self.executor.map(analyze_batch, [[]] * max(1, self.processes)))

    async def analyze(self, raws: list[RawArticle]) -> list[tuple[bool, EnrichedArticle | str]]:
        payloads = [encode(r) for r in raws]
        for attempt in (1, 2):
            try:
                results = await self._run(payloads)
                break
            except BrokenProcessPool:
                # A crashed pool process (OOM, segfault) is rebuilt and the batch retried once.
                log.error("NLP process pool broke (attempt %d); rebuilding it", attempt)
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = self._make()
        else:
            return [(False, "processing_error: NLP process pool broke twice") for _ in raws]
        return [(ok, decode(value, EnrichedArticle) if ok else value) for ok, value in results]  # type: ignore

    async def _run(self, payloads: list[bytes]) -> list[tuple[bool, bytes | str]]:
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

"""One benchmark run: start the broker, measure everything side by side, always clean up."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aiokafka import AIOKafkaProducer

from schemas import RawArticle, encode
from streams.bench.corpus import corpus
from streams.bench.measures import (
    assigned_consumer,
    machine,
    measure_nlp,
    measure_passthrough,
    measure_tokenizer,
    rate,
)
from streams.bench.report import targets
from streams.bench.stats import loadavg, spread
from streams.bench.workers import BenchWorker, MemorySampler, WorkerError, cpu_seconds, pin
from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.consume import read_topic
from streams.kafka.security import env_security_kwargs
from streams.settings import Settings
from streams.worker_process import LOCAL_BROKER_ENV, local_env


@dataclass
class BenchOptions:
    articles: int = 500
    workers: int = 2
    rate: float = 50.0
    latency_seconds: float = 20.0
    latency_batch_within: float = 0.02
    seed: int = 0
    nlp_only: bool = False
    broker: str | None = None  # an external broker instead of the embedded one
    keep_logs: bool = False
    mode: str = "realistic"  # corpus: "realistic" (1 in 20 with claims) or "stress" (all seed articles)
    repeat: int = 3  # every figure this many times, interleaved
    pin: bool = True  # scale-out: each worker (and its NLP process) on its own core


@dataclass
class Context:
    options: BenchOptions
    settings: Settings
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    bootstrap: str = ""
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="newsmon-bench-")))


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# ---------------------------------------------------------------- reading the enriched topic


class EnrichedReader:
    """Reads the enriched topic in the background: first receipt per key (time, CreateTime, type)."""

    def __init__(self, bootstrap: str, topic: str):
        self.bootstrap, self.topic = bootstrap, topic
        self.seen: dict[str, tuple[float, int, int]] = {}
        self._task: asyncio.Task | None = None
        self._consumer = None

    async def start(self) -> EnrichedReader:
        self._consumer = await assigned_consumer(self.bootstrap, self.topic, fetch_max_wait_ms=20)
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=50)  # type: ignore[union-attr]
            now = time.time()
            for records in batch.values():
                for r in records:
                    key = r.key.decode() if r.key else ""
                    if key not in self.seen:
                        self.seen[key] = (now, r.timestamp, r.timestamp_type)

    async def wait_for(self, keys: list[str], timeout: float, workers: list[BenchWorker]) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(k in self.seen for k in keys):
                return True
            if self._task is not None and self._task.done():
                self._task.result()  # raises what stopped the reader
            for w in workers:
                w.check_alive()
            await asyncio.sleep(0.01)
        return all(k in self.seen for k in keys)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        if self._consumer:
            await self._consumer.stop()


# ---------------------------------------------------------------- worker phases


def worker_env(ctx: Context, settings: Settings, **extra: str) -> dict[str, str]:
    local = settings.model_copy(update={"broker": ctx.bootstrap, "data_dir": ctx.log_dir / f"data-{settings.app_id}"})
    return local_env(local, NEWSMON_STORE="memory://", NEWSMON_LOG_LEVEL="warning", **extra)


@dataclass
class Phase:
    """Workers of one app (own app id and topic prefix) + a reader of their enriched topic + a producer."""

    ctx: Context
    name: str
    workers: int
    env: dict[str, str]
    cpus: list[set[int]] | None = None  # worker i confined to cpus[i] (its NLP pool inherits it)

    async def __aenter__(self) -> Phase:
        ctx = self.ctx
        self.settings = ctx.settings.model_copy(update={
            "broker": ctx.bootstrap, "app_id": f"newsmon-bench-{ctx.run_id}-{self.name}",
            "topic_prefix": f"bench-{ctx.run_id}-{self.name}."})
        await ensure_topics(ctx.bootstrap, topic_specs(self.settings), security=env_security_kwargs())
        env = worker_env(ctx, self.settings, **self.env)
        self.procs = [BenchWorker(env, ctx.log_dir / f"worker-{self.name}-{i}.log") for i in range(self.workers)]
        self.reader = EnrichedReader(ctx.bootstrap, self.settings.topics.enriched)
        self.producer = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap, acks="all", linger_ms=0,
                                         max_request_size=8 * 1024 * 1024, **env_security_kwargs())
        self.sampler: MemorySampler | None = None
        try:
            started = time.monotonic()
            for i, w in enumerate(self.procs):
                w.launch()
                if self.cpus:
                    pin(w.pid, self.cpus[i])
            self.sampler = MemorySampler([w.pid for w in self.procs]).__enter__()
            await self.reader.start()
            await self.producer.start()
            for w in self.procs:
                await asyncio.to_thread(w.wait_ready)
            await self.warm_up()
            self.pin()
            self.startup_seconds = round(time.monotonic() - started, 2)
        except BaseException:
            await self.__aexit__(*sys.exc_info())
            raise
        return self

    def pin(self) -> None:
        """Again, now that every NLP pool process exists (they inherit it, but be sure)."""
        for i, w in enumerate(self.procs if self.cpus else ()):
            pin(w.pid, self.cpus[i])  # type: ignore[index]

    async def warm_up(self, timeout: float = 90.0) -> None:
        """One article per partition per second until every worker has consumed and all came back:
        the group has joined (and rebalanced) and each NLP pool has run."""
        warm = corpus(400, seed=self.ctx.options.seed + 1000, tag=f"warm-{self.name}", mode=self.ctx.options.mode)
        sent: list[str] = []
        deadline = time.monotonic() + timeout
        partitions = self.settings.partitions
        while time.monotonic() < deadline:
            for p in range(partitions):
                article = warm[len(sent) % len(warm)]
                key = f"{article.id}-{len(sent)}"
                await self.producer.send_and_wait(self.settings.topics.raw, encode(article.model_copy(
                    update={"id": key})), key=key.encode(), partition=p)
                sent.append(key)
            await self.reader.wait_for(sent, 1.0, self.procs)
            consumed = [await asyncio.to_thread(w.consumed) for w in self.procs]
            if all(c > 0 for c in consumed) and all(k in self.reader.seen for k in sent):
                return
        raise WorkerError(f"{self.name}: workers did not all consume within {timeout:.0f}s of warm-up "
                          f"(logs in {self.ctx.log_dir})")

    async def send(self, articles: list[RawArticle], per_second: float | None = None) -> dict[str, float]:
        """Produce (at ``per_second`` if given); returns key -> send time (time.time(), = CreateTime)."""
        sent: dict[str, float] = {}
        futures = []
        start = time.monotonic()
        for i, article in enumerate(articles):
            if per_second:
                delay = start + i / per_second - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            now = time.time()
            futures.append(await self.producer.send(self.settings.topics.raw, encode(article),
                                                    key=article.id.encode(), timestamp_ms=int(now * 1000)))
            sent[article.id] = now  # type: ignore[index]
        await asyncio.gather(*futures)
        return sent

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self.producer.stop()
        with contextlib.suppress(Exception):
            await self.reader.stop()
        for w in self.procs:
            await asyncio.to_thread(w.stop)
        if self.sampler is not None:
            self.sampler.__exit__(None, None, None)


async def e2e_batch(phase: Phase, articles: list[RawArticle]) -> dict:
    """articles.raw -> articles.enriched at full speed on joined, warm, idle workers: timed from the first
    send to the N-th enriched record received; CPU seconds of each worker's main and NLP processes."""
    before = [cpu_seconds(w.pid) for w in phase.procs]
    start = time.time()
    sent = await phase.send(articles)
    produced = time.time()
    keys = list(sent)
    complete = await phase.reader.wait_for(keys, max(60.0, len(keys) / 2), phase.procs)
    got = [phase.reader.seen[k][0] for k in keys if k in phase.reader.seen]
    after = [cpu_seconds(w.pid) for w in phase.procs]
    end = max(got) if got else time.time()
    first = min(got) if got else end
    per_k = 1000 / max(1, len(got))
    seconds = end - start
    return {"articles_per_s": rate(len(got), seconds), "seconds": round(seconds, 3), "articles": len(got),
            "complete": complete, "produce_seconds": round(produced - start, 3),
            "first_to_last_enriched_per_s": rate(len(got) - 1, end - first) if len(got) > 1 else None,
            "cpu_s_per_1000_main": round(sum(a["main"] - b["main"] for a, b in zip(after, before, strict=True))
                                         * per_k, 2),
            "cpu_s_per_1000_nlp": round(sum(a["nlp"] - b["nlp"] for a, b in zip(after, before, strict=True))
                                        * per_k, 2)}


def phase_memory(phase: Phase) -> dict:
    memory = phase.sampler
    assert memory is not None
    return {"startup_and_join_seconds": phase.startup_seconds, "workers": phase.workers,
            "rss_peak_mb": round(memory.peak_rss_mb, 1), "rss_hwm_mb": round(memory.hwm_mb, 1),
            "pss_peak_mb": round(memory.peak_pss_mb, 1), "processes_per_tree": memory.processes}


async def latency_run(phase: Phase, articles: list[RawArticle]) -> dict:
    """Articles produced at a fixed rate to one worker: per article enriched minus raw CreateTime (checked
    against the broker), plus the bench's own send -> receive time."""
    ctx, opts = phase.ctx, phase.ctx.options
    n = len(articles)
    sent = await phase.send(articles, per_second=opts.rate)
    send_seconds = max(sent.values()) - min(sent.values())
    complete = await phase.reader.wait_for(list(sent), 60.0, phase.procs)
    seen = dict(phase.reader.seen)
    raw_records = await read_topic(ctx.bootstrap, phase.settings.topics.raw, expect=None, timeout=30, idle=1.0,
                                   security=env_security_kwargs())
    raw_ts = {r.key.decode(): r.timestamp for r in raw_records if r.key and r.key.decode() in sent}
    by_receive = [(seen[k][0] - t) * 1000 for k, t in sent.items() if k in seen]
    # CreateTime is reliable when the broker kept the raw timestamps we set, and enriched ones are
    # CreateTime (type 0) between the raw send and our receipt.
    preserved = len(raw_ts) == len(sent) and all(raw_ts[k] == int(t * 1000) for k, t in sent.items())
    by_timestamp = [seen[k][1] - raw_ts[k] for k in sent if k in seen and k in raw_ts]
    plausible = all(seen[k][2] == 0 and raw_ts[k] - 1 <= seen[k][1] <= seen[k][0] * 1000 + 5
                    for k in sent if k in seen and k in raw_ts)
    reliable = preserved and plausible and bool(by_timestamp)
    primary = [float(v) for v in by_timestamp] if reliable else by_receive
    return {"p50_ms": round(percentile(primary, 0.50), 1) if primary else None,
            "p99_ms": round(percentile(primary, 0.99), 1) if primary else None,
            "max_ms": round(max(primary), 1) if primary else None,
            "method": "record CreateTime: enriched - raw" if reliable else "bench send -> bench receive",
            "create_time_reliable": reliable,
            "receive_p50_ms": round(percentile(by_receive, 0.5), 1) if by_receive else None,
            "receive_p99_ms": round(percentile(by_receive, 0.99), 1) if by_receive else None,
            "articles": n, "received": len(by_receive), "complete": complete,
            "rate_requested": opts.rate, "rate_achieved": rate(n - 1, send_seconds) if n > 1 else None,
            "seconds": opts.latency_seconds, "batch_within_s": opts.latency_batch_within,
            }


# ---------------------------------------------------------------- the run


@contextlib.asynccontextmanager
async def open_all(phases: list[Phase]) -> AsyncIterator[list[Phase]]:
    """Start the phases one after another (at once, their start-ups starve each other on two cores) and
    always stop, all at once, the ones that started."""
    ok: list[Phase] = []
    try:
        for phase in phases:
            await phase.__aenter__()
            ok.append(phase)
        yield phases
    finally:
        await asyncio.gather(*(p.__aexit__(None, None, None) for p in ok), return_exceptions=True)


def in_process(ctx: Context, nlp_processes: int, r: int) -> dict:
    """One repetition of the in-process figures on articles no earlier repetition saw."""
    opts = ctx.options
    articles = corpus(opts.articles, seed=opts.seed + 100 * r, tag=f"nlp{r}", mode=opts.mode)
    warm = corpus(24, seed=opts.seed + 1000, tag="warm-nlp", mode=opts.mode)  # every text and language once
    tok = measure_tokenizer([a.text for a in articles])
    nlp = measure_nlp(articles, warm, nlp_processes)
    say(f"run {r + 1}: tokenizer {tok['articles_per_s']}, nlp {nlp['articles_per_s']} articles/s")
    return {"tokenizer": tok, "nlp": nlp}


async def run_kafka_part(ctx: Context, nlp_processes: int) -> dict:
    """Every worker phase started once (joined, warm, idle), then ``repeat`` rounds of: tokenizer, nlp,
    passthrough, e2e (1 worker), latency, and pinned 1 vs 2 workers — so drift hits every figure alike."""
    opts = ctx.options
    cores = sorted(os.sched_getaffinity(0))
    pinned = opts.workers >= 2 and opts.pin and len(cores) >= 2
    out: dict = {"runs": []}
    nlp_env = {"NEWSMON_NLP_PROCESSES": str(nlp_processes)}
    lat_env = {**nlp_env, "NEWSMON_BATCH_WITHIN": str(opts.latency_batch_within)}
    n_lat = max(1, int(opts.rate * opts.latency_seconds))
    phases = [Phase(ctx, "e2e1", 1, nlp_env), Phase(ctx, "lat", 1, lat_env)]
    if opts.workers >= 2:
        single = {"NEWSMON_NLP_PROCESSES": "1"}
        phases += [Phase(ctx, "one", 1, single, cpus=[{cores[0]}] if pinned else None),
                   Phase(ctx, "two", 2, single, cpus=[{cores[0]}, {cores[1]}] if pinned else None)]
    async with open_all(phases):
        e2e1, lat, one, two = (phases + [None, None])[:4]  # type: ignore[list-item]
        say(f"workers joined and warm (pinned scale-out: {pinned}); {opts.repeat} rounds")
        for r in range(opts.repeat):
            run = in_process(ctx, nlp_processes, r)
            articles = corpus(opts.articles, seed=opts.seed + 100 * r, tag=f"pt{r}", mode=opts.mode)
            run["passthrough"] = await measure_passthrough(
                ctx.bootstrap, f"bench-{ctx.run_id}-{r}.", [(a.id.encode(), encode(a)) for a in articles],
                ctx.settings.partitions)
            run["e2e1"] = await e2e_batch(e2e1, corpus(opts.articles, seed=opts.seed + 100 * r + 1,
                                                       tag=f"e2e1-{r}", mode=opts.mode))
            run["latency"] = await latency_run(lat, corpus(n_lat, seed=opts.seed + 100 * r + 2,
                                                           tag=f"lat{r}", mode=opts.mode))
            if one and two:
                run["one"] = await e2e_batch(one, corpus(opts.articles, seed=opts.seed + 100 * r + 3,
                                                         tag=f"one{r}", mode=opts.mode))
                run["two"] = await e2e_batch(two, corpus(opts.articles, seed=opts.seed + 100 * r + 4,
                                                         tag=f"two{r}", mode=opts.mode))
            say(f"run {r + 1}: passthrough {run['passthrough']['messages_per_s']}/s, e2e "
                f"{run['e2e1']['articles_per_s']}/s, p99 {run['latency']['p99_ms']} ms"
                + (f", one {run['one']['articles_per_s']}/s, two {run['two']['articles_per_s']}/s"
                   if "two" in run else ""))
            out["runs"].append(run)
        out["memory"] = {p.name: phase_memory(p) for p in (e2e1, lat, one, two) if p is not None}
        out["pinned"] = pinned
    return out


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


FIGURES = {  # result key -> (run part, field)
    "tokenizer_articles_per_s": ("tokenizer", "articles_per_s"),
    "nlp_articles_per_s": ("nlp", "articles_per_s"),
    "kafka_passthrough_per_s": ("passthrough", "messages_per_s"),
    "e2e_articles_per_s": ("e2e1", "articles_per_s"),
    "latency_p50_ms": ("latency", "p50_ms"),
    "latency_p99_ms": ("latency", "p99_ms"),
    "pinned_1worker_articles_per_s": ("one", "articles_per_s"),
    "pinned_2workers_articles_per_s": ("two", "articles_per_s"),
    "cpu_s_per_1000_main": ("one", "cpu_s_per_1000_main"),
    "cpu_s_per_1000_nlp": ("one", "cpu_s_per_1000_nlp"),
}


def summarise(runs: list[dict]) -> tuple[dict, dict]:
    """(medians by result key, spreads by result key) over the repetitions."""
    spreads = {}
    for key, (part, field_) in FIGURES.items():
        values = [run[part][field_] for run in runs if part in run]
        if values:
            spreads[key] = spread(values)
    return {k: v["median"] for k, v in spreads.items()}, spreads


def run_bench(options: BenchOptions) -> dict:
    settings = Settings.from_env()
    ctx = Context(options, settings)
    began = time.monotonic()
    nlp_processes = max(1, settings.nlp_processes)
    result: dict = {"machine": machine(), "articles": options.articles, "seed": options.seed,
                    "mode": "nlp" if options.nlp_only else "full", "corpus": options.mode,
                    "repeat": options.repeat, "load_before": loadavg()}
    broker: EmbeddedBroker | None = None
    ok = False
    try:
        details: dict = {}
        if options.nlp_only:
            runs = [in_process(ctx, nlp_processes, r) for r in range(options.repeat)]
        else:
            if options.broker:
                ctx.bootstrap = options.broker
            else:
                broker = EmbeddedBroker(log_path=ctx.log_dir / "broker.log").start()
                ctx.bootstrap = broker.bootstrap
            say(f"broker: {'external' if options.broker else 'embedded'} at {ctx.bootstrap}")
            kafka = asyncio.run(run_kafka_part(ctx, nlp_processes))
            runs = kafka.pop("runs")
            details.update(kafka)
        medians, spreads = summarise(runs)
        result.update(medians)
        result.update({"nlp_processes": nlp_processes,
                       "nlp_over_tokenizer": ratio(medians["nlp_articles_per_s"], medians["tokenizer_articles_per_s"])})
        if not options.nlp_only:
            memory = details["memory"]
            result.update({
                "worker_rss_mb": max(memory["e2e1"]["rss_peak_mb"], memory["lat"]["rss_peak_mb"]),
                "worker_rss_hwm_mb": max(memory["e2e1"]["rss_hwm_mb"], memory["lat"]["rss_hwm_mb"]),
                "worker_pss_mb": max(memory["e2e1"]["pss_peak_mb"], memory["lat"]["pss_peak_mb"]),
                "e2e_over_nlp": ratio(medians["e2e_articles_per_s"], medians["nlp_articles_per_s"]),
                "e2e_2workers_articles_per_s": medians.get("pinned_2workers_articles_per_s"),
                "scale_out": ratio(medians.get("pinned_2workers_articles_per_s"),
                                   medians.get("pinned_1worker_articles_per_s")),
                "latency_method": runs[-1]["latency"]["method"],
            })
        result["spread"] = spreads
        result["load_after"] = loadavg()
        result["settings"] = {
            "nlp_processes_per_worker": nlp_processes, "nlp_measured_in_processes": nlp_processes,
            "batch_size": settings.batch_size, "batch_within_s_throughput": settings.batch_within,
            "batch_within_s_latency": options.latency_batch_within, "latency_rate_per_s": options.rate,
            "latency_seconds": options.latency_seconds, "partitions": settings.partitions,
            "workers_for_scale_out": options.workers if options.workers >= 2 else None,
            "scale_out_pinned": details.get("pinned"),
            "worker_env": {**LOCAL_BROKER_ENV, "NEWSMON_STORE": "memory://", "NEWSMON_LOG_LEVEL": "warning"},
            "corpus": CORPUS_NOTE[options.mode],
        }
        result["targets"] = targets(result)
        details["runs"] = runs
        result["details"] = details
        ok = True
    finally:
        if broker is not None:
            broker.stop()
        result["elapsed_s"] = round(time.monotonic() - began, 1)
        if ok and not options.keep_logs:
            shutil.rmtree(ctx.log_dir, ignore_errors=True)
        else:
            say(f"logs kept in {ctx.log_dir}")
    return result


CORPUS_NOTE = {
    "realistic": "streams/bench/texts (de/en/fr, no claims) with every 20th a seed article; varied: sentences "
                 "shuffled per paragraph, digits remapped, unique dateline",
    "stress": "seeds/*.txt only (every article carries claims); varied as above",
}


def options_dict(options: BenchOptions) -> dict:
    return asdict(options)

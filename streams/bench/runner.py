"""One benchmark run: start the broker, measure everything side by side, always clean up."""

from __future__ import annotations

import asyncio
import contextlib
import math
import shutil
import sys
import tempfile
import time
import uuid
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
from streams.bench.workers import BenchWorker, MemorySampler, WorkerError
from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.consume import read_topic
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

    async def __aenter__(self) -> Phase:
        ctx = self.ctx
        self.settings = ctx.settings.model_copy(update={
            "broker": ctx.bootstrap, "app_id": f"newsmon-bench-{ctx.run_id}-{self.name}",
            "topic_prefix": f"bench-{ctx.run_id}-{self.name}."})
        await ensure_topics(ctx.bootstrap, topic_specs(self.settings))
        env = worker_env(ctx, self.settings, **self.env)
        self.procs = [BenchWorker(env, ctx.log_dir / f"worker-{self.name}-{i}.log") for i in range(self.workers)]
        self.reader = EnrichedReader(ctx.bootstrap, self.settings.topics.enriched)
        self.producer = AIOKafkaProducer(bootstrap_servers=ctx.bootstrap, acks="all", linger_ms=0,
                                         max_request_size=8 * 1024 * 1024)
        self.sampler: MemorySampler | None = None
        try:
            started = time.monotonic()
            for w in self.procs:
                w.launch()
            self.sampler = MemorySampler([w.pid for w in self.procs]).__enter__()
            await self.reader.start()
            await self.producer.start()
            for w in self.procs:
                await asyncio.to_thread(w.wait_ready)
            await self.warm_up()
            self.startup_seconds = round(time.monotonic() - started, 2)
        except BaseException:
            await self.__aexit__(*sys.exc_info())
            raise
        return self

    async def warm_up(self, timeout: float = 90.0) -> None:
        """One article per partition per second until every worker has consumed and all came back:
        the group has joined (and rebalanced) and each NLP pool has run."""
        warm = corpus(400, seed=self.ctx.options.seed + 1000, tag=f"warm-{self.name}")
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


async def measure_e2e(ctx: Context, workers: int, nlp_processes: int) -> dict:
    """articles.raw -> articles.enriched at full speed, timed from the first send (workers joined, warm,
    idle) to the N-th enriched record received; worker start-up and group join are excluded."""
    articles = corpus(ctx.options.articles, seed=ctx.options.seed, tag=f"e2e{workers}")
    name = f"e2e{workers}"
    async with Phase(ctx, name, workers, {"NEWSMON_NLP_PROCESSES": str(nlp_processes)}) as phase:
        say(f"{name}: {workers} worker(s) joined and warm after {phase.startup_seconds}s; sending {len(articles)}")
        start = time.time()
        sent = await phase.send(articles)
        produced = time.time()
        keys = list(sent)
        complete = await phase.reader.wait_for(keys, max(60.0, len(keys) / 2), phase.procs)
        got = [phase.reader.seen[k][0] for k in keys if k in phase.reader.seen]
        end = max(got) if got else time.time()
        first = min(got) if got else end
        memory = phase.sampler
    seconds = end - start
    return {"articles_per_s": rate(len(got), seconds), "seconds": round(seconds, 3), "articles": len(got),
            "complete": complete, "workers": workers, "nlp_processes_per_worker": nlp_processes,
            "produce_seconds": round(produced - start, 3),
            "first_to_last_enriched_per_s": rate(len(got) - 1, end - first) if len(got) > 1 else None,
            "startup_and_join_seconds": phase.startup_seconds,
            "rss_peak_mb": round(memory.peak_rss_mb, 1), "rss_hwm_mb": round(memory.hwm_mb, 1),
            "pss_peak_mb": round(memory.peak_pss_mb, 1), "processes_per_tree": memory.processes}


async def measure_latency(ctx: Context, nlp_processes: int) -> dict:
    """One worker, articles produced at a fixed rate: per article enriched minus raw CreateTime (checked
    against the broker), plus the bench's own send -> receive time."""
    opts = ctx.options
    n = max(1, int(opts.rate * opts.latency_seconds))
    articles = corpus(n, seed=opts.seed + 1, tag="lat")
    env = {"NEWSMON_NLP_PROCESSES": str(nlp_processes), "NEWSMON_BATCH_WITHIN": str(opts.latency_batch_within)}
    async with Phase(ctx, "lat", 1, env) as phase:
        say(f"latency: worker joined and warm after {phase.startup_seconds}s; {n} articles at {opts.rate:g}/s")
        sent = await phase.send(articles, per_second=opts.rate)
        send_seconds = max(sent.values()) - min(sent.values())
        complete = await phase.reader.wait_for(list(sent), 60.0, phase.procs)
        seen = dict(phase.reader.seen)
        raw_records = await read_topic(ctx.bootstrap, phase.settings.topics.raw, expect=None, timeout=30, idle=1.0)
        memory = phase.sampler
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
            "nlp_processes": nlp_processes, "startup_and_join_seconds": phase.startup_seconds,
            "rss_peak_mb": round(memory.peak_rss_mb, 1), "rss_hwm_mb": round(memory.hwm_mb, 1),
            "pss_peak_mb": round(memory.peak_pss_mb, 1)}


# ---------------------------------------------------------------- the run


def run_nlp_part(ctx: Context, nlp_processes: int) -> dict:
    opts = ctx.options
    articles = corpus(opts.articles, seed=opts.seed, tag="nlp")
    warm = corpus(5, seed=opts.seed + 1000, tag="warm-nlp")
    say(f"tokenizer: spacy.blank('de') over {len(articles)} varied seed articles")
    tok = measure_tokenizer([a.text for a in articles])
    say(f"tokenizer: {tok['articles_per_s']} articles/s")
    say(f"nlp: ArticleProcessor.process in {nlp_processes} process(es)")
    nlp = measure_nlp(articles, warm, nlp_processes)
    say(f"nlp: {nlp['articles_per_s']} articles/s")
    return {"tokenizer": tok, "nlp": nlp}


async def run_kafka_part(ctx: Context, nlp_processes: int) -> dict:
    opts = ctx.options
    articles = corpus(opts.articles, seed=opts.seed, tag="pt")
    payloads = [(a.id.encode(), encode(a)) for a in articles]  # type: ignore[union-attr]
    out: dict = {}
    say(f"passthrough: aiokafka consume -> produce of {len(payloads)} messages")
    out["passthrough"] = await measure_passthrough(ctx.bootstrap, f"bench-{ctx.run_id}.", payloads,
                                                   ctx.settings.partitions)
    say(f"passthrough: {out['passthrough']['messages_per_s']} messages/s")
    out["e2e1"] = await measure_e2e(ctx, 1, nlp_processes)
    say(f"e2e1: {out['e2e1']['articles_per_s']} articles/s")
    out["latency"] = await measure_latency(ctx, nlp_processes)
    say(f"latency: p50 {out['latency']['p50_ms']} ms, p99 {out['latency']['p99_ms']} ms")
    if opts.workers >= 2:
        out["e2e2"] = await measure_e2e(ctx, 2, 1)
        say(f"e2e2: {out['e2e2']['articles_per_s']} articles/s")
    return out


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def run_bench(options: BenchOptions) -> dict:
    settings = Settings.from_env()
    ctx = Context(options, settings)
    began = time.monotonic()
    nlp_processes = max(1, settings.nlp_processes)
    result: dict = {"machine": machine(), "articles": options.articles, "seed": options.seed,
                    "mode": "nlp" if options.nlp_only else "full"}
    broker: EmbeddedBroker | None = None
    ok = False
    try:
        parts = run_nlp_part(ctx, nlp_processes)
        tok, nlp = parts["tokenizer"]["articles_per_s"], parts["nlp"]["articles_per_s"]
        result.update({"tokenizer_articles_per_s": tok, "nlp_articles_per_s": nlp,
                       "nlp_over_tokenizer": ratio(nlp, tok), "nlp_processes": nlp_processes})
        details: dict = dict(parts)
        if not options.nlp_only:
            if options.broker:
                ctx.bootstrap = options.broker
            else:
                broker = EmbeddedBroker(log_path=ctx.log_dir / "broker.log").start()
                ctx.bootstrap = broker.bootstrap
            say(f"broker: {'external' if options.broker else 'embedded'} at {ctx.bootstrap}")
            kafka = asyncio.run(run_kafka_part(ctx, nlp_processes))
            details.update(kafka)
            e2e1, lat = kafka["e2e1"], kafka["latency"]
            e2e2 = kafka.get("e2e2")
            result.update({
                "kafka_passthrough_per_s": kafka["passthrough"]["messages_per_s"],
                "e2e_articles_per_s": e2e1["articles_per_s"],
                "latency_p50_ms": lat["p50_ms"], "latency_p99_ms": lat["p99_ms"],
                "worker_rss_mb": max(e2e1["rss_peak_mb"], lat["rss_peak_mb"]),
                "worker_rss_hwm_mb": max(e2e1["rss_hwm_mb"], lat["rss_hwm_mb"]),
                "worker_pss_mb": max(e2e1["pss_peak_mb"], lat["pss_peak_mb"]),
                "e2e_over_nlp": ratio(e2e1["articles_per_s"], nlp),
                "e2e_2workers_articles_per_s": e2e2["articles_per_s"] if e2e2 else None,
                "scale_out": ratio(e2e2["articles_per_s"], e2e1["articles_per_s"]) if e2e2 else None,
                "latency_method": lat["method"],
            })
        result["settings"] = {
            "nlp_processes_per_worker": nlp_processes, "nlp_measured_in_processes": nlp_processes,
            "batch_size": settings.batch_size, "batch_within_s_throughput": settings.batch_within,
            "batch_within_s_latency": options.latency_batch_within, "latency_rate_per_s": options.rate,
            "latency_seconds": options.latency_seconds, "partitions": settings.partitions,
            "workers_for_scale_out": options.workers if options.workers >= 2 else None,
            "worker_env": {**LOCAL_BROKER_ENV, "NEWSMON_STORE": "memory://", "NEWSMON_LOG_LEVEL": "warning"},
            "corpus": "seeds/*.txt varied: sentences shuffled per paragraph, digits remapped, unique dateline",
        }
        result["targets"] = targets(result)
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


def options_dict(options: BenchOptions) -> dict:
    return asdict(options)

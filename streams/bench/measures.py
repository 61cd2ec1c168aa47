"""The in-process measurements (tokenizer floor, full pipeline) and the raw Kafka passthrough ceiling."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import NewTopic

from schemas import RawArticle, decode, encode
from streams.kafka.admin import ensure_topics
from streams.kafka.security import env_security_kwargs


def machine() -> dict:
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 0
    return {"nproc": cpus, "cpu_count": os.cpu_count(), "cpu_model": model or platform.processor(),
            "python": platform.python_version(), "platform": platform.platform(),
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 2) if seconds > 0 else 0.0


# ---------------------------------------------------------------- tokenizer floor


_blank = None


def measure_tokenizer(texts: list[str]) -> dict:
    """Bare ``spacy.blank("de")`` (tokenizer only, no memory zone) over the raw texts, one core; the
    same object for every repetition."""
    global _blank
    import spacy

    if _blank is None:
        _blank = spacy.blank("de")
        for text in texts[:5]:
            _blank(text)
    nlp = _blank
    start = time.perf_counter()
    tokens = 0
    for text in texts:
        tokens += len(nlp(text))
    seconds = time.perf_counter() - start
    return {"articles_per_s": rate(len(texts), seconds), "seconds": round(seconds, 3), "articles": len(texts),
            "tokens_per_article": round(tokens / max(1, len(texts)), 1)}


# ---------------------------------------------------------------- full pipeline in-process

_processor = None


def _init_processor(warm: list[bytes]) -> None:
    global _processor
    from streams.processor import ArticleProcessor
    from streams.settings import Settings

    _processor = ArticleProcessor.in_memory(Settings.from_env())
    for raw in warm:
        _processor.process(decode(raw, RawArticle))


def _process_chunk(raws: list[bytes]) -> tuple[float, float, int]:
    articles = [decode(r, RawArticle) for r in raws]
    start = time.time()
    for article in articles:
        _processor.process(article)  # type: ignore[union-attr]
    return start, time.time(), len(articles)


def measure_nlp(articles: list[RawArticle], warm: list[RawArticle], processes: int = 1) -> dict:
    """``ArticleProcessor.process`` (extraction + duplicates + alerts), state in memory.

    ``processes == 1``: in this process. More: that many forkserver processes, each with its own
    processor, each given an equal share; the rate is all articles over first start -> last end.
    """
    warm_raw = [encode(a) for a in warm]
    if processes <= 1:
        if _processor is None:  # one processor for every repetition, as a worker keeps its own
            _init_processor(warm_raw)
        start = time.perf_counter()
        for article in articles:
            _processor.process(article)  # type: ignore[union-attr]
        seconds = time.perf_counter() - start
        return {"articles_per_s": rate(len(articles), seconds), "seconds": round(seconds, 3),
                "articles": len(articles), "processes": 1}
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=_init_processor, initargs=(warm_raw,)) as pool:
        list(pool.map(_process_chunk, [[]] * processes))  # every process initialised and warm before timing
        payloads = [encode(a) for a in articles]
        size = -(-len(payloads) // processes)
        done = list(pool.map(_process_chunk, [payloads[i:i + size] for i in range(0, len(payloads), size)]))
    seconds = max(d[1] for d in done) - min(d[0] for d in done)
    return {"articles_per_s": rate(len(articles), seconds), "seconds": round(seconds, 3),
            "articles": len(articles), "processes": processes}


# ---------------------------------------------------------------- Kafka passthrough ceiling


async def produce_all(bootstrap: str, topic: str, items: list[tuple[bytes, bytes]]) -> float:
    """Produce ``(key, value)`` items as fast as possible, wait for every ack; returns seconds."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5,
                                max_request_size=8 * 1024 * 1024, **env_security_kwargs())
    await producer.start()
    try:
        start = time.perf_counter()
        futures = [await producer.send(topic, value, key=key) for key, value in items]
        await asyncio.gather(*futures)
        return time.perf_counter() - start
    finally:
        await producer.stop()


async def assigned_consumer(bootstrap: str, topic: str, *, from_beginning: bool = True,
                            timeout: float = 20.0, **config: object) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest", fetch_max_bytes=16 * 1024 * 1024,
                                max_partition_fetch_bytes=8 * 1024 * 1024, **env_security_kwargs(), **config)
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        partitions = consumer.partitions_for_topic(topic)
        while not partitions and time.monotonic() < deadline:
            await consumer._client.force_metadata_update()  # a brand-new topic
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                await asyncio.sleep(0.2)
        if not partitions:
            raise RuntimeError(f"topic {topic} has no partitions after {timeout:.0f}s")
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        if from_beginning:
            await consumer.seek_to_beginning()
        else:
            await consumer.seek_to_end()
        return consumer
    except BaseException:
        await consumer.stop()
        raise


async def measure_passthrough(bootstrap: str, prefix: str, payloads: list[tuple[bytes, bytes]],
                              partitions: int, timeout: float = 120.0) -> dict:
    """No-work consume -> produce: N records pre-produced to a source topic, then one consumer
    (assigned, from the beginning) sends each record to a sink topic; timed from the start of
    consuming to the last produce acked."""
    src, dst = f"{prefix}passthrough.in", f"{prefix}passthrough.out"
    await ensure_topics(bootstrap, [NewTopic(src, partitions, 1), NewTopic(dst, partitions, 1)],
                        security=env_security_kwargs())
    produce_seconds = await produce_all(bootstrap, src, payloads)
    consumer = await assigned_consumer(bootstrap, src)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0,
                                max_request_size=8 * 1024 * 1024, **env_security_kwargs())
    await producer.start()
    try:
        n, futures = len(payloads), []
        start = time.perf_counter()
        deadline = time.monotonic() + timeout
        while len(futures) < n and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=100)
            for records in batch.values():
                for record in records:
                    futures.append(await producer.send(dst, record.value, key=record.key))
        await asyncio.gather(*futures)
        seconds = time.perf_counter() - start
    finally:
        await producer.stop()
        await consumer.stop()
    return {"messages_per_s": rate(len(futures), seconds), "seconds": round(seconds, 3), "messages": len(futures),
            "complete": len(futures) >= n, "produce_per_s": rate(n, produce_seconds),
            "mean_message_bytes": round(sum(len(v) for _, v in payloads) / max(1, n))}

"""``newsmon demo``: embedded broker + replay of the seeds, read back."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import orjson

from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.consume import read_topic
from streams.kafka.replay import replay
from streams.settings import Settings

SEEDS = Path("seeds")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the demo on the embedded broker",
                       description="Start the embedded broker, replay the seed articles into it and show "
                       "what arrives.")
    p.add_argument("paths", nargs="*", default=[str(SEEDS)], help="articles to replay (default: seeds/)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with EmbeddedBroker() as broker:
        settings = Settings.from_env(broker=broker.bootstrap)
        print(f"embedded broker at {broker.bootstrap}")
        return asyncio.run(_demo(settings, args.paths))


async def _demo(settings: Settings, paths: list[str]) -> int:
    await ensure_topics(settings.broker, topic_specs(settings))
    report = await replay(paths, settings.broker, settings.topics.raw)
    print(f"replayed: {report.summary()}")
    records = await read_topic(settings.broker, settings.topics.raw, expect=report.sent)
    for rec in sorted(records, key=lambda r: (r.partition, r.offset)):
        body = orjson.loads(rec.value)
        print(f"  {rec.key.decode()}  {body.get('title')}")
    return 0 if len(records) == report.sent else 1

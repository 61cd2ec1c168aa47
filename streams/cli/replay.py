"""``newsmon replay``: produce article files onto the raw topic."""

from __future__ import annotations

import argparse
import asyncio
import sys

from streams.cli.security_flags import add_security_flags, security_overrides
from streams.kafka.replay import progress_printer, replay
from streams.kafka.security import aiokafka_security_kwargs
from streams.settings import Settings
from streams.sources.files import expand


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="produce article files onto articles.raw",
                       description="Read .txt (first non-empty line = title), .json (one RawArticle), "
                       ".jsonl/.ndjson (one per line) files and directories of them (sorted by name) and "
                       "produce RawArticle JSON keyed by article_id. Bad files or lines are reported as "
                       "file:line and skipped. Exit code 1 when anything failed or was skipped.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    p.add_argument("--broker", help="bootstrap HOST:PORT (default: $NEWSMON_BROKER or 127.0.0.1:9092)")
    p.add_argument("--topic", help="target topic (default: <prefix>articles.raw)")
    p.add_argument("--rate", type=float, help="articles per second (default: as fast as possible)")
    p.add_argument("--repeat", type=int, default=1, help="send the whole set K times (same keys)")
    add_security_flags(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(broker=args.broker, **security_overrides(args))
    topic = args.topic or settings.topics.raw
    total = sum(1 for _ in expand(args.paths))  # files; jsonl lines may add more, the bar adapts
    report = asyncio.run(replay(
        args.paths, settings.broker, topic, rate=args.rate, repeat=max(1, args.repeat),
        on_progress=progress_printer(total * max(1, args.repeat)),
        on_error=lambda msg: print(f"skipped {msg}", file=sys.stderr),
        security=aiokafka_security_kwargs(settings),
    ))
    print(f"replay to {topic} on {settings.broker}: {report.summary()}")
    return 0 if report.failed == 0 and report.skipped == 0 else 1

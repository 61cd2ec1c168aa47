"""``newsmon ingest``: poll the feeds of a sources file and produce their articles onto articles.raw."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from streams.cli.security_flags import add_security_flags, security_overrides
from streams.ingest.sources import SourcesError, load_sources
from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.security import KafkaSecurityError, aiokafka_security_kwargs, check_connection
from streams.settings import Settings


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="poll RSS/Atom feeds and produce their articles onto articles.raw",
                       description="Poll the feeds listed in SOURCES.yaml (conditional GET), fetch each new "
                       "article page politely (robots.txt, per-host rate and concurrency, timeouts, retries), "
                       "extract the main text with trafilatura and produce RawArticle JSON keyed by article_id. "
                       "URLs are remembered in a compacted topic, so restarts and several ingest processes "
                       "ingest an article once. Pages without usable text go to articles.dlq with the reason. "
                       "Metrics on http://BIND:NEWSMON_INGEST_WEB_PORT/metrics. Settings: NEWSMON_INGEST_*.")
    p.add_argument("sources", metavar="SOURCES.yaml", help="the sources file (see deploy/sources.yaml)")
    p.add_argument("--broker", help="bootstrap HOST:PORT (default: $NEWSMON_BROKER or 127.0.0.1:9092)")
    p.add_argument("--once", action="store_true", help="poll every source once, then exit")
    p.add_argument("--web-port", dest="ingest_web_port", type=int,
                   help="port of /metrics (default: $NEWSMON_INGEST_WEB_PORT or 6067; 0 = none)")
    add_security_flags(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(broker=args.broker, ingest_web_port=args.ingest_web_port, **security_overrides(args))
    try:
        sources = load_sources(args.sources)
    except SourcesError as exc:
        print(f"newsmon ingest: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it warns on every page it finds too short
    try:
        asyncio.run(check_connection(settings))  # a refused TLS/SASL connection: one line naming the setting
    except KafkaSecurityError as exc:
        print(f"newsmon ingest: {exc}", file=sys.stderr)
        return 2
    report = asyncio.run(_ingest(settings, sources, args.once))
    print(f"ingest from {args.sources} to {settings.topics.raw} on {settings.broker}: {report.summary()}")
    return 0


async def _ingest(settings: Settings, sources, once: bool):  # noqa: ANN001, ANN202
    # imported here: the ingest metrics must not be registered in a worker (which imports every command)
    from streams.ingest.runner import Ingestor
    from streams.ingest.web import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await ensure_topics(settings.broker, topic_specs(settings), security=aiokafka_security_kwargs(settings))
    web = await serve(settings.web_bind, settings.ingest_web_port) if settings.ingest_web_port else None
    try:
        async with Ingestor(settings, sources) as ingest:
            return await ingest.run(stop, once=once)
    finally:
        if web is not None:
            await web.cleanup()

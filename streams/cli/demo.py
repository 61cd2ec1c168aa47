"""``newsmon demo``: embedded broker + a worker + a replay of the seeds, shown as they arrive."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.broker import EmbeddedBroker, free_port, port_in_use
from streams.kafka.replay import replay
from streams.kafka.security import aiokafka_security_kwargs
from streams.settings import Settings
from streams.worker_process import LOCAL_BROKER_ENV, WorkerError, WorkerProcess

SEEDS = Path("seeds")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="broker + worker + replay of the seeds, with a live view",
                       description="Start the embedded broker, one worker and a replay of the seed articles; "
                       "show enriched articles, alerts and dead letters as they arrive; print where /metrics "
                       "is. Stops everything on Ctrl-C (or by itself when the seeds are done, unless "
                       "--follow).")
    p.add_argument("paths", nargs="*", default=[str(SEEDS)], help="articles to replay (default: seeds/)")
    p.add_argument("--follow", action="store_true",
                   help="keep running after the replay, for manual 'newsmon replay' runs")
    p.add_argument("--port", type=int, default=9092, help="broker port (a free one is used if taken)")
    p.add_argument("--web-port", type=int, default=6066, help="worker web port for /metrics (default 6066)")
    p.add_argument("--alertmanager-url", help="forward the alerts to these Alertmanager URLs, comma-separated "
                   "(default NEWSMON_ALERTMANAGER_URL; empty = off)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    port = args.port if not port_in_use("127.0.0.1", args.port) else free_port()
    web_port = args.web_port if not port_in_use("127.0.0.1", args.web_port) else free_port()
    state_dir = Path(".newsmon")
    state_dir.mkdir(exist_ok=True)
    with EmbeddedBroker(port=port, log_path=state_dir / "demo-broker.log") as broker:
        settings = Settings.from_env(broker=broker.bootstrap, web_port=web_port, web_bind="127.0.0.1",
                                     app_id=f"newsmon-demo-{int(time.time())}", alertmanager_url=args.alertmanager_url)
        print(f"broker   {broker.bootstrap} (embedded, memory only)")
        asyncio.run(ensure_topics(settings.broker, topic_specs(settings), security=aiokafka_security_kwargs(settings)))
        worker = _start_worker(settings, state_dir / "demo-worker.log")
        try:
            return asyncio.run(_demo(settings, args, worker))
        except KeyboardInterrupt:
            return 0
        finally:
            worker.stop()
            print("stopped worker and broker")


def _start_worker(settings: Settings, log_path: Path) -> WorkerProcess:
    worker = WorkerProcess({**LOCAL_BROKER_ENV, "NEWSMON_BATCH_WITHIN": "0.05", "NEWSMON_BROKER": settings.broker,
                            "NEWSMON_APP_ID": settings.app_id, "NEWSMON_ALERTMANAGER_URL": settings.alertmanager_url},
                           log_path, web_port=settings.web_port).start()
    print(f"worker   pid {worker.pid}, log {log_path}")
    print(f"metrics  {worker.url}/metrics")
    if settings.alertmanager_urls:
        print(f"alertmanager {', '.join(settings.alertmanager_urls)} (alerts forwarded; GET /api/v2/alerts)")
    return worker


async def _demo(settings: Settings, args: argparse.Namespace, worker: WorkerProcess) -> int:
    names = settings.topics
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False,
                                auto_offset_reset="earliest", max_partition_fetch_bytes=8 * 1024 * 1024,
                                **aiokafka_security_kwargs(settings))
    await consumer.start()
    try:
        consumer.assign([TopicPartition(t, p) for t in (names.enriched, names.alerts, names.dlq)
                         for p in range(settings.partitions)])
        report = await replay(args.paths, settings.broker, names.raw, security=aiokafka_security_kwargs(settings),
                              on_error=lambda msg: print(f"skipped  {msg}", file=sys.stderr))
        print(f"replayed {report.summary()}\n")
        print(f"{'kind':<9} {'id':<20} what")
        seen = {"enriched": 0, "alerts": 0, "dead letters": 0}
        last = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=300)
            for records in batch.values():
                for record in records:
                    kind, line = _row(record.topic, record.value, names)
                    seen[kind] += 1
                    print(line, flush=True)
                    last = time.monotonic()
            try:
                worker.check_alive()
            except WorkerError as exc:
                print(exc, file=sys.stderr)
                return 1
            done = seen["enriched"] + seen["dead letters"] >= report.sent and time.monotonic() - last > 3
            if done and not args.follow:
                break
            if done and args.follow and seen.get("_told") is None:
                seen["_told"] = 1
                print(f"\nfollowing; replay more with: newsmon replay PATH --broker {settings.broker}  (Ctrl-C stops)")
        print("\n" + ", ".join(f"{v} {k}" for k, v in seen.items() if not k.startswith("_")))
        return 0
    finally:
        await consumer.stop()


def _row(topic: str, value: bytes, names) -> tuple[str, str]:  # noqa: ANN001
    body = orjson.loads(value)
    if topic == names.enriched:
        claims = "; ".join(f"{c['supplier'] or '?'}→{c['recipient'] or '?'} {c['family']}" for c in body["claims"])
        title = (body.get("title") or body["text"][:60]).replace("\n", " ")[:60]
        countries = ",".join(a["id"] for a in body["actors"] if a["type"] == "country")[:40]
        return "enriched", f"{'article':<9} {body['article_id']:<20} {title} | {countries} | claims: {claims or '-'}"
    if topic == names.alerts:
        mark = "NEW" if body["novelty"] == "new" else "repeat"
        return "alerts", (f"{'ALERT':<9} {body['alert_id']:<20} {mark:<6} {body['severity']:<8} "
                          f"{body['rule_id']}: {body['summary'][:110]}")
    return "dead letters", f"{'DLQ':<9} {str(body.get('key')):<20} {body['error']}: {body['message'][:100]}"

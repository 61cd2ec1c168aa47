"""Start a worker: topics, the NLP process pool, the alert engine, metrics, then Faust."""

from __future__ import annotations

import asyncio
import logging
import sys

from faust.worker import Worker

from streams import __version__, heap_trim
from streams.alerting.engine import AlertEngine
from streams.app import app, settings
from streams.delivery import count_assignment, forget_partitions
from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.security import KafkaSecurityError, aiokafka_security_kwargs, check_connection
from streams.metrics import REREADS, initialise
from streams.nlp.gazetteer import load_gazetteer
from streams.nlp.language import LANGUAGES
from streams.nlp_pool import NlpPool
from streams.redelivery import StallGuard
from streams.runtime import runtime

log = logging.getLogger("newsmon.worker")


def _register() -> None:
    import agents.alerts  # noqa: F401  (agents and views register themselves on import)
    import agents.enrich  # noqa: F401
    import streams.tables  # noqa: F401
    import streams.web  # noqa: F401

    if settings.alertmanager_urls:  # the forwarder consumes the alerts topic only when it has somewhere to send
        import agents.alertmanager  # noqa: F401

    sources = settings.topics.sources
    guard = StallGuard(app, set(sources), settings.stall_after,
                       on_action=lambda topic, action: REREADS.labels(topic, action.value).inc())

    @app.timer(interval=max(0.5, settings.stall_after / 4))
    async def _reread_stalled_partitions() -> None:
        await guard.check()

    @app.timer(interval=heap_trim.INTERVAL)
    async def _trim_heap() -> None:
        heap_trim.trim_heap()

    @app.on_partitions_revoked.connect
    async def _revoked(sender, revoked, **kwargs) -> None:  # noqa: ANN001, ANN003
        forget_partitions(revoked)
        guard.forget(revoked)

    @app.on_partitions_assigned.connect
    async def _assigned(sender, assigned, **kwargs) -> None:  # noqa: ANN001, ANN003
        count_assignment(assigned, sources)


def prepare() -> None:
    asyncio.run(check_connection(settings))  # a refused TLS/SASL connection: one line naming the setting
    created = asyncio.run(ensure_topics(settings.broker, topic_specs(settings),
                                        security=aiokafka_security_kwargs(settings)))
    if created:
        print(f"created topics: {', '.join(created)}", flush=True)
    gazetteer = load_gazetteer()
    runtime.engine = AlertEngine.from_settings(settings)
    runtime.rules_version = runtime.engine.rules_version
    runtime.gazetteer_ids = frozenset(a.id for a in gazetteer.actors)
    runtime.pool = NlpPool(settings.nlp_processes, settings.spacy_model, rules_version=runtime.rules_version,
                           cache_dir=settings.cache_dir)
    runtime.pool.warm_up()
    initialise(__version__, settings.spacy_model, runtime.rules_version, gazetteer.version, settings.topics.raw,
               rules=[(r.id, r.severity) for r in runtime.engine.rules.active],
               actors=[(a.id, a.type) for a in gazetteer.actors], languages=LANGUAGES,
               guarded_topics=settings.topics.sources)


def main() -> int:
    _register()
    try:
        prepare()
    except KafkaSecurityError as exc:  # already names the setting to fix
        print(f"newsmon worker: cannot connect to Kafka: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a clear line, e.g. when the broker is unreachable
        print(f"newsmon worker: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(f"newsmon worker {__version__}: broker {settings.broker}, metrics on "
          f"http://{settings.web_bind}:{settings.web_port}/metrics", flush=True)
    if settings.alertmanager_urls:
        print(f"forwarding alerts to Alertmanager: {', '.join(settings.alertmanager_urls)}", flush=True)
    worker = Worker(app, loglevel=settings.log_level, quiet=True)
    try:
        worker.execute_from_commandline()
    finally:
        if runtime.pool is not None:
            runtime.pool.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Faust application, configured from ``Settings`` (``NEWSMON_*``) when this module is imported."""

from __future__ import annotations

import faust
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

from streams.kafka.highwater import log_end_offsets
from streams.kafka.security import aiokafka_security_kwargs, faust_credentials
from streams.redelivery import guard_topics
from streams.settings import Settings

settings = Settings.from_env()


def _fetch_wait(create):  # noqa: ANN001, ANN202
    """Faust hard-codes a 1.5 s fetch wait; a broker that holds fetches open (the local one does) then
    adds up to 1.5 s to every article's latency. Use the configured wait instead."""

    def create_worker_consumer(self, transport):  # noqa: ANN001, ANN202
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = int(settings.fetch_max_wait * 1000)
        return consumer

    return create_worker_consumer


AIOKafkaConsumerThread._create_worker_consumer = _fetch_wait(AIOKafkaConsumerThread._create_worker_consumer)
_END_OFFSETS = AIOKafkaConsumerThread._highwaters


async def _changelog_highwaters(self, partitions):  # noqa: ANN001, ANN202
    """Table recovery reads each changelog partition up to these offsets. The local broker under-reports
    them after batched produces, so a recovered novelty table missed the last updates (an alert's count
    one short for good). Changelog partitions get the end of their log instead (streams/kafka/highwater.py)."""
    reported = await _END_OFFSETS(self, partitions)
    changelogs = [tp for tp in partitions if tp.topic.endswith("-changelog")]
    if not changelogs or self.consumer.in_transaction:
        return reported
    return {**reported, **await log_end_offsets(settings.broker, changelogs, reported,
                                                security=aiokafka_security_kwargs(settings))}


AIOKafkaConsumerThread._highwaters = _changelog_highwaters


guard_topics(set(settings.topics.sources))


def create_app(cfg: Settings) -> faust.App:
    app = faust.App(
        cfg.app_id,
        version=1,
        broker=[f"kafka://{b.strip()}" for b in cfg.broker.split(",")],
        broker_credentials=faust_credentials(cfg),  # TLS / SASL (streams/kafka/security.py)
        store=cfg.store,
        datadir=str(cfg.data_dir),
        autodiscover=False,
        processing_guarantee="at_least_once",  # exactly_once is not trustworthy in faust-streaming
        broker_session_timeout=cfg.session_timeout,
        broker_heartbeat_interval=cfg.heartbeat_interval,
        broker_rebalance_timeout=cfg.rebalance_timeout,
        broker_commit_every=cfg.commit_every,
        broker_commit_interval=cfg.commit_interval,
        consumer_auto_offset_reset="earliest",
        consumer_max_fetch_size=8 * 1024 * 1024,
        producer_max_request_size=8 * 1024 * 1024,
        producer_linger=0.005,  # batch the many small sends (enriched, claims, alerts) into fewer requests
        topic_partitions=cfg.partitions,
        topic_replication_factor=cfg.replication_factor,
        topic_disable_leader=True,
        stream_wait_empty=True,
        web_port=cfg.web_port,
        web_bind=cfg.web_bind,
        web_host=cfg.web_bind if cfg.web_bind != "0.0.0.0" else "localhost",
        table_cleanup_interval=60.0,
        debug=False,
        canonical_url=f"http://localhost:{cfg.web_port}",
        web_tables_enabled=False,  # /table/ would list the novelty table (claims, article ids) to anyone who asks
        web_router_enabled=False,  # /router/ (key -> worker lookups) is not used; the web port serves /metrics and /
    )
    # At every table recovery Faust compares the changelog offsets it holds with the broker's end offsets and
    # crashes with ConsistencyError when they are higher. The local broker under-reports end offsets after
    # batched produces (FAUST_PITFALLS.md): a worker that got a changelog partition back after a rebalance
    # crashed ("persisted offset 191 > highwater 190"), several times per `newsmon soak` run. With the
    # in-memory store the check guards nothing a fresh worker would not redo. Changelog recovery reads to the
    # end of the log anyway (``_changelog_highwaters``), and a redelivered article restates its alert.
    app.conf.recovery_consistency_check = False
    return app


app = create_app(settings)

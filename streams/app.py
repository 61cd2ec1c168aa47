"""The Faust application, configured from ``Settings`` (``NEWSMON_*``) when this module is imported."""

from __future__ import annotations

from collections import defaultdict

import faust
from faust.transport.consumer import Consumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

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


ASSIGNMENTS = [0]  # partition assignments this process has seen


class FromCommitted(defaultdict):
    """What Faust's drain loop believes it has read from articles.raw: the last committed offset.

    Faust drops a record older than the last one it read and acks skipped offsets as a "gap" without
    processing them. After a restart the local broker hands the fetcher a prefetched later batch
    before the earlier one, and with Faust's rule the earlier records were lost (2-40 of 2,000 after
    kill -9). Measured from the committed offset instead, every record not yet committed is processed
    (a repeat is harmless: deterministic ids, keyed and compacted topics), and gaps are never acked
    unprocessed. Only for the raw topic and the first assignment after start-up (where the loss
    happens): applied more widely it stalled hand-overs between workers."""

    def __init__(self, consumer: Consumer):
        super().__init__(lambda: None)
        self.consumer = consumer

    def __getitem__(self, tp):  # noqa: ANN001, ANN204
        if tp.topic != settings.topics.raw or ASSIGNMENTS[0] > 1:
            return super().__getitem__(tp)  # Faust's own rule for its topics and for later rebalances
        committed = self.consumer._committed_offset.get(tp)
        return committed - 1 if committed else None


def _read_from_committed(init):  # noqa: ANN001, ANN202
    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202, N807
        init(self, *args, **kwargs)
        self._read_offset = FromCommitted(self)

    return __init__


def _no_raw_gaps(add_gap):  # noqa: ANN001, ANN202
    async def _add_gap(self, tp, offset_from, offset_to) -> None:  # noqa: ANN001
        """Never ack unprocessed raw articles (the raw topic is neither compacted nor transactional)."""
        if tp.topic != settings.topics.raw or ASSIGNMENTS[0] > 1:
            await add_gap(self, tp, offset_from, offset_to)

    return _add_gap


Consumer.__init__ = _read_from_committed(Consumer.__init__)
Consumer._add_gap = _no_raw_gaps(Consumer._add_gap)


def create_app(cfg: Settings) -> faust.App:
    return faust.App(
        cfg.app_id,
        version=1,
        broker=[f"kafka://{b.strip()}" for b in cfg.broker.split(",")],
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
    )


app = create_app(settings)


@app.on_partitions_assigned.connect
async def _count_assignment(sender, assigned, **kwargs) -> None:  # noqa: ANN001, ANN003
    ASSIGNMENTS[0] += 1

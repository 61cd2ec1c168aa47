"""Every topic newsmon reads or writes. Values are raw bytes: decoding happens inside the agents,
so a payload that is not JSON becomes a dead letter instead of crashing the agent forever."""

from __future__ import annotations

from streams.app import app, settings

names = settings.topics


def _bytes_topic(name: str, **kwargs: object):  # noqa: ANN202
    return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw",
                     partitions=settings.partitions, **kwargs)


raw_topic = _bytes_topic(names.raw)
enriched_topic = _bytes_topic(names.enriched)
dlq_topic = _bytes_topic(names.dlq)
alerts_topic = _bytes_topic(names.alerts, config={"cleanup.policy": "compact"})
# Claims repartitioned by signature, so one partition (and one worker) owns each signature's novelty.
claims_topic = _bytes_topic(names.claims)

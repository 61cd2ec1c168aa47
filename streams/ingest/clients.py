"""The ingest process's Kafka clients, made in one place so connection settings (TLS, SASL) apply to all."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from streams.kafka.security import aiokafka_security_kwargs
from streams.settings import Settings


def make_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=settings.broker, acks="all", linger_ms=5,
                            max_request_size=8 * 1024 * 1024, **aiokafka_security_kwargs(settings))


def make_reader(settings: Settings) -> AIOKafkaConsumer:
    """A consumer without a group: the seen-URLs topic is read whole, by assignment.

    Reading to the end before a poll waits for two fetch answers, so an idle fetch is held at most 100 ms
    (the default 500 ms would cost every poll up to a second).
    """
    return AIOKafkaConsumer(bootstrap_servers=settings.broker, enable_auto_commit=False,
                            auto_offset_reset="earliest", group_id=None, fetch_max_wait_ms=100,
                            **aiokafka_security_kwargs(settings))

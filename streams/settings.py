"""All settings in one place, read from ``NEWSMON_*`` environment variables (CLI flags override)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

ENV_PREFIX = "NEWSMON_"


class Settings(BaseModel):
    broker: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, HOST:PORT[,HOST:PORT]")
    app_id: str = Field("newsmon", description="Faust app id = Kafka consumer group")
    topic_prefix: str = Field("", description="prefix for every topic name, e.g. 'staging.'")
    partitions: int = Field(4, ge=1, description="partitions of the topics newsmon creates")
    replication_factor: int = Field(1, ge=1)
    web_port: int = Field(6066, ge=0, le=65535, description="port of /metrics and / (health)")
    web_bind: str = Field("0.0.0.0", description="address the web server binds")
    store: str = Field("memory://", description="Faust table store: memory:// or rocksdb://")
    data_dir: Path = Field(Path(".newsmon"), description="Faust data directory (table stores)")
    session_timeout: float = Field(30.0, gt=0, description="Kafka consumer session timeout, seconds")
    heartbeat_interval: float = Field(3.0, gt=0, description="Kafka consumer heartbeat, seconds")
    rebalance_timeout: float = Field(60.0, gt=0, description="Kafka rebalance timeout, seconds")
    commit_every: int = Field(200, ge=1, description="commit after this many acked messages")
    commit_interval: float = Field(1.0, gt=0, description="commit at least this often, seconds")
    fetch_max_wait: float = Field(0.5, gt=0, description="longest a fetch waits for data, seconds")
    stall_after: float = Field(10.0, gt=0, description="seconds a partition may stand still below its highwater, "
                               "nothing of it in flight, before it is read again from the committed offset")
    batch_size: int = Field(16, ge=1, description="articles per NLP batch")
    batch_within: float = Field(0.05, gt=0, description="max seconds to wait to fill a batch")
    nlp_processes: int = Field(1, ge=0, description="NLP worker processes (0 = in the event loop thread)")
    max_article_bytes: int = Field(1_000_000, ge=1024, description="larger raw messages are dead-lettered")
    spacy_model: str | None = Field(None, description="installed spaCy model (name or path) whose NER is merged")
    novelty_window_days: float = Field(30.0, gt=0, description="a claim unseen this long is new again")
    log_level: str = Field("info")

    @property
    def topics(self) -> TopicNames:
        return TopicNames.with_prefix(self.topic_prefix)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Environment first, explicit (CLI) overrides win; a bad value names its variable."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw not in (None, ""):
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{ENV_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
            )
            raise SystemExit(f"newsmon: invalid setting: {problems}") from None


class TopicNames(BaseModel):
    raw: str = "articles.raw"
    enriched: str = "articles.enriched"
    dlq: str = "articles.dlq"
    alerts: str = "alerts"
    claims: str = "newsmon.claims-by-signature"

    @property
    def sources(self) -> list[str]:
        """The topics agents consume (not compacted outputs or the DLQ)."""
        return [self.raw, self.enriched, self.claims]

    @classmethod
    def with_prefix(cls, prefix: str) -> TopicNames:
        base = cls()
        return cls(**{k: prefix + v for k, v in base.model_dump().items()})

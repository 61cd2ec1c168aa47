"""All settings in one place, read from ``NEWSMON_*`` environment variables (CLI flags override)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator

ENV_PREFIX = "NEWSMON_"


def _xdg_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


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
    cache_dir: Path = Field(default_factory=lambda: _xdg_cache() / "newsmon",
                            description="compacted lemma tables, built on the first start and loaded after it "
                            "(unwritable: rebuilt at every start, ~70 MB more peak memory of the NLP process)")
    novelty_window_days: float = Field(30.0, gt=0, description="a claim unseen this long is new again")
    log_level: str = Field("info")
    alertmanager_url: str = Field("", description="Alertmanager base URLs, comma-separated (http://am:9093); "
                                  "empty = alerts are not forwarded")
    alertmanager_active_for: float = Field(86400.0, gt=0, description="an alert forwarded to Alertmanager resolves "
                                           "by itself this many seconds after its last update")
    alertmanager_retry_for: float = Field(600.0, ge=0, description="seconds an Alertmanager may fail before an alert "
                                          "that none of them accepted goes to the DLQ")
    alertmanager_timeout: float = Field(10.0, gt=0, description="timeout of one request to Alertmanager, seconds")
    ingest_web_port: int = Field(6067, ge=0, le=65535, description="port of the ingest process's /metrics and /")
    ingest_user_agent: str = Field("newsmon-ingest/0.1 (news monitor; polite feed reader)",
                                   description="User-Agent of every ingest request; add a contact URL")
    ingest_timeout: float = Field(20.0, gt=0, description="seconds one ingest HTTP request may take")
    ingest_retries: int = Field(2, ge=0, description="retries of a request that failed transiently (backoff doubles)")
    ingest_max_page_bytes: int = Field(5_000_000, ge=1024, description="larger pages are dead-lettered as too_large")
    ingest_min_text_chars: int = Field(200, ge=1, description="shorter main text is dead-lettered as no_text")
    ingest_seen_window_days: float = Field(30.0, gt=0, description="a URL handled this long ago may be ingested again")

    @property
    def alertmanager_urls(self) -> list[str]:
        return [u.strip().rstrip("/") for u in self.alertmanager_url.split(",") if u.strip()]

    # Kafka security, shared by every client newsmon runs (streams/kafka/security.py turns it into arguments)
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="Kafka security protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    ssl_ca_file: Path | None = Field(None, description="PEM CA bundle that signed the brokers' certificates; "
                                     "unset = the system trust store")
    ssl_cert_file: Path | None = Field(None, description="PEM client certificate for mutual TLS")
    ssl_key_file: Path | None = Field(None, description="PEM private key of the client certificate (unencrypted)")
    ssl_check_hostname: bool = Field(True, description="check that the broker's certificate names the host "
                                     "connected to")
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "PLAIN", description="SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
    sasl_username: str | None = Field(None, description="SASL username")
    sasl_password: SecretStr | None = Field(None, description="SASL password (environment only; prefer the file)")
    sasl_password_file: Path | None = Field(None, description="file holding the SASL password (a Kubernetes or "
                                            "Docker secret); one trailing newline is ignored")

    @model_validator(mode="after")
    def _kafka_security(self) -> Settings:
        """Catch a half-configured secured connection here, naming the variable, not at the first broker error."""
        tls, sasl = self.security_protocol in ("SSL", "SASL_SSL"), self.security_protocol.startswith("SASL_")
        protocol = f"{ENV_PREFIX}SECURITY_PROTOCOL={self.security_protocol}"
        if not tls:
            for name in ("ssl_ca_file", "ssl_cert_file", "ssl_key_file"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{ENV_PREFIX}{name.upper()} is set, but {protocol} does not use TLS "
                                     "(use SSL or SASL_SSL)")
        if self.ssl_key_file is not None and self.ssl_cert_file is None:
            raise ValueError(f"{ENV_PREFIX}SSL_KEY_FILE is set without {ENV_PREFIX}SSL_CERT_FILE")
        for name in ("ssl_ca_file", "ssl_cert_file", "ssl_key_file", "sasl_password_file"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"{ENV_PREFIX}{name.upper()}: no such file: {path}")
        if self.sasl_password_file is not None:
            if self.sasl_password is not None:
                raise ValueError(f"set {ENV_PREFIX}SASL_PASSWORD or {ENV_PREFIX}SASL_PASSWORD_FILE, not both")
            try:
                secret = self.sasl_password_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"{ENV_PREFIX}SASL_PASSWORD_FILE: cannot read {self.sasl_password_file}: "
                                 f"{type(exc).__name__}") from None
            self.sasl_password = SecretStr(secret.removesuffix("\n").removesuffix("\r"))
        if sasl and not self.sasl_username:
            raise ValueError(f"{protocol} needs {ENV_PREFIX}SASL_USERNAME")
        if sasl and not (self.sasl_password and self.sasl_password.get_secret_value()):
            raise ValueError(f"{protocol} needs {ENV_PREFIX}SASL_PASSWORD or {ENV_PREFIX}SASL_PASSWORD_FILE")
        if not sasl and (self.sasl_username or self.sasl_password is not None):
            raise ValueError(f"SASL credentials are set, but {protocol} does not use SASL "
                             "(use SASL_SSL or SASL_PLAINTEXT)")
        return self

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
            problems = "; ".join(  # a check across fields names its variables itself (no loc)
                f"{ENV_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" if e["loc"]
                else e["msg"].removeprefix("Value error, ") for e in exc.errors()
            )
            raise SystemExit(f"newsmon: invalid setting: {problems}") from None


class TopicNames(BaseModel):
    raw: str = "articles.raw"
    enriched: str = "articles.enriched"
    dlq: str = "articles.dlq"
    alerts: str = "alerts"
    claims: str = "newsmon.claims-by-signature"
    seen_urls: str = "newsmon.ingest-seen-urls"

    @property
    def sources(self) -> list[str]:
        """The topics agents consume (not compacted outputs or the DLQ)."""
        return [self.raw, self.enriched, self.claims]

    @classmethod
    def with_prefix(cls, prefix: str) -> TopicNames:
        base = cls()
        return cls(**{k: prefix + v for k, v in base.model_dump().items()})

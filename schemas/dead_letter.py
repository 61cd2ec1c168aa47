"""DeadLetter: what could not be processed, with enough to find and replay it."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

# The worker's kinds, then those of `newsmon ingest` (a web page that yields no article), then the alerts that
# Alertmanager refused (rejected) or that none of its instances accepted within NEWSMON_ALERTMANAGER_RETRY_FOR.
ErrorKind = Literal["not_json", "invalid_utf8", "invalid_schema", "empty", "too_large", "processing_error",
                    "no_text", "http_error", "not_html", "alertmanager_rejected", "alertmanager_unavailable"]

# Kafka's default max.message.bytes is ~1 MB: a dead letter must stay publishable.
MAX_PAYLOAD_BYTES = 256 * 1024


class DeadLetter(BaseModel):
    schema_version: int = 1
    error: ErrorKind
    message: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    payload: str = Field(description="original bytes, as text when valid UTF-8 else base64")
    payload_encoding: Literal["text", "base64"]
    payload_size: int = Field(ge=0, description="size of the original payload in bytes")
    payload_truncated: bool = False
    payload_sha256: str
    failed_at: datetime
    url: str | None = Field(None, description="the web page, for dead letters of newsmon ingest")

    @classmethod
    def from_bytes(
        cls,
        payload: bytes | None,
        error: ErrorKind,
        message: str,
        *,
        topic: str | None = None,
        partition: int | None = None,
        offset: int | None = None,
        key: bytes | str | None = None,
        url: str | None = None,
    ) -> DeadLetter:
        raw = payload or b""
        kept = raw[:MAX_PAYLOAD_BYTES]
        try:
            text, encoding = kept.decode("utf-8"), "text"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(kept).decode("ascii"), "base64"
        if isinstance(key, bytes):
            key = key.decode("utf-8", errors="replace")
        return cls(
            error=error,
            message=message[:2000],
            topic=topic,
            partition=partition,
            offset=offset,
            key=key,
            payload=text,
            payload_encoding=encoding,
            payload_size=len(raw),
            payload_truncated=len(kept) < len(raw),
            payload_sha256=hashlib.sha256(raw).hexdigest(),
            failed_at=datetime.now(UTC),
            url=url,
        )

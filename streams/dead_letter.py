"""Turn a raw Kafka message into a RawArticle, or say precisely why it cannot be one."""

from __future__ import annotations

import orjson
from pydantic import ValidationError

from schemas import RawArticle
from schemas.dead_letter import ErrorKind


class Rejected(Exception):
    def __init__(self, kind: ErrorKind, message: str):
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message


def decode_raw(value: bytes | None, max_bytes: int) -> RawArticle:
    if not value:
        raise Rejected("empty", "empty message")
    if len(value) > max_bytes:
        raise Rejected("too_large", f"{len(value)} bytes is over the limit of {max_bytes} (NEWSMON_MAX_ARTICLE_BYTES)")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected("invalid_utf8", f"not UTF-8: {exc}") from None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise Rejected("not_json", f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Rejected("invalid_schema", f"expected a JSON object, got {type(data).__name__}")
    try:
        return RawArticle.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'article'}: {e['msg']}" for e in exc.errors())
        raise Rejected("invalid_schema", problems) from None

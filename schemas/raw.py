"""RawArticle: the liberal input contract on ``articles.raw``."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

_WS = re.compile(r"\s+")


def _normalize(value: str | None) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", value or "")).strip().casefold()


def derive_article_id(title: str | None, text: str) -> str:
    """Deterministic id so the same article replayed twice keeps its key."""
    digest = hashlib.sha256(f"{_normalize(title)}\n{_normalize(text)}".encode()).hexdigest()
    return digest[:16]


class RawArticle(BaseModel):
    """Only ``text`` is required; unknown fields are kept, unparsable dates are set aside."""

    model_config = ConfigDict(extra="allow")

    text: str = Field(min_length=1)
    id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    language: str | None = None
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value

    @field_validator("id", "url", "source", "title", "language", mode="before")
    @classmethod
    def _stringify(cls, value: Any) -> Any:
        # Producers send numeric ids; a number is still a usable id.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("published_at", "fetched_at", mode="wrap")
    @classmethod
    def _lenient_datetime(cls, value: Any, handler: Any) -> datetime | None:
        # A bad date must not cost the article: drop the date, keep the text.
        try:
            return handler(value)
        except ValueError:
            return None

    @property
    def article_id(self) -> str:
        return self.id.strip() if self.id and self.id.strip() else derive_article_id(self.title, self.text)

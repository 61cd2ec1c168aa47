"""The sources file (``SOURCES.yaml``): which feeds to poll, how often, how gently; versioned, validated."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$",
                      description="short unique id; the `source` of its articles and a metrics label")
    url: str = Field(description="RSS or Atom feed URL, or a news sitemap's (http or https)")
    kind: Literal["feed", "sitemap"] = Field("feed", description="feed: RSS/Atom; sitemap: a (Google News) "
                                             "sitemap urlset")
    language: str | None = Field(None, pattern=r"^[a-z]{2}$", description="ISO 639-1 hint for the analyser")
    poll_interval: float = Field(900.0, ge=1, description="seconds between two polls of the feed")
    host_rate: float = Field(1.0, gt=0, description="requests per second to this feed's article hosts at most")
    host_concurrency: int = Field(2, ge=1, le=16, description="requests in flight per host at most")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="bump when the list changes meaningfully")
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate source names: {', '.join(duplicates)}")
        return self


class SourcesError(ValueError):
    pass


def load_sources(path: str | Path) -> SourcesFile:
    """Parse and validate; one readable line per problem instead of a traceback."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourcesError(f"{path}: {exc}") from None
    try:
        return SourcesFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors())
        raise SourcesError(f"{path}: {problems}") from None

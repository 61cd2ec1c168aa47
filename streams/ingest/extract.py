"""An article page → RawArticle: trafilatura finds the main text, title, author and date."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import trafilatura

from schemas import RawArticle
from streams.ingest.feeds import FeedEntry
from streams.ingest.sources import Source

ExtractFailure = Literal["no_text", "not_html"]
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", ""})  # "" : servers that send no type


class ExtractError(Exception):
    def __init__(self, reason: ExtractFailure, message: str):
        super().__init__(message)
        self.reason: ExtractFailure = reason
        self.message = message


def _page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def extract_article(html: bytes, content_type: str, *, url: str, entry: FeedEntry, source: Source,
                    fetched_at: datetime, min_chars: int = 200) -> RawArticle:
    """Comments, navigation and tables are left out; the feed's time wins over the page's date (it has
    the hour). A page whose main text is shorter than ``min_chars`` is not an article."""
    if content_type not in HTML_TYPES:
        raise ExtractError("not_html", f"{url} is {content_type}, not HTML")
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False)
    text = (doc.text or "").strip() if doc is not None else ""
    title = (doc.title if doc is not None else None) or entry.title
    if title and text.startswith(title):  # the headline repeated as the first line of the text
        text = text[len(title):].lstrip()
    if len(text) < min_chars:
        raise ExtractError("no_text", f"{url}: {len(text)} characters of main text, fewer than {min_chars}")
    metadata = {"feed": source.name, "feed_url": source.url, "entry_url": entry.url, "extractor": "trafilatura"}
    author = (doc.author if doc is not None else None) or entry.author
    if author:
        metadata["author"] = author
    if doc is not None and doc.sitename:
        metadata["sitename"] = doc.sitename
    return RawArticle(
        url=url, source=source.name, title=title, text=text, language=source.language,
        published_at=entry.published_at or _page_date(doc.date if doc is not None else None),
        fetched_at=fetched_at, metadata=metadata,
    )

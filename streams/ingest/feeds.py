"""Poll one RSS/Atom feed or news sitemap with a conditional GET (ETag / Last-Modified); list its entries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from lxml import etree

from streams.ingest.fetch import PoliteFetcher
from streams.ingest.sources import Source


@dataclass
class FeedState:
    """What the last successful poll of a feed told us, for the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None
    published_at: datetime | None
    author: str | None


@dataclass(frozen=True)
class FeedPoll:
    entries: list[FeedEntry]
    not_modified: bool
    seconds: float


class FeedError(Exception):
    pass


def _entry_time(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def parse_entries(body: bytes, base_url: str) -> list[FeedEntry]:
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not a feed: {parsed.get('bozo_exception', 'unparsable')}")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link or not link.startswith(("http://", "https://")):
            continue
        entries.append(FeedEntry(url=link, title=entry.get("title"), published_at=_entry_time(entry),
                                 author=entry.get("author")))
    return entries


SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def parse_sitemap(body: bytes) -> list[FeedEntry]:
    """A news sitemap (``<urlset>`` with optional ``news:`` title and publication date); a sitemap index
    is refused rather than crawled: list the news sitemap itself."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not a sitemap: {exc}") from None
    if root.tag != f"{{{SITEMAP_NS['sm']}}}urlset":
        raise FeedError(f"not a sitemap urlset: <{etree.QName(root).localname}>")
    entries = []
    for node in root.iterfind("sm:url", SITEMAP_NS):
        loc = (node.findtext("sm:loc", namespaces=SITEMAP_NS) or "").strip()
        if not loc.startswith(("http://", "https://")):
            continue
        date = node.findtext("news:news/news:publication_date", namespaces=SITEMAP_NS) or node.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS)
        try:
            published = datetime.fromisoformat(date.strip()) if date else None
        except ValueError:
            published = None
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        title = node.findtext("news:news/news:title", namespaces=SITEMAP_NS)
        entries.append(FeedEntry(url=loc, title=title.strip() if title else None, published_at=published,
                                 author=None))
    return entries


async def poll_feed(fetcher: PoliteFetcher, source: Source, state: FeedState) -> FeedPoll:
    """Entries of the feed, or ``not_modified`` when the server answers 304; updates ``state``."""
    page = await fetcher.get(source.url, state.conditional_headers())
    if page.status == 304:
        return FeedPoll([], True, page.seconds)
    entries = parse_sitemap(page.body) if source.kind == "sitemap" else parse_entries(page.body, page.url)
    state.etag = page.headers.get("etag")
    state.last_modified = page.headers.get("last-modified")
    return FeedPoll(entries, False, page.seconds)

"""Extraction quality on the local pages: trafilatura's text against the same texts given directly.

The pages carry heavy boilerplate whose teasers and reader comments mention transfers between Russia
and North Korea; the whole visible page text (no extraction) is measured too, so the comparison can
fail: boilerplate that leaks in shows up as wrong claims.
"""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from schemas import EnrichedArticle, RawArticle
from streams.ingest.extract import ExtractError, extract_article
from streams.ingest.feeds import FeedEntry
from streams.ingest.sources import Source
from tests.test_ingest.loopback_site.server import ARTICLES, COMMENTS, NO_ARTICLE_HTML, TEASERS, article_html

SOURCE = Source(name="loopback", url="http://127.0.0.1/feed")


@pytest.fixture(scope="module")
def analyzer():
    from streams.nlp.analyzer import Analyzer

    return Analyzer()


def extracted(slug: str) -> RawArticle:
    url = f"http://127.0.0.1/news/{slug}"
    return extract_article(article_html(ARTICLES[slug]).encode(), "text/html", url=url,
                           entry=FeedEntry(url, None, None, None), source=SOURCE, fetched_at=datetime.now(UTC))


def claims(article: EnrichedArticle) -> set[tuple]:
    """Claims as the alert rule sees them (at its confidence threshold)."""
    return {(c.supplier, c.recipient, c.family, c.item) for c in article.claims if (c.confidence or 0) >= 0.5}


def countries(article: EnrichedArticle) -> set[str]:
    return {a.id for a in article.actors if a.type == "country"}


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_extraction_keeps_every_paragraph_and_drops_the_boilerplate(slug):
    article = extracted(slug)
    for paragraph in ARTICLES[slug]["body"]:
        assert paragraph in article.text
    for junk in [*TEASERS, *(c for _, c in COMMENTS), "cookies", "ADVERTISEMENT", "WERBUNG", "Newsletter",
                 "Leave a Reply", "Copyright"]:
        assert junk not in article.text
    assert article.title == ARTICLES[slug]["title"]
    assert article.metadata["author"] == ARTICLES[slug]["author"]
    assert article.published_at is not None
    assert article.published_at.date().isoformat() == ARTICLES[slug]["published"][:10]


def test_claims_from_extracted_pages_are_those_of_the_texts_given_directly(analyzer):
    """Per page: the same claims and countries as the article text given directly; the whole page
    text without extraction adds false claims from the boilerplate and loses true ones."""
    direct_claims, page_claims = 0, 0
    naive_false, naive_missed = 0, 0
    for slug, spec in sorted(ARTICLES.items()):
        direct = analyzer.analyze(RawArticle(title=spec["title"], text="\n\n".join(spec["body"]),
                                             language=spec["language"]))
        page = extracted(slug)
        from_page = analyzer.analyze(page.model_copy(update={"language": spec["language"]}))
        assert claims(from_page) == claims(direct), slug
        assert countries(from_page) == countries(direct), slug
        direct_claims += len(claims(direct))
        page_claims += len(claims(from_page))
        whole = lxml.html.fromstring(article_html(spec)).text_content()
        naive = analyzer.analyze(RawArticle(title=spec["title"], text=whole, language=spec["language"]))
        naive_false += len(claims(naive) - claims(direct))
        naive_missed += len(claims(direct) - claims(naive))
    assert direct_claims == page_claims == 8
    assert naive_false >= 7 and naive_missed >= 1  # what extraction is for (figures in README.md)


def test_a_page_without_an_article_is_no_text():
    entry = FeedEntry("http://127.0.0.1/news/empty", "Sign in", None, None)
    with pytest.raises(ExtractError) as caught:
        extract_article(NO_ARTICLE_HTML.encode(), "text/html", url=entry.url, entry=entry, source=SOURCE,
                        fetched_at=datetime.now(UTC))
    assert caught.value.reason == "no_text"


def test_a_pdf_is_not_html():
    entry = FeedEntry("http://127.0.0.1/files/report.pdf", None, None, None)
    with pytest.raises(ExtractError) as caught:
        extract_article(b"%PDF-1.4", "application/pdf", url=entry.url, entry=entry, source=SOURCE,
                        fetched_at=datetime.now(UTC))
    assert caught.value.reason == "not_html"


def test_the_feed_time_wins_over_the_page_date():
    url = "http://127.0.0.1/news/troops-kursk"
    at = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)
    article = extract_article(article_html(ARTICLES["troops-kursk"]).encode(), "text/html", url=url,
                              entry=FeedEntry(url, None, at, None), source=SOURCE, fetched_at=datetime.now(UTC))
    assert article.published_at == at and article.source == "loopback" and article.url == url

"""Small helpers for the NLP tests: run one language's pipeline, find and describe claims."""

from __future__ import annotations

from schemas import Claim, EnrichedArticle, RawArticle
from streams.nlp.analyzer import Analyzer

DYAD = {"RUS", "PRK"}


def claims_in(analyzer: Analyzer, text: str, lang: str) -> list[Claim]:
    """Claims of ``text`` through the ``lang`` pipeline (no cleaning, no language detection)."""
    return analyzer.nlp_for(lang)(text)._.claims


def describe(claims: list[Claim]) -> list[str]:
    return [f"{c.supplier}>{c.recipient} parties={c.parties} {c.item}/{c.family} {c.modality} "
            f"claimant={c.claimant} qty={c.quantity.text if c.quantity else None}" for c in claims]


def find_claim(claims: list[Claim], supplier: str | None, recipient: str | None, family: str | None = None) -> Claim:
    hits = [c for c in claims if c.supplier == supplier and c.recipient == recipient
            and (family is None or c.family == family)]
    assert hits, f"no {supplier}>{recipient} {family or ''} claim; got {describe(claims)}"
    return hits[0]


def dyad_claims(claims: list[Claim]) -> list[Claim]:
    """Claims that put Russia and North Korea on the two sides (with or without a direction)."""
    return [c for c in claims if ({c.supplier, c.recipient} | set(c.parties)) >= DYAD]


def involving(claims: list[Claim], code: str) -> list[Claim]:
    return [c for c in claims if code in ({c.supplier, c.recipient} | set(c.parties))]


def analyze(analyzer: Analyzer, text: str, expect_lang: str | None = None, **fields) -> EnrichedArticle:
    article = analyzer.analyze(RawArticle(text=text, **fields))
    if expect_lang:
        assert article.language == expect_lang, f"detected {article.language!r} for {text[:60]!r}"
    return article


def actor_by_form(article: EnrichedArticle, form: str):
    for actor in article.actors:
        if form in actor.surface_forms:
            return actor
    raise AssertionError(f"no actor with surface form {form!r}; actors: "
                         f"{[(a.id, a.surface_forms) for a in article.actors]}")

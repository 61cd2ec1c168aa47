"""Small builders for EnrichedArticles with chosen claims, times and fingerprints (no NLP)."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enriched import Actor, Claim, EnrichedArticle, Evidence, PipelineInfo
from streams.nlp.fingerprint import simhash

T0 = datetime(2024, 6, 18, 12, 0, tzinfo=UTC)
NAMES = {"PRK": "North Korea", "RUS": "Russia", "USA": "United States", "IRN": "Iran", "UKR": "Ukraine"}


def claim(supplier: str | None = "PRK", recipient: str | None = "RUS", family: str = "munitions",
          item: str = "weapons", modality: str = "allegation", claimant: str | None = "USA",
          parties: list[str] | None = None, sentence: str = "Washington beschuldigte Nordkorea, Waffen zu liefern.",
          ) -> Claim:
    return Claim(supplier=supplier, recipient=recipient, family=family, item=item, modality=modality,
                 claimant=claimant, claimant_name=NAMES.get(claimant or "", claimant),
                 parties=parties if parties is not None else sorted({p for p in (supplier, recipient) if p}),
                 evidence=Evidence(sentence=sentence, start=0, end=len(sentence)))


def article(article_id: str, claims: list[Claim], published_at: datetime | None = T0,
            text: str | None = None, fingerprint: str | None = None, duplicate_of: str | None = None,
            topics: list | None = None) -> EnrichedArticle:
    text = text or f"Artikel {article_id}: " + " ".join(c.evidence.sentence for c in claims)
    codes = sorted({code for c in claims for code in (c.supplier, c.recipient, *c.parties) if code})
    return EnrichedArticle(
        article_id=article_id, language="de", published_at=published_at, processed_at=T0, text=text,
        text_length=len(text), claims=claims, topics=topics or [], duplicate_of=duplicate_of,
        actors=[Actor(id=c, name=NAMES.get(c, c), type="country", country=c, mentions=1) for c in codes],
        fingerprint=fingerprint or f"{simhash(text):016x}",
        pipeline=PipelineInfo(version="test", language_model="test", gazetteer_version="t", taxonomy_version="t",
                              claims_version="t"),
    )

"""EnrichedArticle and its parts: the contract on ``articles.enriched``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

ActorType = Literal["person", "country", "organization"]
Family = Literal["munitions", "technology", "personnel"]
Modality = Literal["assertion", "allegation", "suspicion", "concern", "confirmation", "denial", "intent"]


class Evidence(BaseModel):
    """A sentence of the published (cleaned) text with its character offsets into it."""

    sentence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Actor(BaseModel):
    id: str
    name: str
    type: ActorType
    country: str | None = None
    mentions: int = Field(ge=1)
    surface_forms: list[str] = Field(default_factory=list)
    wikidata: str | None = None
    source: Literal["gazetteer", "pattern", "model"] = "gazetteer"


class TopicTag(BaseModel):
    id: str
    label: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: list[str] = Field(default_factory=list)


class Quantity(BaseModel):
    text: str
    value: float | None = None
    unit: str | None = None


class Claim(BaseModel):
    """Who is said to give what to whom, and who says so."""

    supplier: str | None = None
    recipient: str | None = None
    parties: list[str] = Field(default_factory=list, description="ISO3 codes of both sides, also without direction")
    item: str
    family: Family
    modality: Modality = "assertion"
    claimant: str | None = None
    claimant_name: str | None = None
    quantity: Quantity | None = None
    confidence: float = Field(1.0, ge=0.0, le=1.0,
                              description="how likely the claim is right, calibrated on labelled real reporting")
    evidence: Evidence


class PipelineInfo(BaseModel):
    version: str
    language_model: str
    spacy_model: str | None = None
    gazetteer_version: str
    taxonomy_version: str
    claims_version: str
    rules_version: str | None = None
    stage_seconds: dict[str, float] = Field(default_factory=dict)


class EnrichedArticle(BaseModel):
    schema_version: int = 1
    article_id: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    language: str
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    processed_at: datetime
    text: str
    text_length: int
    actors: list[Actor] = Field(default_factory=list)
    topics: list[TopicTag] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    fingerprint: str = Field(description="64-bit SimHash (hex) of the cleaned text, for near-duplicate detection")
    duplicate_of: str | None = Field(None, description="article_id of an earlier near-copy of this article")
    pipeline: PipelineInfo

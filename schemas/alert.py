"""Alert: the contract on the compacted ``alerts`` topic (latest state per ``alert_id``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.enriched import Claim, Evidence

Severity = Literal["info", "warning", "critical"]


class Corroborations(BaseModel):
    count: int = Field(ge=1, description="articles that carried the claim signature")
    independent_sources: int = Field(ge=1, description="articles that are not near-duplicates of another")
    article_ids: list[str] = Field(default_factory=list)
    claimants: list[str] = Field(default_factory=list)


class AlertChange(BaseModel):
    """What changed the story, for change rules (new-modality, quantity-escalation, new-item)."""

    trigger: Literal["new-modality", "quantity-escalation", "new-item"]
    fact: str = Field(description="the changed fact, part of alert_id: 'confirmation:RUS', 'troops:15000', "
                      "'item:engineers'")
    headline: str = Field(description="the change in words: 'confirmed by Russia', '10,000 → 15,000 troops'")
    before: str = Field(description="the state before, e.g. 'allegation by KOR, USA; denial by RUS'")
    now: str = Field(description="the new state, e.g. 'confirmation by RUS'")


class Alert(BaseModel):
    schema_version: int = 1
    alert_id: str
    rule_id: str
    severity: Severity
    title: str
    summary: str
    novelty: Literal["new", "repeat"]
    signature: str
    claim: Claim
    matched: list[str] = Field(default_factory=list, description="rule conditions that matched")
    article_id: str
    article_url: str | None = Field(None, description="URL of the article that raised or last updated the alert")
    article_title: str | None = Field(None, description="title of that article")
    first_seen: datetime
    last_seen: datetime
    corroborations: Corroborations
    evidence: Evidence
    change: AlertChange | None = Field(None, description="set by change rules only: what changed, and before/now")

"""How far to trust a claim: a calibrated table (``data/confidence.yaml``) over what fixed its direction.

A claim's direction is fixed by explicit evidence (nach/aus/von, a demonym on the item), by word order,
by borrowing the other side of the Russia–North Korea pair from the article, by an exchange clause, or
not at all (undirected). Each basis has a measured precision on labelled real reporting; the trigger
(a verb that moves things, or one that only uses, deploys or supports them) shifts it, and so does a
direction reporting hardly ever has (Russian troops "sent" to North Korea are nearly always a misread
"alongside Russian troops"). Ops choose the
trade-off with ``min_confidence`` per alert rule. A claim only the sentence classifier found has the
classifier's probability as its confidence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from schemas.enriched import Family
from streams.nlp.data_files import DATA_DIR, load_yaml


class ClassifierClaims(BaseModel):
    """How a claim only the sentence classifier found is filled in (it knows the family, not the roles)."""

    min_probability: float = Field(ge=0.0, le=1.0, description="below this a sentence adds no claim")
    direction: dict[Family, str] = Field(description="family -> SUPPLIER>RECIPIENT, the way reporting has it")
    item: dict[Family, str] = Field(description="family -> the generic item of the claim")
    unless_rules_above: float = Field(
        0.5, ge=0.0, le=1.0, description="a family the rules found at this confidence gets no classifier claim")

    @field_validator("direction")
    @classmethod
    def _pairs(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [v for v in value.values() if not re.fullmatch(r"[A-Z]{3}>[A-Z]{3}", v)]
        if bad:
            raise ValueError(f"not SUPPLIER>RECIPIENT ISO3 pairs: {bad}")
        return value


class ConfidenceTable(BaseModel):
    version: str
    basis: dict[str, float] = Field(description="direction basis -> confidence")
    trigger: dict[str, float] = Field(default_factory=dict, description="trigger kind -> added to the basis")
    direction: dict[str, float] = Field(default_factory=dict,
                                        description="SUPPLIER>RECIPIENT:family -> added (how rare reporting has it)")
    theatres: dict[str, str] = Field(
        default_factory=dict, description="war -> the party fighting it: its partners' supplies 'to' the war go to it")
    classifier: ClassifierClaims | None = Field(None, description="claims from the sentence classifier")
    floor: float = Field(0.05, ge=0.0, le=1.0)
    ceiling: float = Field(0.99, ge=0.0, le=1.0)

    def of(self, basis: str, trigger: str, direction: str = "", item: str = "") -> float:
        prior = self.direction.get(f"{direction}/{item}", self.direction.get(direction, 0.0))
        value = self.basis.get(basis, self.basis.get("default", 0.5)) + self.trigger.get(trigger, 0.0) + prior
        return round(min(self.ceiling, max(self.floor, value)), 2)


@lru_cache(maxsize=4)
def load_confidence(path: Path = DATA_DIR / "confidence.yaml") -> ConfidenceTable:
    return load_yaml(path, ConfidenceTable)

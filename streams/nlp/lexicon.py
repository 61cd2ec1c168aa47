"""The claim lexicon (``data/claims/<lang>.yaml``): items, transfer triggers, markers and cues as data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from streams.nlp.data_files import DATA_DIR, load_yaml

TriggerKind = Literal["supply", "supplier_noun", "flow", "receive", "use", "support", "deploy", "deal", "train"]
MarkerKind = Literal["exchange", "target", "to", "from", "agent", "location", "with", "between", "onto", "host"]
CueKind = Literal["denial", "confirmation", "allegation", "suspicion", "concern", "intent", "hypothetical",
                  "conditional", "proposal", "self", "negation", "history", "prohibition", "passive",
                  "pronoun", "relation", "relative"]
AttributionKind = Literal["according", "speech"]
GeoKind = Literal["border", "region"]


class _Entry(BaseModel):
    word: str | None = None
    phrase: str | None = None

    @model_validator(mode="after")
    def _one_pattern(self) -> _Entry:
        if (self.word is None) == (self.phrase is None):
            raise ValueError("give exactly one of 'word' or 'phrase'")
        try:
            re.compile(self.word or self.phrase or "")
        except re.error as exc:
            raise ValueError(f"bad regex: {exc}") from None
        return self


class ItemEntry(_Entry):
    item: str | None = None
    family: Literal["munitions", "technology", "personnel"] | None = None
    programme: bool = False
    skip: bool = False

    @model_validator(mode="after")
    def _item_or_skip(self) -> ItemEntry:
        if not self.skip and (self.item is None or self.family is None):
            raise ValueError("an item entry needs 'item' and 'family' (or 'skip: true')")
        return self


class TriggerEntry(_Entry):
    kind: TriggerKind


class MarkerEntry(_Entry):
    kind: MarkerKind


class CueEntry(_Entry):
    kind: CueKind
    speaker: bool = Field(True, description="false for hedges (könnte, reportedly) that name no speaker")


class AttributionEntry(_Entry):
    kind: AttributionKind


class GeoEntry(_Entry):
    """'an der Grenze zur Ukraine' names no side; 'in der russischen Region Kursk' names where troops are."""

    kind: GeoKind


class QuantityPatterns(BaseModel):
    number: str
    vague: str
    units: str


class ClaimLexicon(BaseModel):
    version: str
    language: str = Field(min_length=2, max_length=2)
    items: list[ItemEntry]
    triggers: list[TriggerEntry]
    markers: list[MarkerEntry]
    cues: list[CueEntry]
    attribution: list[AttributionEntry]
    geography: list[GeoEntry] = Field(default_factory=list)
    quantities: QuantityPatterns
    places: dict[str, list[str]] = Field(default_factory=dict, description="ISO3 -> place names")

    @field_validator("items", "triggers")
    @classmethod
    def _not_empty(cls, value: list) -> list:
        if not value:
            raise ValueError("must not be empty")
        return value


@dataclass(frozen=True, slots=True)
class WordTags:
    item: ItemEntry | None = None
    trigger: TriggerKind | None = None
    marker: MarkerKind | None = None
    cue: CueKind | None = None
    attribution: AttributionKind | None = None
    speaker_cue: bool = False
    geo: GeoKind | None = None

    @property
    def empty(self) -> bool:
        return not (self.item or self.trigger or self.marker or self.cue or self.attribution or self.geo)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    start: int
    end: int
    section: str
    entry: BaseModel


EMPTY = WordTags()
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")
SPEAKER_CUES = {"denial", "confirmation", "allegation", "suspicion", "concern"}
SECTIONS = ("items", "triggers", "markers", "cues", "attribution", "geography")


class CompiledLexicon:
    """Word patterns are matched once per distinct lowercased word (cached); phrases once per sentence."""

    def __init__(self, lexicon: ClaimLexicon):
        self.lexicon = lexicon
        self.version = lexicon.version
        self._words = {s: [(re.compile(e.word), e) for e in getattr(lexicon, s) if e.word] for s in SECTIONS}
        # One alternation per section says whether ANY of its patterns matches the whole word (most words match
        # none), so a new word costs six regex calls instead of one per pattern. Not built where a pattern
        # refers to its own groups (an alternation would renumber them).
        self._any = {s: re.compile("|".join(f"(?:{p.pattern})" for p, _ in entries))
                     for s, entries in self._words.items()
                     if entries and not any(_BACKREF.search(p.pattern) for p, _ in entries)}
        self._phrases = [
            (s, re.compile(rf"(?<!\w)(?:{e.phrase})(?!\w)"), e)
            for s in SECTIONS for e in getattr(lexicon, s) if e.phrase
        ]
        q = lexicon.quantities
        self.quantity_re = re.compile(
            rf"(?<!\w)(?:{q.number}|{q.vague})(?:\s+\w+){{0,3}}?\s*(?:{q.units})?", re.IGNORECASE)
        self.tag = lru_cache(maxsize=20_000)(self._tag)
        self.places = {name.casefold(): code for code, names in lexicon.places.items() for name in names}

    def _first(self, section: str, word: str):  # noqa: ANN202
        any_pattern = self._any.get(section)
        if any_pattern is not None and any_pattern.fullmatch(word) is None:
            return None
        for pattern, entry in self._words[section]:
            if pattern.fullmatch(word):
                return entry
        return None

    def _tag(self, word: str) -> WordTags:
        item = self._first("items", word)
        trigger = self._first("triggers", word)
        marker = self._first("markers", word)
        cue = self._first("cues", word)
        attribution = self._first("attribution", word)
        geo = self._first("geography", word)
        tags = WordTags(
            item=item,
            trigger=trigger.kind if trigger else None,
            marker=marker.kind if marker else None,
            cue=cue.kind if cue else None,
            attribution=attribution.kind if attribution else None,
            speaker_cue=bool(cue and cue.speaker and cue.kind in SPEAKER_CUES),
            geo=geo.kind if geo else None,
        )
        return EMPTY if tags.empty else tags

    def phrases(self, lowered_sentence: str) -> list[PhraseHit]:
        hits = []
        for section, pattern, entry in self._phrases:
            for m in pattern.finditer(lowered_sentence):
                hits.append(PhraseHit(m.start(), m.end(), section, entry))
        return hits


def load_lexicon(lang: str, directory: Path | None = None) -> CompiledLexicon | None:
    path = (directory or DATA_DIR / "claims") / f"{lang}.yaml"
    if not path.exists():
        return None
    return CompiledLexicon(load_yaml(path, ClaimLexicon))

"""The actor gazetteer (``data/actors.yaml``): people, states and organisations with their aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from streams.nlp.data_files import DATA_DIR, DataFileError, load_yaml

LANGS = ("de", "en", "fr")


class ActorEntry(BaseModel):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    type: Literal["person", "country", "organization"]
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    wikidata: str | None = Field(None, pattern=r"^Q\d+$")
    affiliation: str | None = Field(None, description="id of the body a person speaks for (nato, un ...)")
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    demonyms: dict[str, list[str]] = Field(default_factory=dict)
    titles: dict[str, list[str]] = Field(default_factory=dict)
    compound_prefixes: list[str] = Field(default_factory=list)

    @field_validator("aliases", "demonyms", "titles", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [str(a) for a in (v or [])] for k, v in value.items()}
        return value or {}

    @model_validator(mode="after")
    def _country_is_its_own_code(self) -> ActorEntry:
        if self.type == "country" and self.country != self.id:
            raise ValueError(f"a country's id and country must both be its ISO3 code ({self.id} vs {self.country})")
        return self

    def surface_forms(self) -> list[tuple[str, str, str]]:
        """(language, form, kind) for every alias, demonym and title."""
        out = []
        for kind, table in (("alias", self.aliases), ("demonym", self.demonyms), ("title", self.titles)):
            for lang, forms in table.items():
                out.extend((lang, form.strip(), kind) for form in forms if form.strip())
        return out


class Gazetteer(BaseModel):
    version: str
    actors: list[ActorEntry]

    @model_validator(mode="after")
    def _unique(self) -> Gazetteer:
        seen: dict[str, str] = {}
        for actor in self.actors:
            if actor.id in seen:
                raise ValueError(f"duplicate actor id {actor.id!r}")
            seen[actor.id] = actor.id
        return self

    def by_id(self) -> dict[str, ActorEntry]:
        return {a.id: a for a in self.actors}


def case_sensitive(form: str) -> bool:
    """Short forms and acronyms (US, UN, EU, USA) only match as written: 'us' is a pronoun. So do
    forms capitalised after a lower-case article ('the North' is North Korea, 'the north' is not)."""
    letters = [c for c in form if c.isalpha()]
    return len(form) <= 3 or (len(letters) >= 2 and all(c.isupper() for c in letters)) or (
        form[:1].islower() and any(c.isupper() for c in form))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    gazetteer = load_yaml(path or DATA_DIR / "actors.yaml", Gazetteer)
    known = gazetteer.by_id()
    for actor in gazetteer.actors:
        if actor.affiliation and actor.affiliation not in known:
            raise DataFileError(f"actor {actor.id!r}: affiliation {actor.affiliation!r} is not an actor id")
    return gazetteer

"""Actor mentions found in a Doc, and their aggregation into the Actor contract."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from schemas import Actor
from streams.nlp.gazetteer import ActorEntry


@dataclass(frozen=True, slots=True)
class Mention:
    start: int  # character offsets into doc.text
    end: int
    tok_start: int
    tok_end: int
    actor_id: str
    kind: str  # alias | demonym | title | compound | pattern | model
    text: str
    country: str | None  # the state this mention stands for, when any
    actor_type: str


def person_id(name: str) -> str:
    return "person:" + re.sub(r"[^\w]+", "-", name.casefold()).strip("-")


def aggregate(mentions: list[Mention], actors: dict[str, ActorEntry]) -> list[Actor]:
    """One Actor per id, most mentioned first; unknown people keep their name as written."""
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        grouped[m.actor_id].append(m)
    out = []
    for actor_id, group in grouped.items():
        entry = actors.get(actor_id)
        forms = list(dict.fromkeys(m.text for m in group))
        if entry:
            out.append(Actor(id=actor_id, name=entry.name, type=entry.type, country=entry.country,
                             mentions=len(group), surface_forms=forms, wikidata=entry.wikidata,
                             source="gazetteer"))
        else:
            out.append(Actor(id=actor_id, name=max(forms, key=len), type="person", country=None,
                             mentions=len(group), surface_forms=forms,
                             source="model" if group[0].kind == "model" else "pattern"))
    out.sort(key=lambda a: (-a.mentions, a.id))
    return out

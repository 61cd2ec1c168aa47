"""Change rules: what an article changes in a story already seen.

A party's first confirmation, denial or intent (``new-modality``), a figure well above the largest in the
window (``quantity-escalation``), an item never seen under the signature (``new-item``). After the first week
of a story every article is a ``repeat``; these are the moments analysts wait for. Pure functions over
``ClaimMatch``-like inputs and ``NoveltyEntry``: ``detect`` asks the entry as it was before the article,
``remember`` then adds what the article stated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from schemas.enriched import Claim, EnrichedArticle
from streams.alerting.novelty import ChangeRecord, NoveltyEntry, SeenQuantity, as_utc
from streams.nlp.gazetteer import load_gazetteer

ISO3_RE = re.compile(r"^[A-Z]{3}$")
VERBS = {"confirmation": "confirmed", "denial": "denied", "intent": "intent stated", "allegation": "alleged",
         "assertion": "asserted", "suspicion": "suspected", "concern": "concern raised"}


@lru_cache(maxsize=1)
def actor_countries() -> dict[str, str]:
    """Actor id -> ISO3 of the state it belongs to (ministries, agencies, officials), from the gazetteer."""
    return {a.id: a.country for a in load_gazetteer().actors if a.country}


def claimant_countries(article: EnrichedArticle, claims: Sequence[Claim]) -> dict[str, str]:
    """For claimants that are not ISO3 codes (a ministry, an official's body): the state they speak for."""
    mentioned = {a.id: a.country for a in article.actors if a.country}
    known = actor_countries()
    out = {}
    for claim in claims:
        who = claim.claimant
        if who and not ISO3_RE.match(who) and (country := mentioned.get(who) or known.get(who)):
            out[who] = country
    return out


def speaker(claim: Claim, countries: dict[str, str]) -> str | None:
    """Who stated the claim, as a state where we can tell (officials speak for their state)."""
    if not claim.claimant:
        return None
    return claim.claimant if ISO3_RE.match(claim.claimant) else countries.get(claim.claimant, claim.claimant)


def party_speaker(claim: Claim, countries: dict[str, str]) -> str | None:
    """The speaker if it is a party to the claim (supplier, recipient or one of the parties), else None."""
    who = speaker(claim, countries)
    return who if who and who in {claim.supplier, claim.recipient, *claim.parties} else None


def unit_of(claim: Claim) -> str | None:
    """Figures compare within one unit: the quantity's own unit if the extractor set one, else the item
    (troops, artillery-shells ...). Vague figures ("thousands") have no value and are left out."""
    if claim.quantity is None or claim.quantity.value is None or claim.quantity.value <= 0:
        return None
    return claim.quantity.unit or claim.item


def number(value: float) -> str:
    """10000 -> "10,000"; 10000000 -> "10 million"; 2.5 -> "2.5"."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size and (value / size) == round(value / size, 1):
            return f"{value / size:g} {word}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,g}"


def describe_stated(stated: dict[str, list[str]]) -> str:
    """"allegation by KOR, USA; denial by RUS", or "nothing stated in the window"."""
    parts = [f"{modality} by {', '.join(sorted(who))}" for modality, who in stated.items() if who]
    return "; ".join(parts) or "nothing stated in the window"


def largest(entry: NoveltyEntry | None, unit: str, now: datetime, window: timedelta) -> SeenQuantity | None:
    """The largest figure for ``unit`` seen at most ``window`` before ``now`` (event time)."""
    if entry is None:
        return None
    recent = [q for q in entry.quantities.get(unit, []) if as_utc(now) - as_utc(q.seen) <= window]
    return max(recent, key=lambda q: q.value, default=None)


def detect(trigger: str, claims: Sequence[Claim], items: Sequence[str], countries: dict[str, str],
           names: dict[str, str], entry: NoveltyEntry | None, article_id: str, now: datetime,
           window: timedelta, watched: Sequence[str] = (), factor: float = 1.5) -> ChangeRecord | None:
    """The change the article makes to the entry as it stands, or None. ``entry`` None: first sighting."""
    if trigger == "new-modality":
        return _new_modality(claims, countries, names, entry, article_id, watched)
    if trigger == "quantity-escalation":
        return _escalation(claims, entry, article_id, now, window, factor)
    if trigger == "new-item":
        return _new_item(claims, items, entry, article_id)
    return None


def _new_modality(claims: Sequence[Claim], countries: dict[str, str], names: dict[str, str],
                  entry: NoveltyEntry | None, article_id: str, watched: Sequence[str]) -> ChangeRecord | None:
    stated = entry.stated if entry is not None else {}
    fresh: dict[str, list[str]] = {}
    first_index = None
    for index, claim in enumerate(claims):
        party = party_speaker(claim, countries)
        if (claim.modality in watched and party and party not in stated.get(claim.modality, [])
                and party not in fresh.get(claim.modality, [])):
            fresh.setdefault(claim.modality, []).append(party)
            first_index = index if first_index is None else first_index
    if first_index is None:
        return None
    facts = sorted(f"{modality}:{party}" for modality, parties in fresh.items() for party in parties)
    headline = "; ".join(f"{VERBS.get(modality, modality)} by {', '.join(names.get(p, p) for p in sorted(parties))}"
                         for modality, parties in fresh.items())
    return ChangeRecord(article_id=article_id, claim_index=first_index, trigger="new-modality",
                        fact="+".join(facts), headline=headline, before=describe_stated(stated),
                        now=describe_stated(fresh))


def _escalation(claims: Sequence[Claim], entry: NoveltyEntry | None, article_id: str, now: datetime,
                window: timedelta, factor: float) -> ChangeRecord | None:
    best: tuple[float, int, str, float, float] | None = None  # ratio, index, unit, before, value
    for index, claim in enumerate(claims):
        unit = unit_of(claim)
        top = largest(entry, unit, now, window) if unit else None
        if unit is None or top is None:
            continue  # the first figure of a unit is the baseline, not an escalation
        value = float(claim.quantity.value)  # type: ignore[union-attr]  # unit_of checked it
        ratio = value / top.value
        if ratio >= factor and (best is None or ratio > best[0]):
            best = (ratio, index, unit, top.value, value)
    if best is None:
        return None
    _, index, unit, before, value = best
    return ChangeRecord(article_id=article_id, claim_index=index, trigger="quantity-escalation",
                        fact=f"{unit}:{value:g}", headline=f"{number(before)} → {number(value)} {unit}",
                        before=f"{number(before)} {unit}", now=f"{number(value)} {unit}")


def _new_item(claims: Sequence[Claim], items: Sequence[str], entry: NoveltyEntry | None,
              article_id: str) -> ChangeRecord | None:
    if entry is None:
        return None  # the first items of a signature are its baseline: the signature itself is new
    fresh = [item for item in items if item not in entry.items]
    if not fresh:
        return None
    index = next((i for i, c in enumerate(claims) if c.item == fresh[0]), 0)
    return ChangeRecord(article_id=article_id, claim_index=index, trigger="new-item",
                        fact="item:" + "+".join(sorted(fresh)), headline=f"new item: {', '.join(fresh)}",
                        before=", ".join(entry.items) or "no item", now=", ".join(fresh))


def remember(entry: NoveltyEntry, claims: Sequence[Claim], countries: dict[str, str], article_id: str,
             moment: datetime, cap: int = 50) -> None:
    """Add who stated what and the figures of the article to ``entry`` (the caller puts it back)."""
    for claim in claims:
        who = speaker(claim, countries)
        if who:
            said = entry.stated.setdefault(claim.modality, [])
            if who not in said:
                said.append(who)
            entry.stated[claim.modality] = said[-cap:]
        unit = unit_of(claim)
        if unit:
            figures = entry.quantities.pop(unit, [])  # re-inserted last: the most recently used unit
            figures.append(SeenQuantity(value=float(claim.quantity.value),  # type: ignore[union-attr]
                                        seen=as_utc(moment), article_id=article_id))
            entry.quantities[unit] = figures

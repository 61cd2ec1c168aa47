"""Claim signatures, event time and the novelty state behind one small interface.

The state is a ``MutableMapping[str, dict]`` of plain JSON values: a dict in memory
(``newsmon analyze``) or a Faust Table in a worker, whose changelog topic needs
JSON-serialisable values. ``NoveltyEntry`` is only the typed view of one value.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field

from schemas.enriched import Claim, EnrichedArticle

DEFAULT_WINDOW = timedelta(days=30)  # = Settings.novelty_window_days default
UNKNOWN = "?"


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC so that every comparison is between aware ones."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def event_time(article: EnrichedArticle) -> datetime:
    """When the story happened as far as we know: published, else fetched, else processed."""
    return as_utc(article.published_at or article.fetched_at or article.processed_at)


def signature(claim: Claim, level: str = "family") -> str:
    """``SUPPLIER>RECIPIENT:family`` or ``...:family/item``; an unknown side is ``?`` plus the parties.

    Family level makes "PRK→RUS munitions" one signature whatever the finer item, so that
    missiles in one article and shells in the next corroborate instead of both being "new".
    """
    what = claim.family if level == "family" else f"{claim.family}/{claim.item}"
    supplier, recipient = claim.supplier or UNKNOWN, claim.recipient or UNKNOWN
    sig = f"{supplier}>{recipient}:{what}"
    if UNKNOWN in (supplier, recipient):
        sig += "@" + "+".join(sorted(set(claim.parties)))
    return sig


def make_alert_id(rule_id: str, sig: str, fact: str | None = None) -> str:
    """Nothing time-based: a replay, or a signature that is new again after the window, keeps its key.

    Change rules add the changed fact ("confirmation:RUS", "troops:15000"), so each change is its own alert."""
    key = f"{rule_id}|{sig}" if fact is None else f"{rule_id}|{sig}|{fact}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


class SeenQuantity(BaseModel):
    """One stated figure, kept so that "largest in the window" can be asked at any event time."""

    value: float
    seen: datetime
    article_id: str


class ChangeRecord(BaseModel):
    """A change an article announced: enough to publish the very same alert again on redelivery."""

    article_id: str
    claim_index: int = 0
    trigger: str
    fact: str
    headline: str
    before: str
    now: str


class NoveltyEntry(BaseModel):
    """What the state remembers of one (rule, signature) within the novelty window."""

    alert_id: str
    rule_id: str
    signature: str
    first_seen: datetime
    last_seen: datetime
    count: int = 1
    independent: int = 1
    article_ids: list[str] = Field(default_factory=list, description="most recent last, capped")
    fingerprints: list[str] = Field(default_factory=list, description="SimHashes of recent articles, capped")
    claimants: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list, description="finer items seen under this signature")
    alerted: bool = Field(False, description="new-claimant rules: has this episode alerted yet")
    announced_by: str | None = Field(None, description="the article whose alert said 'new' this episode")
    alerted_by: list[str] = Field(default_factory=list,
                                  description="new-claimant rules: recent articles that published an alert, capped")
    stated: dict[str, list[str]] = Field(default_factory=dict,
                                         description="change rules: modality -> who stated it (ISO3 of a party's "
                                         "officials, else the claimant id), capped")
    quantities: dict[str, list[SeenQuantity]] = Field(default_factory=dict,
                                                      description="change rules: unit -> recent figures, capped")
    changes: list[ChangeRecord] = Field(default_factory=list,
                                        description="change rules: the changes recent articles announced, capped")


def _append(values: list[str], new: list[str] | str, cap: int) -> list[str]:
    for value in [new] if isinstance(new, str) else new:
        if value and value not in values:
            values.append(value)
    return values[-cap:]


class NoveltyState:
    """Novelty entries keyed by ``rule_id|signature``; bounded by the window and per-entry caps."""

    def __init__(self, mapping: MutableMapping[str, dict] | None = None, window: timedelta = DEFAULT_WINDOW,
                 max_article_ids: int = 50, max_fingerprints: int = 20, max_claimants: int = 50,
                 max_quantities: int = 20):
        if window <= timedelta(0):
            raise ValueError("novelty window must be positive")
        self.mapping: MutableMapping[str, dict] = {} if mapping is None else mapping
        self.window = window
        self.max_article_ids = max_article_ids
        self.max_fingerprints = max_fingerprints
        self.max_claimants = max_claimants
        self.max_quantities = max_quantities

    def get(self, key: str) -> NoveltyEntry | None:
        raw = self.mapping.get(key)
        return None if raw is None else NoveltyEntry.model_validate(raw)

    def put(self, key: str, entry: NoveltyEntry) -> None:
        # Always assign a fresh dict: a Faust Table only writes its changelog on assignment.
        entry.article_ids = entry.article_ids[-self.max_article_ids:]
        entry.fingerprints = entry.fingerprints[-self.max_fingerprints:]
        entry.claimants = entry.claimants[-self.max_claimants:]
        entry.items = entry.items[-self.max_claimants:]
        entry.alerted_by = entry.alerted_by[-self.max_article_ids:]
        entry.stated = {modality: who[-self.max_claimants:] for modality, who in entry.stated.items()}
        # at most max_quantities units, each with its last max_quantities figures
        units = list(entry.quantities)[-self.max_quantities:]
        entry.quantities = {unit: entry.quantities[unit][-self.max_quantities:] for unit in units}
        entry.changes = entry.changes[-self.max_article_ids:]
        self.mapping[key] = entry.model_dump(mode="json")

    def is_live(self, entry: NoveltyEntry, now: datetime) -> bool:
        """Still inside the window: seen no longer than ``window`` before ``now`` (event time)."""
        return as_utc(now) - as_utc(entry.last_seen) <= self.window

    def expire(self, now: datetime) -> int:
        """Drop entries whose last sighting is older than the window; returns how many."""
        cutoff = as_utc(now) - self.window
        stale = [key for key, raw in list(self.mapping.items())
                 if as_utc(datetime.fromisoformat(raw["last_seen"])) < cutoff]
        for key in stale:
            del self.mapping[key]
        return len(stale)

    def record(self, entry: NoveltyEntry, article_id: str, moment: datetime, fingerprint: str,
               claimants: list[str], items: list[str], independent: bool) -> None:
        """Add one corroborating article to ``entry`` (the caller puts it back)."""
        entry.count += 1
        entry.independent += int(independent)
        entry.first_seen = min(as_utc(entry.first_seen), as_utc(moment))
        entry.last_seen = max(as_utc(entry.last_seen), as_utc(moment))
        entry.article_ids = _append(entry.article_ids, article_id, self.max_article_ids)
        entry.fingerprints = _append(entry.fingerprints, fingerprint, self.max_fingerprints)
        entry.claimants = _append(entry.claimants, claimants, self.max_claimants)
        entry.items = _append(entry.items, items, self.max_claimants)

    def __len__(self) -> int:
        return len(self.mapping)

    def __contains__(self, key: object) -> bool:
        return key in self.mapping

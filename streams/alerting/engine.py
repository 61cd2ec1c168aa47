"""The alert engine in two pure steps, so a worker can repartition between them.

``match(article)`` -> ``ClaimMatch`` per (rule, signature) the article's claims meet; it
needs only the rules. ``apply(match, state)`` -> ``Alert | None``; it needs only the novelty
state of that signature, so partitioning matches by ``ClaimMatch.key`` gives each
signature exactly one owner.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, Field, field_validator

from schemas.alert import Alert, AlertChange, Corroborations, Severity
from schemas.enriched import Claim, EnrichedArticle, Modality
from streams.alerting import changes
from streams.alerting.duplicates import DEFAULT_MAX_DISTANCE
from streams.alerting.novelty import (
    ChangeRecord,
    NoveltyEntry,
    NoveltyState,
    as_utc,
    event_time,
    make_alert_id,
    signature,
)
from streams.alerting.rules import (
    CHANGE_TRIGGERS,
    DEFAULT_FACTOR,
    RuleSet,
    SignatureLevel,
    Trigger,
    conditions_met,
    load_rules,
)
from streams.nlp.fingerprint import hamming
from streams.settings import Settings

QUOTE_CHARS = 120


class ClaimMatch(BaseModel):
    """One rule met by one article for one signature: JSON-serialisable, it can travel through a topic."""

    rule_id: str
    rule_title: str
    severity: Severity
    trigger: Trigger
    rules_version: str
    signature: str
    level: SignatureLevel = Field("family", description="item level of the signature")
    claim: Claim = Field(description="the first claim of the article with this signature")
    items: list[str] = Field(description="finer items of all the article's claims with this signature")
    claimants: list[str] = Field(default_factory=list)
    matched: list[str]
    article_id: str
    event_time: AwareDatetime
    fingerprint: str
    duplicate_of: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    names: dict[str, str] = Field(default_factory=dict, description="ISO3 -> country name, for the summary")
    claims: list[Claim] = Field(default_factory=list,
                                description="every claim of the article with this signature, `claim` first")
    claimant_countries: dict[str, str] = Field(default_factory=dict,
                                               description="non-ISO3 claimant id -> the state it speaks for")
    watched_modalities: list[Modality] = Field(default_factory=list, description="new-modality rules only")
    factor: float = Field(DEFAULT_FACTOR, description="quantity-escalation rules only")

    @field_validator("event_time", mode="before")
    @classmethod
    def _utc(cls, value: object) -> object:
        return as_utc(value) if isinstance(value, datetime) else value

    @property
    def key(self) -> str:
        """State and partition key."""
        return f"{self.rule_id}|{self.signature}"

    @property
    def alert_id(self) -> str:
        return make_alert_id(self.rule_id, self.signature)

    @property
    def all_claims(self) -> list[Claim]:
        return self.claims or [self.claim]  # a match sent before `claims` existed


def match(article: EnrichedArticle, ruleset: RuleSet) -> list[ClaimMatch]:
    """Every (rule, signature) the article's claims meet; claims sharing a signature are merged."""
    names = {a.id: a.name for a in article.actors if a.type == "country"}
    found: dict[str, ClaimMatch] = {}
    for claim in article.claims:
        for rule in ruleset.active:
            matched = conditions_met(rule, claim, article)
            if matched is None:
                continue
            sig = signature(claim, rule.signature)
            claimants = [claim.claimant] if claim.claimant else []
            known = found.get(f"{rule.id}|{sig}")
            if known is not None:
                known.items += [claim.item] if claim.item not in known.items else []
                known.claimants += [c for c in claimants if c not in known.claimants]
                known.claims.append(claim)
                known.claimant_countries.update(changes.claimant_countries(article, [claim]))
                continue
            m = ClaimMatch(
                rule_id=rule.id, rule_title=rule.title, severity=rule.severity, trigger=rule.trigger,
                rules_version=ruleset.version, signature=sig, level=rule.signature, claim=claim, items=[claim.item],
                claimants=claimants, matched=matched, article_id=article.article_id,
                event_time=event_time(article), fingerprint=article.fingerprint,
                duplicate_of=article.duplicate_of, source=article.source, url=article.url, title=article.title,
                names={code: names[code] for code in (claim.supplier, claim.recipient, *claim.parties)
                       if code in names},
                claims=[claim], claimant_countries=changes.claimant_countries(article, [claim]),
                watched_modalities=rule.watched_modalities if rule.trigger == "new-modality" else [],
                factor=rule.escalation_factor,
            )
            found[m.key] = m
    return list(found.values())


def _near_copy(m: ClaimMatch, entry: NoveltyEntry, max_distance: int) -> bool:
    """A near-copy of an article already counted for this alert is not an independent source."""
    if m.duplicate_of and m.duplicate_of in entry.article_ids:
        return True
    try:
        mine = int(m.fingerprint, 16)
        return any(hamming(mine, int(other, 16)) <= max_distance for other in entry.fingerprints)
    except ValueError:
        return False


def apply(m: ClaimMatch, state: NoveltyState, max_distance: int = DEFAULT_MAX_DISTANCE,
          restate: bool = False) -> Alert | None:
    """Update the signature's state; the alert to publish, or None (replay, or nothing to say).

    ``restate``: an article already counted changes nothing, but the alert it published is published again,
    built from the current state. A stream worker passes it: after ``kill -9`` the state's changelog write
    may have reached the broker while the alert sent beside it did not, and the redelivered article is then
    the only chance to publish that alert. A repeat is harmless (same key, compacted topic, same or newer
    state); without it, the alert's last record would miss a corroboration for good."""
    entry = state.get(m.key)
    if entry is not None and not state.is_live(entry, m.event_time):
        entry = None  # unseen for longer than the window: a new episode under the same alert_id
    if entry is not None and m.article_id in entry.article_ids:
        # the same article again (replay, redelivery): change nothing
        return restated(m, entry) if restate else None
    if m.trigger in CHANGE_TRIGGERS:
        return _apply_change(m, entry, state, max_distance)
    if entry is None:
        entry = NoveltyEntry(alert_id=m.alert_id, rule_id=m.rule_id, signature=m.signature,
                             first_seen=m.event_time, last_seen=m.event_time, article_ids=[m.article_id],
                             fingerprints=[m.fingerprint], claimants=list(m.claimants), items=list(m.items))
        if m.trigger != "new-claimant":
            entry.announced_by = m.article_id
        state.put(m.key, entry)
        # The first claimants of a signature are not "new claimants": the signature itself is new.
        return None if m.trigger == "new-claimant" else build_alert(m, entry, "new")
    new_claimants = [c for c in m.claimants if c not in entry.claimants]
    state.record(entry, m.article_id, m.event_time, m.fingerprint, m.claimants, m.items,
                 independent=not _near_copy(m, entry, max_distance))
    if m.trigger == "new-signature":
        state.put(m.key, entry)
        return build_alert(m, entry, "repeat")
    novelty = "repeat" if entry.alerted else "new"  # new-claimant: first time this episode
    if new_claimants:
        entry.alerted = True
        entry.alerted_by.append(m.article_id)
        if novelty == "new":
            entry.announced_by = m.article_id
    state.put(m.key, entry)
    return build_alert(m, entry, novelty, new_claimants) if new_claimants else None


def _new_entry(m: ClaimMatch) -> NoveltyEntry:
    return NoveltyEntry(alert_id=m.alert_id, rule_id=m.rule_id, signature=m.signature, first_seen=m.event_time,
                        last_seen=m.event_time, article_ids=[m.article_id], fingerprints=[m.fingerprint],
                        claimants=list(m.claimants), items=list(m.items))


def _apply_change(m: ClaimMatch, entry: NoveltyEntry | None, state: NoveltyState, max_distance: int) -> Alert | None:
    """Change rules: compare the article with the entry as it was, then remember what it stated.

    Each change is its own alert (alert_id over the changed fact), always ``new``: it is announced once, by
    the article that made it; the entry keeps the announcement so a redelivery restates the same alert."""
    claims = m.all_claims
    change = changes.detect(m.trigger, claims, m.items, m.claimant_countries, m.names, entry, m.article_id,
                            m.event_time, state.window, m.watched_modalities, m.factor)
    if entry is None:
        entry = _new_entry(m)
    else:
        state.record(entry, m.article_id, m.event_time, m.fingerprint, m.claimants, m.items,
                     independent=not _near_copy(m, entry, max_distance))
    changes.remember(entry, claims, m.claimant_countries, m.article_id, m.event_time, state.max_claimants)
    if change is not None and any(c.fact == change.fact for c in entry.changes):
        change = None  # announced earlier this episode (a claimant or item capped out of the entry since)
    if change is not None:
        entry.changes.append(change)
    state.put(m.key, entry)
    return None if change is None else _change_alert(m, entry, change)


def _change_alert(m: ClaimMatch, entry: NoveltyEntry, change: ChangeRecord) -> Alert:
    claims = m.all_claims
    claim = claims[change.claim_index] if change.claim_index < len(claims) else m.claim
    alert = build_alert(m.model_copy(update={"claim": claim}), entry, "new", change=change)
    alert.alert_id = make_alert_id(m.rule_id, m.signature, change.fact)
    alert.change = AlertChange(trigger=change.trigger, fact=change.fact, headline=change.headline,  # type: ignore[arg-type]
                               before=change.before, now=change.now)
    return alert


def restated(m: ClaimMatch, entry: NoveltyEntry) -> Alert | None:
    """The alert ``m``'s article published when it was counted, with the current state; None if it published
    none. "new" only for the article that announced the episode, so a repeat never announces anything twice."""
    if m.trigger in CHANGE_TRIGGERS:
        change = next((c for c in entry.changes if c.article_id == m.article_id), None)
        return None if change is None else _change_alert(m, entry, change)
    novelty = "new" if entry.announced_by == m.article_id else "repeat"
    if m.trigger == "new-signature":
        if entry.announced_by is None and entry.article_ids[:1] == [m.article_id] and entry.count == 1:
            novelty = "new"  # an entry written before announced_by existed
        return build_alert(m, entry, novelty)
    if m.article_id not in entry.alerted_by:
        return None
    return build_alert(m, entry, novelty, [c for c in m.claimants if c in entry.claimants])


def build_alert(m: ClaimMatch, entry: NoveltyEntry, novelty: str, new_claimants: list[str] | None = None,
                change: ChangeRecord | None = None) -> Alert:
    return Alert(
        alert_id=entry.alert_id, rule_id=m.rule_id, severity=m.severity, title=m.rule_title,
        summary=summarize(m, entry, new_claimants, change), novelty=novelty, signature=m.signature, claim=m.claim,
        matched=m.matched, article_id=m.article_id, article_url=m.url, article_title=m.title,
        first_seen=entry.first_seen, last_seen=entry.last_seen,
        corroborations=Corroborations(count=entry.count, independent_sources=entry.independent,
                                      article_ids=entry.article_ids, claimants=entry.claimants),
        evidence=m.claim.evidence,
    )


def summarize(m: ClaimMatch, entry: NoveltyEntry, new_claimants: list[str] | None = None,
              change: ChangeRecord | None = None) -> str:
    """One line: "North Korea → Russia: munitions [missiles, ammunition] (allegation, claimant USA) — '…'".

    A change reads as one: "confirmed by Russia: North Korea → Russia: … — before: allegation by KOR; now:
    confirmation by RUS — '…'"."""
    claim = m.claim

    def name(code: str | None) -> str:
        return m.names.get(code, code) if code else "?"

    sides = f"{name(claim.supplier)} → {name(claim.recipient)}"
    if not (claim.supplier and claim.recipient):
        sides += f" (direction unknown, parties {', '.join(name(p) for p in claim.parties)})"
    what = f"{claim.family} [{', '.join(entry.items)}]" if m.level == "family" else f"{claim.family}/{claim.item}"
    who = claim.claimant if claim.claimant and claim.claimant.isupper() else claim.claimant_name or claim.claimant
    quote = claim.evidence.sentence.strip()
    quote = quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1].rstrip() + "…"
    head = f"{sides}: {what} ({claim.modality}, claimant {who or 'unattributed'})"
    if change is not None:
        return f"{change.headline}: {head} — before: {change.before}; now: {change.now} — '{quote}'"
    line = f"{head} — '{quote}'"
    if new_claimants:
        line = f"new claimant {', '.join(new_claimants)} for " + line
    return line


class AlertEngine:
    """Rules + novelty state; ``process`` is match + apply for the in-memory path and the tests."""

    def __init__(self, rules: RuleSet | None = None, state: NoveltyState | None = None,
                 max_distance: int = DEFAULT_MAX_DISTANCE, expire_every: int = 256):
        self.rules = rules if rules is not None else load_rules()
        self.state = state if state is not None else NoveltyState()
        self.max_distance = max_distance
        self.expire_every = expire_every
        self._processed = 0
        self._watermark: datetime | None = None

    @classmethod
    def from_settings(cls, settings: Settings, mapping: MutableMapping[str, dict] | None = None,
                      rules: RuleSet | None = None) -> AlertEngine:
        """The worker passes its Faust Table as ``mapping``."""
        return cls(rules, NoveltyState(mapping, window=timedelta(days=settings.novelty_window_days)))

    @property
    def rules_version(self) -> str:
        return self.rules.version

    def match(self, article: EnrichedArticle) -> list[ClaimMatch]:
        return match(article, self.rules)

    def apply(self, m: ClaimMatch, restate: bool = False) -> Alert | None:
        return apply(m, self.state, self.max_distance, restate)

    def process(self, article: EnrichedArticle) -> list[Alert]:
        """At most one alert per alert_id: ``match`` already merged claims sharing a signature."""
        alerts = [alert for m in self.match(article) if (alert := self.apply(m)) is not None]
        moment = event_time(article)
        self._watermark = moment if self._watermark is None else max(self._watermark, moment)
        self._processed += 1
        if self._processed % self.expire_every == 0:
            self.state.expire(self._watermark)
        return alerts

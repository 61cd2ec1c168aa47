"""Alert rules: the versioned data file ``data/rules.yaml``, validated when it is loaded.

A rule is a set of conditions on one claim (and on the article carrying it); an empty
condition list means "any". Unknown fields are errors, so a misspelt condition cannot
silently widen a rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from schemas.alert import Severity
from schemas.enriched import Claim, EnrichedArticle, Family, Modality
from streams.nlp.data_files import DATA_DIR, DataFileError, load_yaml

RULES_PATH = DATA_DIR / "rules.yaml"

ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
SignatureLevel = Literal["family", "item"]
Trigger = Literal["new-signature", "new-claimant", "new-modality", "quantity-escalation", "new-item"]
CHANGE_TRIGGERS: frozenset[str] = frozenset({"new-modality", "quantity-escalation", "new-item"})
DEFAULT_CHANGE_MODALITIES: tuple[Modality, ...] = ("confirmation", "denial", "intent")
DEFAULT_FACTOR = 1.5


class Rule(BaseModel):
    """One alert rule. Conditions are ANDed; the values inside one condition are ORed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    title: str = Field(min_length=1)
    severity: Severity
    description: str = ""
    enabled: bool = True
    trigger: Trigger = Field("new-signature", description="new-signature: first sighting of a claim signature; "
                             "new-claimant: a further claimant for a signature already seen; "
                             "new-modality: first confirmation/denial/intent by a party to the claim; "
                             "quantity-escalation: a figure at least `factor` times the largest in the window; "
                             "new-item: an item never seen under a family-level signature")
    signature: SignatureLevel = Field("family", description="item level of the claim signature")
    supplier: list[ISO3] = Field(default_factory=list)
    recipient: list[ISO3] = Field(default_factory=list)
    either_direction: bool = Field(False, description="also match swapped sides and claims of unknown direction")
    parties: list[ISO3] = Field(default_factory=list, description="every one of these must be a party of the claim")
    families: list[Family] = Field(default_factory=list)
    items: list[Slug] = Field(default_factory=list)
    modalities: list[Modality] = Field(default_factory=list)
    min_confidence: float = Field(0.0, ge=0.0, le=1.0, description="claims below this confidence do not match")
    topics: list[Slug] = Field(default_factory=list, description="article carries at least one of these topics")
    actors: list[str] = Field(default_factory=list, description="article mentions at least one of these actors")
    change_modalities: list[Modality] | None = Field(
        None, description="new-modality only: modalities whose first statement by a party alerts "
        "(default confirmation, denial, intent)")
    factor: float | None = Field(None, gt=1.0, description="quantity-escalation only: how many times the largest "
                                 "figure seen in the window a new figure must be (default 1.5)")

    @model_validator(mode="after")
    def _direction_needs_sides(self) -> Rule:
        if self.either_direction and not (self.supplier or self.recipient):
            raise ValueError(f"rule {self.id!r}: either_direction needs a supplier or recipient list")
        return self

    @model_validator(mode="after")
    def _settings_fit_trigger(self) -> Rule:
        # A setting for another trigger would be silently ignored: say so instead.
        if self.change_modalities is not None and self.trigger != "new-modality":
            raise ValueError(f"rule {self.id!r}: change_modalities needs trigger new-modality")
        if self.change_modalities is not None and not self.change_modalities:
            raise ValueError(f"rule {self.id!r}: change_modalities must not be empty")
        if self.factor is not None and self.trigger != "quantity-escalation":
            raise ValueError(f"rule {self.id!r}: factor needs trigger quantity-escalation")
        if self.trigger == "new-item" and self.signature != "family":
            raise ValueError(f"rule {self.id!r}: trigger new-item needs signature family "
                             "(an item-level signature never sees a second item)")
        return self

    @property
    def watched_modalities(self) -> list[Modality]:
        return list(self.change_modalities or DEFAULT_CHANGE_MODALITIES)

    @property
    def escalation_factor(self) -> float:
        return self.factor or DEFAULT_FACTOR


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        # YAML reads `version: 2026.11` as a float; the version is a label.
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[Rule]) -> list[Rule]:
        seen: dict[str, int] = {}
        for index, rule in enumerate(rules):
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r} (entries {seen[rule.id]} and {index})")
            seen[rule.id] = index
        return rules

    @property
    def active(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.enabled]


def load_rules(path: Path | None = None, check_references: bool = True) -> RuleSet:
    """Load and validate; topic, item and actor ids are checked against the other data files."""
    path = path or RULES_PATH
    ruleset = load_yaml(path, RuleSet)
    if check_references:
        problems = unknown_references(ruleset, known_ids())
        if problems:
            raise DataFileError(f"{path}: " + "; ".join(problems))
    return ruleset


def unknown_references(ruleset: RuleSet, known: dict[str, set[str]]) -> list[str]:
    """Name each rule field that refers to an id no data file defines (a typo would never match)."""
    problems = []
    for index, rule in enumerate(ruleset.rules):
        for field, kind in (("topics", "topic"), ("items", "item"), ("actors", "actor")):
            vocabulary = known.get(field)
            if not vocabulary:
                continue
            for value in getattr(rule, field):
                if value not in vocabulary:
                    problems.append(f"rules.{index} (id {rule.id!r}) field {field}: unknown {kind} {value!r}")
    return problems


def known_ids(data_dir: Path = DATA_DIR) -> dict[str, set[str]]:
    """Ids defined by the taxonomy, claim lexicons and gazetteer; a file that cannot be read is skipped."""

    def entries(path: Path, section: str, key: str) -> set[str]:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            return {str(e[key]) for e in raw.get(section) or [] if isinstance(e, dict) and key in e}
        except (OSError, yaml.YAMLError, AttributeError):
            return set()

    items: set[str] = set()
    for lexicon in sorted((data_dir / "claims").glob("*.yaml")):
        items |= entries(lexicon, "items", "item")
    return {
        "topics": entries(data_dir / "topics.yaml", "topics", "id"),
        "items": items,
        "actors": entries(data_dir / "actors.yaml", "actors", "id"),
    }


def _listing(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _direction(rule: Rule, claim: Claim) -> list[str] | None:
    """Explain how the claim's sides meet the supplier/recipient lists, or None when they do not."""
    if not (rule.supplier or rule.recipient):
        return []

    def fits(supplier: str | None, recipient: str | None) -> bool:
        return ((not rule.supplier or supplier in rule.supplier)
                and (not rule.recipient or recipient in rule.recipient))

    def explain(supplier: str | None, recipient: str | None, note: str = "") -> list[str]:
        out = []
        if rule.supplier:
            out.append(f"supplier {supplier} in {_listing(rule.supplier)}{note}")
        if rule.recipient:
            out.append(f"recipient {recipient} in {_listing(rule.recipient)}{note}")
        return out

    supplier, recipient = claim.supplier, claim.recipient
    if fits(supplier, recipient):
        return explain(supplier, recipient)
    if not rule.either_direction:
        return None
    if supplier and recipient:
        return explain(recipient, supplier, " (sides swapped: either direction)") if fits(recipient, supplier) else None
    # Direction (partly) unknown: any assignment of the parties to the open sides will do.
    for a in [supplier] if supplier else claim.parties:
        for b in [recipient] if recipient else claim.parties:
            if a != b and (fits(a, b) or fits(b, a)):
                return [f"direction unknown: parties {a}, {b} fit "
                        f"{_listing(rule.supplier) if rule.supplier else 'any'} ↔ "
                        f"{_listing(rule.recipient) if rule.recipient else 'any'}"]
    return None


def conditions_met(rule: Rule, claim: Claim, article: EnrichedArticle) -> list[str] | None:
    """The human-readable conditions the claim meets, or None when one fails."""
    if claim.confidence < rule.min_confidence:
        return None
    matched = _direction(rule, claim)
    if matched is None:
        return None
    if rule.parties:
        if not set(rule.parties) <= set(claim.parties):
            return None
        matched.append(f"parties include {_listing(rule.parties)}")
    for label, allowed, value in (("family", rule.families, claim.family), ("item", rule.items, claim.item),
                                  ("modality", rule.modalities, claim.modality)):
        if allowed:
            if value not in allowed:
                return None
            matched.append(f"{label} {value} in {_listing(allowed)}")
    for label, wanted, present in (("topic", rule.topics, [t.id for t in article.topics]),
                                   ("actor", rule.actors, [a.id for a in article.actors])):
        if wanted:
            hits = [value for value in present if value in wanted]
            if not hits:
                return None
            matched.append(f"{label} {', '.join(hits)} in {_listing(wanted)}")
    if rule.min_confidence:
        matched.append(f"confidence {claim.confidence:.2f} >= {rule.min_confidence:.2f}")
    return matched

"""Alerting: rules over extracted claims, novelty per claim signature, near-duplicate stories.

Rules (``streams/data/rules.yaml``, versioned, validated at load): each rule has an
``id``, ``title``, ``severity`` (info|warning|critical) and conditions on a claim —
``supplier``/``recipient`` ISO3 lists with ``either_direction``, ``parties``,
``families``, ``items``, ``modalities`` — and on its article — ``topics``, ``actors``.
Empty means "any"; conditions are ANDed, values within one are ORed. A bad file raises
``DataFileError`` naming the rule id and field. To add a rule, append an entry, bump
``version`` and run the tests (``tests/test_streams/test_alerting``).

Signature: ``(rule, supplier, recipient, family or family/item)`` — the item level is set
per rule (``signature: family|item``). ``ru-kp-transfer`` uses ``family``: "PRK→RUS
munitions" is one signature whether an article says missiles or shells; the finer items
seen are listed in the alert summary. A side that is unknown is ``?`` and the parties are
appended (``?>?:munitions@PRK+RUS``), so direction-unknown claims have their own signature.

Novelty: the first sighting of a signature within the window (event time = published_at,
else fetched_at, else processed_at; ``Settings.novelty_window_days``) is ``new``; later
articles update the same alert as ``repeat`` (count, independent sources, article ids,
claimants, last_seen). ``alert_id`` = sha256(rule_id|signature)[:20] holds nothing
time-based, so the compacted ``alerts`` topic keeps one key per signature; after the
window lapses the same id comes back as ``new`` with ``first_seen`` and counts reset.
The same article_id again changes nothing and yields no alert.

Change rules (``trigger: new-modality | quantity-escalation | new-item``, ``changes.py``): a party's
first confirmation/denial/intent, a figure ``factor`` times the largest of its unit in the window, an item
new to the signature; each change is its own alert (alert_id over rule, signature and the changed fact)
with ``Alert.change`` holding the state before it.

Duplicates: ``DuplicateIndex`` (LSH bands over the 64-bit SimHash, time-windowed,
bounded) gives ``duplicate_of``; within an alert an article whose fingerprint is within
Hamming distance 6 of one already counted (or whose ``duplicate_of`` is) counts toward
``count`` but not ``independent_sources``.

State: ``NoveltyState`` over any ``MutableMapping[str, dict]`` of JSON values — a dict in
memory, a Faust Table in a worker. ``match`` (rules only) and ``apply`` (state only) are
separate so a worker can repartition ``ClaimMatch`` messages by ``ClaimMatch.key``.
Details: ``streams/alerting/README.md``.
"""

from streams.alerting.duplicates import DuplicateIndex, mark_duplicate
from streams.alerting.engine import AlertEngine, ClaimMatch, apply, match
from streams.alerting.novelty import NoveltyEntry, NoveltyState, event_time, make_alert_id, signature
from streams.alerting.rules import Rule, RuleSet, load_rules

__all__ = [
    "AlertEngine", "ClaimMatch", "DuplicateIndex", "NoveltyEntry", "NoveltyState", "Rule", "RuleSet",
    "apply", "event_time", "load_rules", "make_alert_id", "mark_duplicate", "match", "signature",
]

"""An Alert as Alertmanager sees it: the body of ``POST /api/v2/alerts`` (pure, no I/O).

Alertmanager identifies an alert by its label set, so the labels are exactly what ``alert_id`` is made of
(rule, signature and, for a change rule, the changed fact) plus what follows from those (sides, family,
severity), and nothing that changes with the next article: a repeat of a claim then refreshes the same
Alertmanager alert (annotations, ``endsAt``) instead of opening a second one and paging again, and two
alert ids never share one Alertmanager alert (Alertmanager would merge them: two changes of one signature,
a new item and then another, were one alert before the ``change`` label). Label values come from closed sets
(rules, ISO3 codes, families, the rules' signatures and change facts), so routing and silences can match them;
the free text (evidence, title, URL) goes into annotations.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schemas import Alert

SOURCE = "newsmon"
UNKNOWN_SIDE = "unknown"
MAX_ANNOTATION_CHARS = 2000
# Identity of an Alertmanager alert; `novelty` is "new" for a claim signature, "change" for a change rule
# (confirmation, escalation, new item): both stay fixed for one alert_id, unlike the Alert's new/repeat.
LABELS = ("alertname", "severity", "rule_id", "signature", "supplier", "recipient", "family", "novelty", "source")
# Change rules only: the changed fact that is part of their alert_id ("confirmation:RUS", "troops:15000",
# "item:engineers").
CHANGE_LABEL = "change"


def alertname(rule_id: str) -> str:
    """``ru-kp-transfer`` -> ``NewsRuKpTransfer``: CamelCase like Prometheus alert names, one per rule."""
    return "News" + "".join(part[:1].upper() + part[1:] for part in rule_id.replace("_", "-").split("-") if part)


def labels(alert: Alert) -> dict[str, str]:
    claim = alert.claim
    return {
        "alertname": alertname(alert.rule_id),
        "severity": alert.severity,
        "rule_id": alert.rule_id,
        "signature": alert.signature,
        "supplier": claim.supplier or UNKNOWN_SIDE,
        "recipient": claim.recipient or UNKNOWN_SIDE,
        "family": claim.family,
        "novelty": "change" if alert.change is not None else "new",
        "source": SOURCE,
        **({CHANGE_LABEL: alert.change.fact} if alert.change is not None else {}),
    }


def _text(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_ANNOTATION_CHARS else text[: MAX_ANNOTATION_CHARS - 1] + "…"


def annotations(alert: Alert) -> dict[str, str]:
    claim, corroborations = alert.claim, alert.corroborations
    values: dict[str, object | None] = {
        "summary": alert.summary,
        "title": alert.title,
        "evidence": alert.evidence.sentence,
        "claimant": claim.claimant_name or claim.claimant,
        "modality": claim.modality,
        "item": claim.item,
        "quantity": claim.quantity.text if claim.quantity else None,
        "article_url": alert.article_url,
        "article_title": alert.article_title,
        "article_id": alert.article_id,
        "status": alert.novelty,  # new or repeat: the state of the last update
        "corroborations": corroborations.count,
        "independent_sources": corroborations.independent_sources,
        "claimants": ", ".join(corroborations.claimants) or None,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
        "change": alert.change.headline if alert.change else None,
        "change_before": alert.change.before if alert.change else None,
        "alert_id": alert.alert_id,
    }
    return {name: _text(value) for name, value in values.items() if value not in (None, "")}


def _timestamp(moment: datetime) -> str:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def postable_alert(alert: Alert, now: datetime, active_for: timedelta) -> dict[str, Any]:
    """One element of the ``POST /api/v2/alerts`` body.

    ``startsAt`` is when the claim was first seen (event time); ``endsAt`` is ``active_for`` after this update
    (processing time, ``now``): an alert stays active while the story goes on and resolves by itself when no
    article repeats it. Event time would resolve a replay of old articles at once."""
    body: dict[str, Any] = {
        "labels": labels(alert),
        "annotations": annotations(alert),
        "startsAt": _timestamp(min(alert.first_seen, now)),
        "endsAt": _timestamp(now + active_for),
    }
    if alert.article_url and alert.article_url.startswith(("http://", "https://")):
        body["generatorURL"] = alert.article_url
    return body

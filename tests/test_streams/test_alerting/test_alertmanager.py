"""The Alertmanager view of an Alert: labels that identify it, annotations that carry the evidence, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streams.alerting.alertmanager import LABELS, alertname, annotations, labels, postable_alert
from streams.alerting.engine import AlertEngine
from streams.alerting.novelty import NoveltyState
from streams.alerting.rules import load_rules

from .factories import T0, article, claim

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _alerts(*articles):  # noqa: ANN002, ANN202
    engine = AlertEngine(load_rules(), NoveltyState())
    return [alert for a in articles for alert in engine.process(a)]


def _transfer(alerts, novelty: str):  # noqa: ANN001, ANN202
    return next(a for a in alerts if a.rule_id == "ru-kp-transfer" and a.novelty == novelty)


def _first_and_repeat():  # noqa: ANN202
    first = article("a1", [claim()], published_at=T0).model_copy(
        update={"url": "https://example.org/a1", "title": "Waffen aus Pjöngjang"})
    second = article("a2", [claim(item="artillery-shells", claimant="KOR",
                                  sentence="Seoul sagt, Nordkorea liefere Granaten an Russland.")],
                     published_at=T0 + DAY)
    alerts = _alerts(first, second)
    return _transfer(alerts, "new"), _transfer(alerts, "repeat")


def test_alertname_is_the_rule_id_in_camel_case():
    assert alertname("ru-kp-transfer") == "NewsRuKpTransfer"
    assert alertname("new-claimant") == "NewsNewClaimant"


def test_labels_are_the_listed_bounded_ones():
    new, _ = _first_and_repeat()
    assert tuple(labels(new)) == LABELS
    assert labels(new) == {
        "alertname": "NewsRuKpTransfer", "severity": "critical", "rule_id": "ru-kp-transfer",
        "signature": "PRK>RUS:munitions", "supplier": "PRK", "recipient": "RUS", "family": "munitions",
        "novelty": "new", "source": "newsmon",
    }


def test_a_repeat_keeps_the_label_set_so_alertmanager_updates_the_same_alert():
    new, repeat = _first_and_repeat()
    assert new.alert_id == repeat.alert_id
    assert labels(new) == labels(repeat)
    assert annotations(new)["corroborations"] == "1"
    assert annotations(repeat)["corroborations"] == "2"
    assert annotations(repeat)["status"] == "repeat"


def test_annotations_carry_the_evidence_and_the_article():
    new, _ = _first_and_repeat()
    notes = annotations(new)
    assert notes["evidence"] == "Washington beschuldigte Nordkorea, Waffen zu liefern."
    assert notes["claimant"] == "United States"
    assert notes["modality"] == "allegation"
    assert notes["article_url"] == "https://example.org/a1"
    assert notes["article_title"] == "Waffen aus Pjöngjang"
    assert notes["alert_id"] == new.alert_id
    assert notes["independent_sources"] == "1"
    assert notes["summary"] == new.summary
    assert all(isinstance(v, str) and v for v in notes.values())


def test_unknown_direction_is_a_bounded_label_value():
    between = claim(supplier=None, recipient=None, parties=["PRK", "RUS"],
                    sentence="Waffengeschäfte zwischen Russland und Nordkorea.")
    alert = next(a for a in _alerts(article("u1", [between])) if a.rule_id == "ru-kp-transfer")
    assert labels(alert)["supplier"] == labels(alert)["recipient"] == "unknown"
    assert labels(alert)["signature"] == alert.signature


def test_change_alerts_are_labelled_as_changes_with_their_fact():
    denial = claim(modality="denial", claimant="RUS", sentence="Der Kreml bestritt, Waffen erhalten zu haben.")
    alerts = _alerts(article("c1", [claim()]), article("c2", [denial], published_at=T0 + DAY))
    change = next(a for a in alerts if a.change is not None)
    assert labels(change)["novelty"] == "change"
    assert labels(change)["change"] == change.change.fact == "denial:RUS"
    assert annotations(change)["change"] == change.change.headline
    assert "change" not in labels(next(a for a in alerts if a.change is None))


def test_two_changes_of_one_signature_are_two_alertmanager_alerts():
    """Alertmanager merges alerts with equal labels: each alert id needs a label set of its own."""
    shells = claim(item="artillery-shells", sentence="Nordkorea liefert Granaten an Russland.")
    missiles = claim(item="missiles", sentence="Nordkorea liefert Raketen an Russland.")
    alerts = _alerts(article("i1", [claim()]), article("i2", [shells], published_at=T0 + DAY),
                     article("i3", [missiles], published_at=T0 + 2 * DAY))
    new_items = {a.alert_id: a for a in alerts if a.rule_id == "ru-kp-new-item"}
    assert len(new_items) == 2
    assert len({tuple(sorted(labels(a).items())) for a in new_items.values()}) == 2
    identities = {a.alert_id: tuple(sorted(labels(a).items())) for a in alerts}
    assert len(set(identities.values())) == len(identities)  # one label set per alert id, and back


def test_starts_at_first_seen_and_ends_active_for_after_this_update():
    new, repeat = _first_and_repeat()
    body = postable_alert(repeat, NOW, timedelta(hours=24))
    assert body["startsAt"] == "2024-06-18T12:00:00Z"  # the first article's event time
    assert body["endsAt"] == "2026-12-03T06:00:00Z"
    later = postable_alert(repeat, NOW + timedelta(hours=5), timedelta(hours=24))
    assert later["endsAt"] == "2026-12-03T11:00:00Z"  # a later update keeps it active longer
    assert postable_alert(new, NOW, DAY)["generatorURL"] == "https://example.org/a1"
    assert "generatorURL" not in body  # the repeat's article has no URL


def test_an_event_time_in_the_future_does_not_start_the_alert_later_than_now():
    new, _ = _first_and_repeat()
    ahead = new.model_copy(update={"first_seen": NOW + DAY, "last_seen": NOW + DAY})
    assert postable_alert(ahead, NOW, DAY)["startsAt"] == "2026-12-02T06:00:00Z"


def test_long_evidence_is_cut_for_alertmanager():
    new, _ = _first_and_repeat()
    long = new.model_copy(update={"evidence": new.evidence.model_copy(update={"sentence": "x" * 5000})})
    assert len(annotations(long)["evidence"]) == 2000

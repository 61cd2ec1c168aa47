"""The soak's verdict from what was read back: losses told apart by where they happened, alerts, lag."""

from datetime import timedelta

from streams.soak.verify import Output, Verdict, check_alerts, check_ids, check_lag, percentile


def ids(**overrides):  # noqa: ANN003, ANN201
    args = dict(produced={"a": (0, 0), "b": (0, 1), "c": (1, 0), "p": (1, 1)}, poison={"p": "not_json"},
                raw_held={(0, 0): b"a", (0, 1): b"b", (1, 0): b"c", (1, 1): b"p"},
                enriched=[Output("a", 0, 0), Output("b", 0, 1), Output("c", 1, 0), Output("a", 0, 2)],
                dead=[Output("p", 1, 0, "not_json")], acked_outputs=set(), served_outputs=set(),
                committed={0: 2, 1: 2})
    args.update(overrides)
    verdict = Verdict()
    check_ids(**args, verdict=verdict)
    return verdict


def test_everything_answered_counts_duplicates_and_passes():
    v = ids()
    assert (v.articles, v.poison, v.enriched, v.dead_lettered, v.duplicates) == (3, 1, 3, 1, 1)
    assert not v.lost and v.ok


def test_a_missing_article_is_a_worker_loss_with_its_partition_and_offset():
    v = ids(enriched=[Output("a", 0, 0), Output("c", 1, 0)])
    assert [(x.key, x.partition, x.offset, x.where, x.committed_past) for x in v.lost] == [("b", 0, 1, "worker", True)]
    assert not v.ok and v.worker_lost and not v.broker_lost


def test_a_raw_record_the_broker_no_longer_holds_is_a_broker_loss():
    v = ids(enriched=[Output("a", 0, 0), Output("c", 1, 0)], raw_held={(0, 0): b"a", (1, 0): b"c", (1, 1): b"p"})
    assert [x.where for x in v.lost] == ["broker_input"]


def test_output_acked_or_served_then_gone_is_a_broker_loss():
    for kwargs in ({"acked_outputs": {"b"}}, {"served_outputs": {"b"}}):
        v = ids(enriched=[Output("a", 0, 0), Output("c", 1, 0)], **kwargs)
        assert [x.where for x in v.lost] == ["broker_output"], kwargs


def test_poison_missing_is_lost_and_a_wrong_reason_is_reported():
    assert [x.key for x in ids(dead=[]).lost] == ["p"]
    v = ids(dead=[Output("p", 1, 0, "invalid_schema")])
    assert v.poison_wrong_reason == {"p": "invalid_schema"} and not v.ok


def alert(alert_id, novelty, article, held, first="2026-12-01T10:00:00+00:00"):  # noqa: ANN001, ANN201
    return {"alert_id": alert_id, "novelty": novelty, "article_id": article, "first_seen": first,
            "corroborations": {"count": len(held), "article_ids": held}}


def test_alerts_new_twice_within_a_window_and_missing_corroborations():
    window = timedelta(days=30)
    good = [alert("x", "new", "1", ["1"]), alert("x", "repeat", "2", ["1", "2"])]
    v = Verdict()
    check_alerts(good, {"x": {"1", "2"}}, window, v)
    assert not v.new_twice and not v.alerts_missing

    v = Verdict()
    check_alerts([*good, alert("x", "new", "3", ["3"])], {"x": {"1", "2", "3", "4"}}, window, v)
    assert v.new_twice == {"x": 2} and v.alerts_missing == {"x": ["4"]}

    v = Verdict()  # a new episode after the window is allowed
    check_alerts([*good, alert("x", "new", "3", ["3"], first="2027-03-01T10:00:00+00:00")], {}, window, v)
    assert not v.new_twice


def test_lag_from_highwater_and_commits():
    v = Verdict()
    check_lag({("raw", 0): 10, ("raw", 1): 5}, {("raw", 0): 10, ("raw", 1): 7, ("raw", 2): 3}, v)
    assert v.lag == {"raw[1]": 2, "raw[2]": 3}


def test_percentile():
    assert percentile([], 0.5) is None
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0 and percentile([1.0, 9.0], 1.0) == 9.0


def test_the_same_announcement_published_again_is_not_new_twice():
    window = timedelta(days=30)
    v = Verdict()  # a redelivered article restates its "new" alert: one announcement
    records = [alert("x", "new", "1", ["1"]), alert("x", "new", "1", ["1", "2"]), alert("x", "repeat", "2", ["1", "2"])]
    check_alerts(records, {"x": {"1", "2"}}, window, v)
    assert not v.new_twice and not v.alerts_missing


def test_a_valid_article_on_the_dlq_fails_the_verdict_with_its_reason():
    v = ids(dead=[Output("p", 1, 0, "not_json"), Output("b", 0, 1, "processing_error", "BrokenProcessPool")],
            enriched=[Output("a", 0, 0), Output("c", 1, 0)])
    assert v.valid_dead_lettered == {"b": "processing_error: BrokenProcessPool"} and not v.ok

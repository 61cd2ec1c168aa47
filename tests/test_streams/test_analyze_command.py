"""``newsmon analyze``: JSON per article with its alerts; a bad input is reported and the rest go on."""

import subprocess
import sys

import orjson

from schemas import Alert, EnrichedArticle
from tests.conftest import ROOT


def run_analyze(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli", "analyze", *args], capture_output=True, cwd=ROOT,
                          timeout=300)


def test_analyze_prints_article_and_alerts_per_input_and_survives_bad_inputs(tmp_path, seeds_dir):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no text"}\n{"text": "Pjöngjang hat Moskau Granaten geliefert, sagte Kiew."}\n')
    order = [next(seeds_dir.glob(f"{n}_*.txt")) for n in ("003", "004", "002", "000", "001")]
    result = run_analyze(*map(str, order), str(bad), str(tmp_path / "missing.txt"))
    assert result.returncode == 1  # something failed, and said so
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 6
    articles = [EnrichedArticle.model_validate(line["article"]) for line in lines]
    alerts = [[Alert.model_validate(a) for a in line["alerts"]] for line in lines]
    assert alerts[0] == [] and articles[0].claims == []  # 003
    new = {(a.signature, i) for i, batch in enumerate(alerts) for a in batch
           if a.rule_id == "ru-kp-transfer" and a.novelty == "new"}
    assert new == {("PRK>RUS:munitions", 1), ("RUS>PRK:technology", 2), ("PRK>RUS:personnel", 4)}
    assert any(a.rule_id == "ru-kp-transfer" and a.novelty == "repeat" for a in alerts[3])
    stderr = result.stderr.decode()
    assert "bad.jsonl:1" in stderr and "missing.txt" in stderr


def test_analyzing_the_same_input_twice_mints_no_new_alert(seeds_dir):
    result = run_analyze(str(seeds_dir), str(seeds_dir))
    assert result.returncode == 0, result.stderr.decode()
    lines = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 10
    assert all(line["alerts"] == [] for line in lines[5:])


def test_table_format_is_readable(seeds_dir):
    result = run_analyze("--format", "table", str(next(seeds_dir.glob("004_*.txt"))))
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "claim:     PRK → RUS munitions/weapons (suspicion, by United States)" in out
    assert "ALERT CRITICAL new    ru-kp-transfer" in out


def test_table_shows_what_changed():
    result = run_analyze("--format", "table", str(ROOT / "tests/test_streams/test_alerting/timeline.jsonl"))
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert "ALERT CRITICAL new    ru-kp-confirmation: confirmed by Russia: North Korea → Russia" in out
    assert ("change:  confirmed by Russia (before: allegation by KOR, USA; denial by RUS; "
            "now: confirmation by RUS)") in out
    assert "change:  10,000 → 15,000 troops (before: 10,000 troops; now: 15,000 troops)" in out
    assert "change:  new item: engineers (before: troops; now: engineers)" in out

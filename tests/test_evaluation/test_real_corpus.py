"""Real reporting ships as labels and hashes: packing checks labels, hydrating checks texts against hashes."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from tests.real_corpus import REAL, Labels, load_hydrated, load_labels, normalized, pack, sha256
from tests.real_corpus import hydrate as hydrate_texts

TEXT = "Russland hat Granaten aus Nordkorea erhalten, sagte Kirby.\nMehr dazu."  # written for this test
WORK = {"url": "https://news.example/a", "query": "q", "lang": "de", "published": "2024-10", "batch": "r9",
        "transfer": True, "countries": ["PRK", "RUS"], "persons": ["John Kirby"], "note": "test",
        "claims": [{"supplier": "PRK", "recipient": "RUS", "family": "munitions", "item": "artillery-shells",
                    "modality": "allegation", "claimant": "USA",
                    "sentence": "Russland hat Granaten aus Nordkorea erhalten, sagte Kirby."}]}


def _work(tmp_path: Path, labels: dict = WORK, text: str = TEXT) -> Path:
    folder = tmp_path / "lab"
    folder.mkdir(exist_ok=True)
    (folder / "001.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "001.json").write_text(json.dumps(labels), encoding="utf-8")
    return folder


def test_pack_keeps_hashes_and_offsets_but_never_the_text(tmp_path: Path):
    out, fetched = tmp_path / "labels" / "lab.jsonl", tmp_path / "fetched.jsonl"
    assert pack(_work(tmp_path), out, fetched) == 0
    line = out.read_text(encoding="utf-8")
    assert "Granaten" not in line
    [excerpt] = load_labels(out.parent)
    assert excerpt.sha256 == sha256(TEXT) and excerpt.chars == len(TEXT)
    assert excerpt.labels.claims[0].span == (0, TEXT.index("\n"))
    assert orjson.loads(fetched.read_bytes()) == {"url": WORK["url"], "text": TEXT}


def test_pack_rejects_a_sentence_that_is_not_in_the_text(tmp_path: Path):
    bad = json.loads(json.dumps(WORK))
    bad["claims"][0]["sentence"] = "Ein Satz, den es nicht gibt."
    assert pack(_work(tmp_path, bad), tmp_path / "l" / "x.jsonl", tmp_path / "f.jsonl") == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"transfer": False}, "transfer must be true"),
    ({"countries": ["RUS"]}, "PRK is a party"),
    ({"lang": "es"}, "lang"),
])
def test_labels_are_checked(change: dict, message: str):
    fields = {k: WORK[k] for k in ("transfer", "countries")} | {"claims": [
        {k: v for k, v in WORK["claims"][0].items() if k != "sentence"}]}
    with pytest.raises(ValueError, match=message):
        if "lang" in change:
            from tests.real_corpus import WorkLabels
            WorkLabels.model_validate(WORK | change)
        else:
            Labels.model_validate(fields | change)


def test_hydrate_accepts_copies_that_differ_only_in_invisible_spaces(tmp_path: Path):
    labels_dir, out_dir = tmp_path / "labels", tmp_path / "hydrated"
    pack(_work(tmp_path), labels_dir / "lab.jsonl", tmp_path / "fetched.jsonl")
    copy = TEXT.replace(" ", "\u00a0", 2) + "  "
    assert normalized(copy) == normalized(TEXT) and sha256(copy) != sha256(TEXT)
    (tmp_path / "copies.jsonl").write_bytes(orjson.dumps({"url": WORK["url"], "text": copy}) + b"\n"
                                            + orjson.dumps({"url": WORK["url"], "text": "anderer Text"}) + b"\n")
    hydrate_texts([tmp_path / "copies.jsonl"], out_dir, labels_dir)
    [(excerpt, text)] = load_hydrated(out_dir / "real.jsonl")
    assert text == copy and excerpt.labels.transfer


def test_hydrate_reports_a_text_whose_hash_does_not_match(tmp_path: Path, capsys):
    labels_dir, out_dir = tmp_path / "labels", tmp_path / "hydrated"
    pack(_work(tmp_path), labels_dir / "lab.jsonl", tmp_path / "fetched.jsonl")
    (tmp_path / "copies.jsonl").write_bytes(orjson.dumps({"url": WORK["url"], "text": TEXT + " Neu."}) + b"\n")
    hydrate_texts([tmp_path / "copies.jsonl"], out_dir, labels_dir)
    assert "missing real-de-lab-001" in capsys.readouterr().out
    assert load_hydrated(out_dir / "real.jsonl") == []


def test_shipped_real_corpus_is_labels_only_and_valid():
    excerpts = load_labels(REAL)
    assert len(excerpts) >= 300
    assert len({e.sha256_norm for e in excerpts}) == len(excerpts)
    for path in REAL.glob("*.jsonl"):
        for line in path.read_bytes().splitlines():
            assert "text" not in orjson.loads(line)

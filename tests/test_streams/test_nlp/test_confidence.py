"""Claim confidence: a calibrated table over what fixed a claim's direction, validated at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.nlp.confidence import ConfidenceTable, load_confidence
from streams.nlp.data_files import DataFileError, load_yaml


def test_shipped_table_orders_explicit_evidence_above_borrowed_sides():
    table = load_confidence()
    assert table.of("explicit", "supply") > table.of("explicit_borrowed", "supply") > table.of("borrowed", "supply")


def test_item_level_direction_prior_wins_over_the_family_one():
    table = ConfidenceTable(version="t", basis={"explicit": 0.9},
                            direction={"RUS>PRK:personnel": -0.1, "RUS>PRK:personnel/troops": -0.5})
    assert table.of("explicit", "supply", "RUS>PRK:personnel", "troops") == 0.4
    assert table.of("explicit", "supply", "RUS>PRK:personnel", "engineers") == 0.8


def test_confidence_stays_within_floor_and_ceiling():
    table = ConfidenceTable(version="t", basis={"explicit": 0.95}, trigger={"supply": 0.5, "use": -2.0})
    assert table.of("explicit", "supply") == table.ceiling
    assert table.of("explicit", "use") == table.floor


def test_bad_table_names_the_field(tmp_path: Path):
    path = tmp_path / "confidence.yaml"
    path.write_text('version: "x"\nbasis: {explicit: high}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="basis.explicit"):
        load_yaml(path, ConfidenceTable)


def test_every_claim_carries_a_confidence(analyzer):
    claims = analyzer.nlp_for("en")("North Korea shipped artillery shells to Russia, Seoul said.")._.claims
    assert claims and all(0.0 < c.confidence <= 1.0 for c in claims)

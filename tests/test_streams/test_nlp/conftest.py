"""Shared, expensive NLP objects: one Analyzer (pipelines built lazily per language) and a tiny spaCy model."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from streams.nlp.analyzer import Analyzer

# A name no gazetteer lists and no title/first-name pattern catches: only a statistical model finds it.
MODEL_ONLY_NAME = "Xandru Pelleq"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk spaCy pipeline standing in for a statistical NER model (no download needed)."""
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PER", "pattern": MODEL_ONLY_NAME},
        {"label": "PER", "pattern": "Wladimir Putin"},
        {"label": "LOC", "pattern": "Qorvath"},
    ])
    path = tmp_path_factory.mktemp("spacy-model") / "tiny_de"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="session")
def model_analyzer(tiny_model_path: Path) -> Analyzer:
    return Analyzer(spacy_model=str(tiny_model_path))

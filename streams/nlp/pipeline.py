"""Build, save and load the per-language spaCy pipelines (one ``nlp`` object per language, built once)."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

import streams.nlp.components.actors  # noqa: F401  (registers the factories)
import streams.nlp.components.claims  # noqa: F401
import streams.nlp.components.lemmatizer  # noqa: F401
import streams.nlp.components.sentences  # noqa: F401
import streams.nlp.components.topics  # noqa: F401
import streams.nlp.components.transfer  # noqa: F401

LEMMATIZED = ("de", "en", "fr")  # spacy-lookups-data has lookup tables for these
TRANSFER_CLASSIFIED = ("de", "en", "fr")  # the languages the sentence classifier was trained on


def build_nlp(lang: str, spacy_model: str | None = None, cache_dir: str | Path | None = None) -> Language:
    """blank(lang) + sentences + lookup lemmas + actors + topics + transfer classifier + claims ('xx' if unknown).

    ``cache_dir``: where the lemmatizer keeps its compacted table between builds (None: compact at every build)."""
    nlp = spacy.blank(lang if lang in LEMMATIZED else "xx")
    nlp.add_pipe("newsmon_sentences")
    if nlp.lang in LEMMATIZED:
        nlp.add_pipe("newsmon_lemmatizer", config={"mode": "lookup",
                                                   "table_cache": str(cache_dir) if cache_dir else None})
    nlp.add_pipe("newsmon_actors", config={"model": spacy_model})
    nlp.add_pipe("newsmon_topics")
    if nlp.lang in TRANSFER_CLASSIFIED:
        nlp.add_pipe("newsmon_transfer")
    nlp.add_pipe("newsmon_claims")
    nlp.initialize()
    return nlp


def save_nlp(nlp: Language, path: str | Path) -> Path:
    path = Path(path)
    nlp.to_disk(path)
    return path


def load_nlp(path: str | Path) -> Language:
    return spacy.load(path)

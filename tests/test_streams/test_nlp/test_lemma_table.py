"""The compact lemma table answers as spaCy's table did, survives save/load, and is small."""

from __future__ import annotations

from spacy.lookups import load_lookups
from spacy.strings import get_string_id

from streams.nlp.lemma_table import CompactLemmaTable
from streams.nlp.pipeline import build_nlp, load_nlp, save_nlp


def test_every_word_of_the_german_table_gets_the_same_lemma() -> None:
    table = load_lookups("de", ["lemma_lookup"]).get_table("lemma_lookup")
    compact = CompactLemmaTable.from_items(table.items())
    words = ["Granaten", "lieferte", "Soldaten", "Raketen", "Nordkoreas", "geliefert", "Truppen"]
    assert len(compact) == len(table)
    for word in words:
        assert compact.get(word, word) == table.get(word, word)
    key_to_lemma = dict(table.items())
    for key in list(key_to_lemma)[::997]:  # a spread over the whole table, by hash
        at = int(compact.keys.searchsorted(key))
        lemma = int(compact.lemma_ids[at])
        assert compact.blob[compact.offsets[lemma]:compact.offsets[lemma + 1]].decode() == key_to_lemma[key]


def test_an_unknown_word_is_its_own_lemma() -> None:
    compact = CompactLemmaTable.from_items([(get_string_id("Raketen"), "Rakete")])
    assert compact.get("Raketen", "Raketen") == "Rakete"
    assert compact.get("Zzyzx", "Zzyzx") == "Zzyzx"
    assert compact.get("zzzzzzzz" * 8, "x") == "x"  # a hash beyond the last key


def test_the_table_round_trips_through_bytes() -> None:
    compact = CompactLemmaTable.from_items([(get_string_id(w), w.lower()) for w in ("Aber", "Nord", "Süd")])
    again = CompactLemmaTable.from_bytes(compact.to_bytes())
    assert [again.get(w, "-") for w in ("Aber", "Nord", "Süd", "Ost")] == ["aber", "nord", "süd", "-"]


def test_the_german_table_takes_a_tenth_of_the_dict_it_replaces() -> None:
    table = load_lookups("de", ["lemma_lookup"]).get_table("lemma_lookup")
    compact = CompactLemmaTable.from_items(table.items())
    assert compact.nbytes < 8 * 2**20  # the dict of Python strings took about 60 MB


def test_a_saved_pipeline_lemmatizes_as_the_built_one(tmp_path) -> None:
    built = build_nlp("fr")
    loaded = load_nlp(save_nlp(built, tmp_path / "fr"))
    text = "Les soldats nord-coréens ont livré des obus et des missiles à la Russie."
    assert [t.lemma_ for t in loaded(text)] == [t.lemma_ for t in built(text)]
    assert any(t.lemma_ != t.text for t in built(text))
    assert len(loaded.get_pipe("newsmon_lemmatizer").lookups.get_table("lemma_lookup")) == 0  # the dict is gone

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


FRENCH = "Les soldats nord-coréens ont livré des obus et des missiles à la Russie."


def test_a_cached_table_is_built_once_and_then_loaded_without_spacy_lookups(tmp_path, monkeypatch) -> None:
    first = build_nlp("fr", cache_dir=tmp_path)
    [cached] = tmp_path.glob("lemmas-fr-*.npz")

    def no_lookups(*args: object, **kwargs: object) -> None:
        raise AssertionError("spacy-lookups-data was loaded although the table is cached")

    monkeypatch.setattr("spacy.pipeline.lemmatizer.load_lookups", no_lookups)
    second = build_nlp("fr", cache_dir=tmp_path)
    assert [t.lemma_ for t in second(FRENCH)] == [t.lemma_ for t in first(FRENCH)]
    assert any(t.lemma_ != t.text for t in second(FRENCH))
    assert list(tmp_path.glob("lemmas-fr-*.npz")) == [cached]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_damaged_cache_is_rebuilt_and_rewritten(tmp_path, caplog) -> None:
    build_nlp("fr", cache_dir=tmp_path)
    [cached] = tmp_path.glob("lemmas-fr-*.npz")
    cached.write_bytes(b"not a table")
    nlp = build_nlp("fr", cache_dir=tmp_path)
    assert "unreadable" in caplog.text
    assert [t.lemma_ for t in nlp(FRENCH)] == [t.lemma_ for t in build_nlp("fr")(FRENCH)]
    assert CompactLemmaTable.from_bytes(cached.read_bytes()).get("livré", "-") == "livrer"


def test_an_unwritable_cache_only_costs_the_rebuild(tmp_path, caplog) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory should be")
    nlp = build_nlp("fr", cache_dir=blocked / "newsmon")
    assert "not written" in caplog.text
    assert any(t.lemma_ != t.text for t in nlp(FRENCH))


def test_french_lemmas_are_spacys_own() -> None:
    """spacy-lookups-data stores every French lemma as a one-element list; spaCy takes the element."""
    import spacy

    spacys = spacy.blank("fr")
    spacys.add_pipe("lemmatizer", config={"mode": "lookup"})
    spacys.initialize()
    ours = build_nlp("fr")
    assert [t.lemma_ for t in ours(FRENCH)] == [t.lemma_ for t in spacys(FRENCH)]
    assert "livrer" in [t.lemma_ for t in ours(FRENCH)]

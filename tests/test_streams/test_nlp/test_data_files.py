"""The versioned data files load, validate and cover what the extractor promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.nlp.cleaning import load_rules
from streams.nlp.data_files import DATA_DIR, DataFileError
from streams.nlp.gazetteer import case_sensitive, load_gazetteer
from streams.nlp.lexicon import load_lexicon
from streams.nlp.taxonomy import TopicScorer, load_taxonomy

LANGS = ("de", "en", "fr")


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.mark.parametrize("code", ["RUS", "PRK", "USA", "KOR", "UKR", "CHN", "IRN", "JPN", "DEU"])
def test_gazetteer_has_the_contract_countries_in_every_language(gazetteer, code):
    entry = gazetteer.by_id()[code]
    assert (entry.type, entry.country) == ("country", code)
    for lang in LANGS:
        assert entry.aliases.get(lang), f"{code} has no {lang} aliases"


def test_every_surface_form_names_one_actor_per_language(gazetteer):
    for lang in LANGS:
        owner: dict[str, str] = {}
        for actor in gazetteer.actors:
            for form_lang, form, _ in actor.surface_forms():
                if form_lang != lang:
                    continue
                key = form if case_sensitive(form) else form.casefold()
                assert owner.setdefault(key, actor.id) == actor.id, f"{lang} {form!r}: {owner[key]} and {actor.id}"


def test_persons_point_to_known_countries(gazetteer):
    countries = {a.id for a in gazetteer.actors if a.type == "country"}
    for actor in gazetteer.actors:
        if actor.type == "person" and actor.country:
            assert actor.country in countries, actor.id


def test_bare_korea_is_deliberately_absent(gazetteer):
    forms = {form.casefold() for a in gazetteer.actors for _, form, _ in a.surface_forms()}
    assert not {"korea", "korean", "koreanisch", "coréen", "koreanische halbinsel"} & forms


def test_invalid_gazetteer_names_the_entry_and_field(tmp_path: Path):
    bad = tmp_path / "actors.yaml"
    bad.write_text("version: '1'\nactors:\n  - {id: XYZ, name: Nowhere, type: country, country: ABC}\n",
                   encoding="utf-8")
    with pytest.raises(DataFileError, match="XYZ"):
        load_gazetteer(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_claim_lexicon_loads_for_each_language(lang):
    lexicon = load_lexicon(lang)
    assert lexicon is not None and lexicon.version


def test_claim_lexicons_cover_the_three_families():
    import yaml

    for lang in LANGS:
        raw = yaml.safe_load((DATA_DIR / "claims" / f"{lang}.yaml").read_text(encoding="utf-8"))
        families = {e.get("family") for e in raw["items"] if not e.get("skip")}
        assert families == {"munitions", "technology", "personnel"}, lang
        assert raw["language"] == lang


def test_taxonomy_has_the_contract_topics_in_every_language():
    taxonomy = load_taxonomy()
    ids = {t.id for t in taxonomy.topics}
    assert {"arms-transfer", "nuclear-programme", "missile-programme", "troop-deployment", "sanctions",
            "diplomacy-summit", "alliance-partnership", "war-in-ukraine"} <= ids
    for topic in taxonomy.topics:
        for lang in LANGS:
            assert topic.terms.get(lang), f"{topic.id} has no {lang} terms"


@pytest.mark.parametrize("lang", LANGS)
def test_every_single_word_topic_term_matches_its_own_word(lang):
    taxonomy = load_taxonomy()
    scorer = TopicScorer(taxonomy, lang)
    missing = []
    for n, topic in enumerate(taxonomy.topics):
        for term in topic.terms.get(lang, []):
            if " " in term:
                continue
            word = term.rstrip("*").lower()
            if n not in scorer.word_topics(word):
                missing.append(f"{topic.id}:{term}")
    assert missing == []


def test_boilerplate_rules_compile_and_are_versioned():
    rules = load_rules()
    assert rules.version
    assert rules.cut_re.fullmatch("Leave a Reply")
    assert rules.drop_re.fullmatch("WERBUNG")

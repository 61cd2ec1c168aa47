"""build_nlp / save_nlp / load_nlp and the Analyzer around them."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.nlp.cleaning import clean
from streams.nlp.pipeline import build_nlp, load_nlp, save_nlp
from streams.sources.files import read_articles

from .helpers import find_claim

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def seed(prefix: str):
    [item] = list(read_articles([next(SEEDS.glob(f"{prefix}_*.txt"))]))
    return item.article


@pytest.fixture(scope="module")
def reloaded_de(analyzer, tmp_path_factory):
    path = save_nlp(analyzer.nlp_for("de"), tmp_path_factory.mktemp("nlp") / "de")
    return load_nlp(path)


def test_build_nlp_has_the_newsmon_components_in_order(analyzer):
    assert analyzer.nlp_for("de").pipe_names == [
        "newsmon_sentences", "newsmon_lemmatizer", "newsmon_actors", "newsmon_topics", "newsmon_transfer",
            "newsmon_claims"]


def test_unknown_language_uses_the_multilingual_blank_pipeline():
    nlp = build_nlp("es")
    assert nlp.lang == "xx"
    assert nlp("Rusia y Corea del Norte firmaron un acuerdo.")._.claims == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_saved_and_loaded_pipeline_gives_the_same_actors_and_claims(analyzer, reloaded_de, prefix):
    raw = seed(prefix)
    text = clean(raw.text, raw.title).text
    built, loaded = analyzer.nlp_for("de")(text), reloaded_de(text)
    assert built._.claims, "the seed carries claims"
    assert loaded._.claims == built._.claims
    assert [(m.actor_id, m.start, m.end) for m in loaded._.actor_mentions] == [
        (m.actor_id, m.start, m.end) for m in built._.actor_mentions]
    assert loaded._.topics == built._.topics


def test_loaded_pipeline_keeps_data_versions(analyzer, reloaded_de):
    built = analyzer.nlp_for("de")
    gazetteer = reloaded_de.get_pipe("newsmon_actors").gazetteer
    assert gazetteer.version == built.get_pipe("newsmon_actors").gazetteer.version
    assert reloaded_de.get_pipe("newsmon_claims").version == built.get_pipe("newsmon_claims").version


def test_analyzer_reuses_one_pipeline_per_language(analyzer):
    assert analyzer.nlp_for("de") is analyzer.nlp_for("de")


def test_enriched_article_records_pipeline_versions_and_stage_timings(analyzer):
    article = analyzer.analyze(seed("002"))
    info = article.pipeline
    assert info.gazetteer_version and info.taxonomy_version and info.claims_version
    assert {"clean", "language", "actors", "topics", "claims"} <= set(info.stage_seconds)
    assert article.language == "de"
    assert article.text_length == len(article.text)


def test_same_article_gives_the_same_id_and_fingerprint(analyzer):
    a, b = analyzer.analyze(seed("000")), analyzer.analyze(seed("000"))
    assert (a.article_id, a.fingerprint) == (b.article_id, b.fingerprint)


# -- the seeds, as DESIGN.md reads them (dev set) ------------------------------------------------------------

def test_seed_003_partnership_story_has_no_russia_north_korea_claim(analyzer):
    claims = analyzer.analyze(seed("003")).claims
    assert [c for c in claims if {c.supplier, c.recipient} == {"RUS", "PRK"}] == []


def test_seed_004_us_suspects_moscow_procures_weapons(analyzer):
    c = find_claim(analyzer.analyze(seed("004")).claims, "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("suspicion", "USA")


def test_seed_002_accusation_with_container_quantity_and_nato_concern(analyzer):
    claims = analyzer.analyze(seed("002")).claims
    munitions = [c for c in claims if (c.supplier, c.recipient, c.family) == ("PRK", "RUS", "munitions")]
    assert any(c.quantity and c.quantity.value == 11000 and c.claimant == "USA" for c in munitions)
    tech = find_claim(claims, "RUS", "PRK", "technology")
    assert tech.modality == "concern"


def test_seed_001_exchange_gives_technology_and_personnel(analyzer):
    claims = analyzer.analyze(seed("001")).claims
    find_claim(claims, "RUS", "PRK", "technology")
    find_claim(claims, "PRK", "RUS", "personnel")

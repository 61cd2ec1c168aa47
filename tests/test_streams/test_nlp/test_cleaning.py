"""Boilerplate removal keeps every article sentence; offsets point into the published (cleaned) text."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.nlp.cleaning import clean
from streams.sources.files import read_articles

SEEDS = Path(__file__).resolve().parents[3] / "seeds"

TITLE = "Moskau und Pjöngjang rücken enger zusammen"
BODY = [
    "Der russische Präsident reiste am Dienstag zu einem zweitägigen Staatsbesuch nach Pjöngjang, "
    "wo ihn Kim Jong Un am Flughafen empfing.",
    "Beide Seiten unterzeichneten ein Abkommen über eine umfassende strategische Partnerschaft, "
    "das auch Sicherheitsfragen berührt.",
    "Beobachter in Seoul und Washington verfolgten den Besuch mit großer Sorge "
    "und kündigten Beratungen mit ihren Verbündeten an.",
    "Nach Angaben aus Seoul hat Nordkorea in diesem Jahr erneut Granaten an Russland geliefert.",
]
SCRAPED_DE = "\n".join([
    TITLE,
    f"{TITLE} (Archivbild)",
    "WERBUNG",
    "Werbung schließen",
    BODY[0],
    "Lesen Sie auch: Wie Sanktionen die Wirtschaft Nordkoreas treffen",
    BODY[1],
    "Weiterlesen",
    BODY[2],
    "Mehr in Politik",
    "Anzeige",
    BODY[3],
    "PREV Wie der Winter die Front verändert",
    "NEXT Neue Sanktionen gegen Teheran beschlossen",
    "Kommentare",
    "Leave a Reply",
    "Ein Leser schrieb: Das ist alles nur Propaganda und sollte nicht so ernst genommen werden, "
    "wie es hier steht.",
    "",
])

EN_BODY = [
    "North Korea has shipped another large consignment of artillery shells to Russia, "
    "officials in Seoul said on Monday.",
    "The shipment left the port of Rajin last week and crossed into Russia by rail, according to the officials.",
]
SCRAPED_EN = "\n".join([
    "North Korea ships more shells to Russia",
    "Advertisement",
    EN_BODY[0],
    "Read more: How sanctions shape Pyongyang's economy",
    EN_BODY[1],
    "Share",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Great article, thanks for writing it and keeping us informed about all of this, really.",
    "",
])


@pytest.fixture(scope="module")
def cleaned_de():
    return clean(SCRAPED_DE, TITLE)


def test_keeps_every_body_sentence_of_the_article(cleaned_de):
    for sentence in BODY:
        assert sentence in cleaned_de.text


@pytest.mark.parametrize("boilerplate", ["WERBUNG", "Werbung schließen", "Anzeige"])
def test_drops_advertising_lines(cleaned_de, boilerplate):
    lines = cleaned_de.text.split("\n\n")
    assert boilerplate not in lines


@pytest.mark.parametrize("fragment", ["Lesen Sie auch", "Weiterlesen", "Mehr in Politik"])
def test_drops_read_more_teasers(cleaned_de, fragment):
    assert fragment not in cleaned_de.text


def test_drops_prev_next_navigation(cleaned_de):
    assert "PREV" not in cleaned_de.text
    assert "NEXT" not in cleaned_de.text
    assert "Teheran" not in cleaned_de.text


def test_comment_section_ends_the_article(cleaned_de):
    assert "Kommentare" not in cleaned_de.text
    assert "Leave a Reply" not in cleaned_de.text
    assert "Propaganda" not in cleaned_de.text
    assert cleaned_de.text.endswith(BODY[-1])


def test_image_caption_repeating_the_title_is_dropped_and_title_kept_once(cleaned_de):
    assert cleaned_de.text.startswith(TITLE)
    assert cleaned_de.text.count("Pjöngjang rücken enger zusammen") == 1
    assert "Archivbild" not in cleaned_de.text


def test_counts_removed_lines(cleaned_de):
    assert cleaned_de.removed_lines >= 10


def test_raw_offset_maps_a_kept_sentence_back_to_the_scraped_text(cleaned_de):
    sentence = BODY[2]
    start = cleaned_de.text.index(sentence)
    raw_start = cleaned_de.raw_offset(start)
    assert SCRAPED_DE[raw_start:raw_start + len(sentence)] == sentence


def test_english_boilerplate_is_removed_and_body_kept():
    cleaned = clean(SCRAPED_EN, "North Korea ships more shells to Russia")
    for sentence in EN_BODY:
        assert sentence in cleaned.text
    for junk in ("Advertisement", "Read more", "Share", "Leave a Reply", "email address", "Great article"):
        assert junk not in cleaned.text


def test_keeps_body_sentence_that_starts_with_mehr():
    """'Mehr als …' opens many German sentences; only 'Mehr in <Rubrik>' / 'Mehr zum Thema' are teasers."""
    sentence = ("Mehr als zwanzig Minister begleiteten die Delegation aus Moskau auf ihrer zweitägigen "
                "Reise nach Pjöngjang.")
    raw = "\n".join([TITLE, BODY[0], sentence, BODY[1], BODY[2]])
    assert sentence in clean(raw, TITLE).text


def test_keeps_body_sentence_that_starts_with_next():
    """A line that begins 'Next week, …' is article text, not a NEXT navigation link."""
    sentence = ("Next week, the foreign ministers of Japan and South Korea are due to meet in Tokyo "
                "to discuss the transfers.")
    raw = "\n".join(["North Korea ships more shells to Russia", EN_BODY[0], sentence, EN_BODY[1]])
    assert sentence in clean(raw, "North Korea ships more shells to Russia").text


def test_keeps_body_sentence_that_starts_with_related():
    sentence = "Related talks between the two governments are expected to continue in Moscow later this month."
    raw = "\n".join(["North Korea ships more shells to Russia", EN_BODY[0], sentence, EN_BODY[1]])
    assert sentence in clean(raw, "North Korea ships more shells to Russia").text


def test_evidence_offsets_point_into_published_text_of_a_scraped_article(analyzer):
    from schemas import RawArticle

    article = analyzer.analyze(RawArticle(text=SCRAPED_DE, title=TITLE))
    assert article.claims, "the last body sentence reports a delivery"
    for c in article.claims:
        assert article.text[c.evidence.start:c.evidence.end] == c.evidence.sentence
        assert "WERBUNG" not in c.evidence.sentence


def _seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("path", _seed_files(), ids=lambda p: p.name[:3])
def test_seed_evidence_offsets_point_into_published_text(analyzer, path):
    [item] = list(read_articles([path]))
    article = analyzer.analyze(item.article)
    assert article.text_length == len(article.text)
    for c in article.claims:
        assert article.text[c.evidence.start:c.evidence.end] == c.evidence.sentence


@pytest.mark.parametrize("path", _seed_files(), ids=lambda p: p.name[:3])
def test_seed_boilerplate_is_gone_from_published_text(analyzer, path):
    [item] = list(read_articles([path]))
    text = analyzer.analyze(item.article).text
    lines = text.split("\n\n")
    for junk in ("WERBUNG", "Leave a Reply", "Weiterlesen", "Mehr in Politik"):
        assert junk not in lines
    assert "Lesen Sie auch" not in text
    assert not any(line.startswith(("PREV ", "NEXT ")) for line in lines)

"""Actors: gazetteer aliases, inflections, capitals/metonyms, demonyms, compounds, persons, unknown names."""

from __future__ import annotations

import pytest

from .helpers import actor_by_form, analyze

FILLER_DE = " Eine ausführliche Stellungnahme wurde noch am selben Abend veröffentlicht."
FILLER_EN = " A detailed statement was published later that evening."
FILLER_FR = " Une déclaration détaillée a été publiée le soir même."


def ids(article) -> set[str]:
    return {a.id for a in article.actors}


def test_inflected_genitive_forms_resolve_to_their_country(analyzer):
    text = ("Die Annäherung Russlands und Nordkoreas beunruhigt die Nachbarn in der Region. "
            "Experten erwarten, dass die Zusammenarbeit weiter wächst.")
    article = analyze(analyzer, text, "de")
    assert actor_by_form(article, "Russlands").id == "RUS"
    assert actor_by_form(article, "Nordkoreas").id == "PRK"


def test_country_actor_has_canonical_english_name_and_own_iso3(analyzer):
    text = "Nordkorea hat am Morgen eine Erklärung veröffentlicht." + FILLER_DE
    actor = actor_by_form(analyze(analyzer, text, "de"), "Nordkorea")
    assert (actor.id, actor.name, actor.type, actor.country, actor.source) == (
        "PRK", "North Korea", "country", "PRK", "gazetteer")


@pytest.mark.parametrize(("form", "code"), [
    ("Moskau", "RUS"), ("der Kreml", "RUS"), ("Pjöngjang", "PRK"), ("Pyongyang", "PRK"),
    ("Washington", "USA"), ("das Pentagon", "USA"), ("das Weiße Haus", "USA"), ("Kiew", "UKR"),
    ("Kyjiw", "UKR"), ("Seoul", "KOR"), ("Peking", "CHN"), ("Tokio", "JPN"),
])
def test_german_capitals_and_metonyms_count_as_their_country(analyzer, form, code):
    text = f"Am Dienstag hat {form} auf die neuen Berichte reagiert." + FILLER_DE
    article = analyze(analyzer, text, "de")
    assert code in ids(article), [(a.id, a.surface_forms) for a in article.actors]


@pytest.mark.parametrize(("form", "code"), [
    ("Moscow", "RUS"), ("the Kremlin", "RUS"), ("Pyongyang", "PRK"), ("Washington", "USA"),
    ("the Pentagon", "USA"), ("the White House", "USA"), ("Kyiv", "UKR"), ("Seoul", "KOR"),
    ("Beijing", "CHN"), ("Tokyo", "JPN"),
])
def test_english_capitals_and_metonyms_count_as_their_country(analyzer, form, code):
    text = f"On Tuesday {form} responded to the new reports about the region." + FILLER_EN
    assert code in ids(analyze(analyzer, text, "en"))


@pytest.mark.parametrize(("form", "code"), [
    ("Moscou", "RUS"), ("le Kremlin", "RUS"), ("Pyongyang", "PRK"), ("Washington", "USA"),
    ("le Pentagone", "USA"), ("la Maison-Blanche", "USA"), ("Kiev", "UKR"), ("Séoul", "KOR"),
    ("Pékin", "CHN"), ("Tokyo", "JPN"),
])
def test_french_capitals_and_metonyms_count_as_their_country(analyzer, form, code):
    text = f"Mardi, {form} a réagi aux nouvelles informations sur la région." + FILLER_FR
    assert code in ids(analyze(analyzer, text, "fr"))


def test_demonym_before_troops_counts_as_country(analyzer):
    text = "Nordkoreanische Soldaten sind nach Angaben aus Kiew an der Grenze gesichtet worden." + FILLER_DE
    article = analyze(analyzer, text, "de")
    assert actor_by_form(article, "Nordkoreanische").id == "PRK"


def test_lowercase_inflected_demonym_counts_as_country(analyzer):
    text = "Die Zahl der nordkoreanischen Soldaten an der Front wächst stetig, sagen Beobachter." + FILLER_DE
    assert actor_by_form(analyze(analyzer, text, "de"), "nordkoreanischen").id == "PRK"


def test_hyphen_compound_us_aussenminister_counts_as_usa(analyzer):
    text = "Der US-Außenminister warnte vor den Folgen für die gesamte Region." + FILLER_DE
    assert actor_by_form(analyze(analyzer, text, "de"), "US-Außenminister").id == "USA"


def test_kremlchef_stands_for_russia(analyzer):
    text = "Der Kremlchef äußerte sich am Abend ausführlich zu den Gesprächen." + FILLER_DE
    actor = actor_by_form(analyze(analyzer, text, "de"), "Kremlchef")
    assert actor.country == "RUS"


def test_closed_compound_kremlsprecher_counts_as_russia(analyzer):
    text = "Ein Kremlsprecher wollte die Berichte am Abend nicht kommentieren." + FILLER_DE
    assert actor_by_form(analyze(analyzer, text, "de"), "Kremlsprecher").country == "RUS"


def test_known_person_gets_canonical_english_name_and_country(analyzer):
    text = "Der russische Präsident Wladimir Putin empfing am Mittwoch eine Delegation." + FILLER_DE
    actor = actor_by_form(analyze(analyzer, text, "de"), "Wladimir Putin")
    assert (actor.id, actor.name, actor.type, actor.country) == ("vladimir-putin", "Vladimir Putin", "person", "RUS")


def test_surname_alone_is_the_same_person(analyzer):
    text = ("Wladimir Putin reiste am Dienstag nach Pjöngjang. Dort wurde Putin mit militärischen Ehren "
            "empfangen, und Putins Delegation blieb zwei Tage.")
    article = analyze(analyzer, text, "de")
    putin = next(a for a in article.actors if a.id == "vladimir-putin")
    assert putin.mentions == 3
    assert {"Wladimir Putin", "Putin", "Putins"} <= set(putin.surface_forms)


def test_unknown_person_after_title_inside_sentence_is_pattern_person(analyzer):
    text = ("Nach Ansicht der Analystin Anna Berger ist die Lage ernst. "
            "Sie warnte vor einer Eskalation in der Region.")
    actor = actor_by_form(analyze(analyzer, text, "de"), "Anna Berger")
    assert (actor.type, actor.country, actor.source, actor.name) == ("person", None, "pattern", "Anna Berger")


def test_unknown_person_after_title_at_sentence_start_is_pattern_person(analyzer):
    """'Die Analystin Anna Berger sagte …': the capitalised article must not swallow the title."""
    text = ("Die Analystin Anna Berger sagte, die Lage sei ernst. "
            "Sie warnte vor einer Eskalation in der Region.")
    actor = actor_by_form(analyze(analyzer, text, "de"), "Anna Berger")
    assert (actor.type, actor.country, actor.source) == ("person", None, "pattern")


def test_unknown_english_person_after_title_is_pattern_person(analyzer):
    text = ("The analyst John Carver said the situation was serious. "
            "He warned of an escalation in the region within weeks.")
    actor = actor_by_form(analyze(analyzer, text, "en"), "John Carver")
    assert (actor.type, actor.country, actor.source) == ("person", None, "pattern")


def test_unknown_french_person_after_title_is_pattern_person(analyzer):
    text = ("Selon l'analyste Claire Dubois, la situation est grave. "
            "Elle a mis en garde contre une escalade dans la région.")
    actor = actor_by_form(analyze(analyzer, text, "fr"), "Claire Dubois")
    assert (actor.type, actor.country, actor.source) == ("person", None, "pattern")


def test_us_acronym_is_usa_but_pronoun_us_is_not(analyzer):
    pronoun = analyze(analyzer, "Let us look at what Russia does next. Tell us what you think about it.", "en")
    assert "USA" not in ids(pronoun)
    acronym = analyze(analyzer, "The US has warned Russia for months. Officials say the warning stands.", "en")
    assert actor_by_form(acronym, "US").id == "USA"


def test_korean_peninsula_is_no_country(analyzer):
    text = ("Die Lage auf der Koreanischen Halbinsel bleibt angespannt. "
            "Beobachter sprechen von einer gefährlichen Phase für die ganze Region.")
    article = analyze(analyzer, text, "de")
    assert not [a for a in article.actors if a.type == "country"], [a.id for a in article.actors]


def test_unlisted_name_without_title_is_not_an_actor_without_a_model(analyzer):
    text = ("Xandru Pelleq sprach am Dienstag über die Lage in Russland. "
            "Er sagte, die Regierung müsse rasch handeln.")
    article = analyze(analyzer, text, "de")
    assert not [a for a in article.actors if a.type == "person"], [a.id for a in article.actors]


def test_mentions_count_and_most_mentioned_first(analyzer):
    text = ("Russland hat die Berichte zurückgewiesen. Moskau sprach von Propaganda, und der Kreml "
            "kündigte eine Antwort an. Auch Nordkorea äußerte sich.")
    article = analyze(analyzer, text, "de")
    assert article.actors[0].id == "RUS"
    assert article.actors[0].mentions == 3

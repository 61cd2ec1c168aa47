"""German transfer claims, per pattern family: direction, family, modality, claimant, quantity, evidence."""

from __future__ import annotations

import pytest

from .helpers import claims_in, describe, dyad_claims, find_claim, involving


@pytest.fixture(scope="module")
def de(analyzer):
    return lambda text: claims_in(analyzer, text, "de")


# -- active voice ------------------------------------------------------------------------------------

def test_active_voice_subject_supplies_dative_recipient(de):
    c = find_claim(de("Nordkorea liefert Russland seit Monaten Granaten für den Krieg gegen die Ukraine."),
                   "PRK", "RUS", "munitions")
    assert c.item == "artillery-shells"
    assert c.modality == "assertion"
    assert c.claimant is None


def test_active_voice_with_capitals_perfect_tense(de):
    c = find_claim(de("Pjöngjang hat Moskau im Herbst mehrere Raketenwerfer geliefert."), "PRK", "RUS", "munitions")
    assert c.item == "rocket-launchers"


def test_active_voice_russia_supplies_technology_to_north_korea(de):
    c = find_claim(de("Russland liefert Nordkorea nach Einschätzung von Fachleuten moderne Satellitentechnik."),
                   "RUS", "PRK", "technology")
    assert c.item == "space-technology"


# -- passive, von … an …, aus …, nach … ------------------------------------------------------------------

def test_passive_voice_with_von_and_an_gives_direction(de):
    claims = de("Nach Angaben aus Seoul wurden die Granaten von Nordkorea an Russland geliefert.")
    c = find_claim(claims, "PRK", "RUS", "munitions")
    assert c.claimant == "KOR"


def test_von_x_an_y_on_a_delivery_noun(de):
    claims = de("Die Lieferungen von Nordkorea an Russland umfassen vor allem Granaten und Raketen.")
    assert {c.item for c in claims if (c.supplier, c.recipient) == ("PRK", "RUS")} >= {"artillery-shells", "missiles"}


def test_aus_x_nach_y_flow_verb(de):
    find_claim(de("Aus Nordkorea gelangen Granaten nach Russland."), "PRK", "RUS", "munitions")


def test_fliessen_nach_with_demonym_supplier_and_according_to_claimant(de):
    c = find_claim(de("Nach Einschätzung der Ukraine fließen nordkoreanische Raketen nach Russland."),
                   "PRK", "RUS", "munitions")
    assert c.item == "missiles"
    assert c.claimant == "UKR"


def test_x_schickt_soldaten_nach_y_is_personnel(de):
    c = find_claim(de("Nordkorea schickt Soldaten nach Russland."), "PRK", "RUS", "personnel")
    assert c.item == "troops"


def test_x_schickt_soldaten_nach_y_with_trailing_reporting_clause(de):
    """The source named after the claim ('…, teilte der Geheimdienst mit') must not eat a party."""
    claims = de("Nordkorea schickt Soldaten nach Russland, teilte der Geheimdienst mit.")
    find_claim(claims, "PRK", "RUS", "personnel")


def test_soldiers_aus_x_fighting_for_y(de):
    c = find_claim(de("Rund 10.000 Soldaten aus Nordkorea kämpfen inzwischen an der Seite Russlands."),
                   "PRK", "RUS", "personnel")
    assert c.quantity is not None and c.quantity.value == 10000


def test_deployment_in_a_russian_place_names_the_recipient(de):
    c = find_claim(de("Kiew bestätigte, dass nordkoreanische Soldaten in Kursk eingesetzt werden."),
                   "PRK", "RUS", "personnel")
    assert c.modality == "confirmation"
    assert c.claimant == "UKR"


# -- receive verbs: the grammatical subject is the recipient ----------------------------------------------

def test_receive_verb_with_aus_makes_subject_the_recipient(de):
    c = find_claim(de("Moskau bezieht Granaten aus Pjöngjang."), "PRK", "RUS", "munitions")
    assert c.item == "artillery-shells"


def test_receive_verb_followed_by_reporting_clause(de):
    claims = de("Moskau bezieht Granaten aus Pjöngjang, berichtete die Zeitung am Montag.")
    find_claim(claims, "PRK", "RUS", "munitions")


def test_receive_verb_perfect_tense(de):
    claims = de("Russland hat im vergangenen Jahr Millionen Granaten aus Nordkorea erhalten.")
    find_claim(claims, "PRK", "RUS", "munitions")


# -- im Austausch für: both directions ------------------------------------------------------------------

def test_exchange_clause_first_gives_both_directions(de):
    claims = de("Im Austausch für nordkoreanische Soldaten liefert Russland Raketentechnologie an Nordkorea.")
    find_claim(claims, "RUS", "PRK", "technology")
    find_claim(claims, "PRK", "RUS", "personnel")


def test_exchange_clause_first_without_comma_gives_both_directions(de):
    claims = de("Im Austausch für Soldaten liefert Russland Nordkorea Raketentechnologie.")
    find_claim(claims, "RUS", "PRK", "technology")
    find_claim(claims, "PRK", "RUS", "personnel")


def test_exchange_clause_last_keeps_family_of_the_exchanged_item(de):
    claims = de("Russland liefert Nordkorea Raketentechnologie im Austausch für Soldaten.")
    find_claim(claims, "RUS", "PRK", "technology")
    back = find_claim(claims, "PRK", "RUS")
    assert (back.family, back.item) == ("personnel", "troops"), describe(claims)


def test_exchange_with_receive_verb(de):
    claims = de("Russland erhält Soldaten aus Nordkorea im Austausch für Technologie für das Atomprogramm.")
    find_claim(claims, "PRK", "RUS", "personnel")
    find_claim(claims, "RUS", "PRK", "technology")


# -- quantities ---------------------------------------------------------------------------------------------

def test_quantity_of_containers(de):
    c = find_claim(de("Nach Angaben der Regierung in Seoul hat Nordkorea mehr als 11.000 Container mit Munition "
                      "an Russland geliefert."), "PRK", "RUS", "munitions")
    assert c.quantity is not None
    assert "11.000 Container" in c.quantity.text
    assert c.quantity.value == 11000
    assert c.claimant == "KOR"


def test_quantity_millionen_granaten(de):
    c = find_claim(de("Nordkorea hat Russland nach Angaben aus Seoul Millionen Granaten geliefert."),
                   "PRK", "RUS", "munitions")
    assert c.quantity is not None and "Millionen" in c.quantity.text


# -- reported speech and who says so -------------------------------------------------------------------------

def test_reported_speech_konjunktiv_liefere_with_claimant(de):
    c = find_claim(de("Ein Sprecher in Kiew sagte, Nordkorea liefere Russland weiterhin ballistische Raketen."),
                   "PRK", "RUS", "munitions")
    assert c.claimant == "UKR"


def test_reported_speech_konjunktiv_bereitstelle_with_claimant(de):
    c = find_claim(de("Tokio erklärte, dass Moskau Pjöngjang Technologie für Satelliten bereitstelle."),
                   "RUS", "PRK", "technology")
    assert c.claimant == "JPN"


def test_allegation_with_soll_keeps_the_subject_as_supplier(de):
    c = find_claim(de("Nordkorea soll Russland Millionen Granaten geliefert haben."), "PRK", "RUS", "munitions")
    assert c.modality == "allegation"


def test_accusation_speaker_is_claimant_and_object_is_supplier(de):
    c = find_claim(de("Washington beschuldigte Nordkorea, Artilleriegranaten nach Russland geschickt zu haben."),
                   "PRK", "RUS", "munitions")
    assert c.modality == "allegation"
    assert c.claimant == "USA"
    assert c.claimant_name == "United States"


def test_suspicion_vermutet(de):
    c = find_claim(de("Die US-Regierung vermutet, dass Russland Waffen aus Nordkorea beschafft."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("suspicion", "USA")


def test_suspicion_geht_davon_aus(de):
    c = find_claim(de("Der Geheimdienst in Seoul geht davon aus, dass Pjöngjang Granaten an Moskau liefert."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("suspicion", "KOR")


def test_concern_about_support_for_nuclear_programme(de):
    c = find_claim(de("Der Generalsekretär zeigte sich besorgt, dass Russland das nordkoreanische Atomprogramm "
                      "unterstützen könnte."), "RUS", "PRK", "technology")
    assert c.modality == "concern"
    assert c.item == "nuclear-technology"


def test_concern_with_metonym_claimant(de):
    c = find_claim(de("Das Weiße Haus zeigte sich besorgt, dass Moskau Pjöngjang Know-how für Atomwaffen "
                      "übergeben könnte."), "RUS", "PRK", "technology")
    assert (c.modality, c.claimant) == ("concern", "USA")


def test_confirmation(de):
    c = find_claim(de("Das Pentagon bestätigte, dass nordkoreanische Truppen nach Russland verlegt wurden."),
                   "PRK", "RUS", "personnel")
    assert (c.modality, c.claimant) == ("confirmation", "USA")


def test_denial_still_reports_the_claim(de):
    c = find_claim(de("Pjöngjang bestreitet, Waffen an Russland geliefert zu haben."), "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("denial", "PRK")


def test_denial_by_rejecting_reports(de):
    c = find_claim(de("Der Kreml wies Berichte zurück, wonach Nordkorea Granaten an Russland liefert."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("denial", "RUS")


def test_negated_delivery_is_a_denial(de):
    c = find_claim(de("Nordkorea hat nie Waffen an Russland geliefert, erklärte das Außenministerium in Pjöngjang."),
                   "PRK", "RUS", "munitions")
    assert c.modality == "denial"


def test_intent_plant_zu_uebergeben(de):
    c = find_claim(de("Moskau plant, Nordkorea moderne Kampfjets zu übergeben."), "RUS", "PRK", "munitions")
    assert (c.modality, c.item) == ("intent", "aircraft")


def test_intent_bereitet_vor(de):
    c = find_claim(de("Moskau bereitet sich darauf vor, Nordkorea Luftabwehrsysteme zu liefern."),
                   "RUS", "PRK", "munitions")
    assert (c.modality, c.item) == ("intent", "air-defence")


# -- context ------------------------------------------------------------------------------------------------

def test_background_sentence_in_a_story_about_flights_counts(de):
    text = ("Seit Juli gibt es eine direkte Flugverbindung zwischen Moskau und Pjöngjang. "
            "Nordkorea hatte Russland zuvor Millionen Granaten geliefert.")
    c = find_claim(de(text), "PRK", "RUS", "munitions")
    assert c.evidence.sentence == "Nordkorea hatte Russland zuvor Millionen Granaten geliefert."
    assert text[c.evidence.start:c.evidence.end] == c.evidence.sentence


def test_arms_deals_between_the_two_keep_unknown_direction(de):
    claims = de("Experten berichten von Waffengeschäften zwischen Russland und Nordkorea.")
    undirected = [c for c in claims if c.supplier is None and c.recipient is None and set(c.parties) == {"RUS", "PRK"}]
    assert undirected, describe(claims)


# -- hard negatives -----------------------------------------------------------------------------------------

NEGATIVES = {
    "treaty-if-attacked": "Russland und Nordkorea haben einen Vertrag über gegenseitigen Beistand unterzeichnet, "
                          "falls eines der Länder angegriffen wird.",
    "cooperation": "Russland und Nordkorea wollen ihre militärische Zusammenarbeit weiter vertiefen.",
    "visit-banquet-gift": "Putin schenkte Kim Jong Un bei seinem Besuch in Pjöngjang eine Limousine, beim Bankett "
                          "wurden Waffen und Raketen gelobt.",
    "veto": "Russland legte im Sicherheitsrat ein Veto gegen neue Sanktionen gegen Nordkorea ein, die "
            "Waffenlieferungen verbieten sollten.",
    "history-1950": "Im Jahr 1950 lieferte Moskau Nordkorea Panzer für den Angriff auf den Süden.",
    "commentator-proposal": "Ein Kommentator schlug vor, Nordkorea solle Russland Granaten liefern, um den Krieg zu "
                            "beenden.",
    "vague-support": "Nordkorea bekräftigte seine Unterstützung für Russlands Krieg gegen die Ukraine.",
    "west-to-ukraine": "Westliche Staaten liefern der Ukraine Panzer und Munition, Russland und Nordkorea "
                       "kritisieren das.",
    "missile-test": "Nordkorea testete am Montag erneut ballistische Raketen, während Russland schwieg.",
    "football": "Russland schlug Nordkorea im Fußball mit 2:0, die Spieler aus Pjöngjang lieferten einen harten Kampf.",
}


@pytest.mark.parametrize("text", NEGATIVES.values(), ids=NEGATIVES.keys())
def test_hard_negative_yields_no_russia_north_korea_claim(de, text):
    assert dyad_claims(de(text)) == [], describe(de(text))


def test_iran_drones_to_russia_involve_no_north_korea(de):
    claims = de("Iran liefert Russland Drohnen vom Typ Shahed, die gegen ukrainische Städte eingesetzt werden.")
    assert involving(claims, "PRK") == []
    assert all((c.supplier, c.recipient) == ("IRN", "RUS") for c in claims), describe(claims)


def test_south_korea_tanks_to_poland_involve_neither_russia_nor_north_korea(de):
    claims = de("Südkorea liefert Polen Kampfpanzer und Haubitzen.")
    assert involving(claims, "PRK") == [] and involving(claims, "RUS") == []
    find_claim(claims, "KOR", "POL", "munitions")


def test_evidence_is_the_claim_sentence_with_offsets(de, analyzer):
    text = ("Die Beziehungen beider Länder sind eng. Nordkorea schickt Soldaten nach Russland. "
            "Beobachter sind besorgt.")
    c = find_claim(de(text), "PRK", "RUS", "personnel")
    assert c.evidence.sentence == "Nordkorea schickt Soldaten nach Russland."
    assert text[c.evidence.start:c.evidence.end] == c.evidence.sentence


def test_ausbilder_schulen_personal_ist_technologie_fuer_die_geschulten(de):
    c = find_claim(de("Russische Ausbilder schulten nordkoreanische Techniker an den Abwehrsystemen, so Budanow."),
                   "RUS", "PRK", "technology")
    assert c.claimant is not None and c.modality == "allegation"


def test_so_nachgestellt_ist_eine_quelle_und_keine_partei(de):
    claims = de("Nordkorea liefere weiter Granaten nach Russland, so Selenskyj.")
    c = find_claim(claims, "PRK", "RUS", "munitions")
    assert c.claimant == "UKR" and not [x for x in claims if "UKR" in (x.supplier, x.recipient)], describe(claims)


def test_verb_zweit_empfaenger_im_gegenzug(de):
    claims = de("Russland und Nordkorea. Im Gegenzug erhalte Pjöngjang Raketentechnologie, heißt es in dem Bericht.")
    find_claim(claims, "RUS", "PRK", "technology")


def test_an_der_seite_russischer_truppen_gehen_die_soldaten_nach_russland(de):
    claims = de("Tausende nordkoreanische Soldaten kämpften an der Seite russischer Truppen im Gebiet Kursk.")
    find_claim(claims, "PRK", "RUS", "personnel")
    assert not [c for c in claims if c.supplier == "RUS"], describe(claims)


def test_eigener_nutzen_beim_empfangen_bleibt_ein_anspruch(de):
    claims = de("Nordkorea wolle von Moskau Know-how für Raketen bekommen, um die eigene Rüstung auszubauen.")
    find_claim(claims, "RUS", "PRK", "technology")


def test_daten_an_nordkoreanische_ingenieure_gehen_nach_nordkorea(de):
    claims = de("Russland und Nordkorea. Es heißt, dass russische Stellen Gefechtsdaten an nordkoreanische Ingenieure "
                "weitergeben.")
    find_claim(claims, "RUS", "PRK", "technology")
    assert not [c for c in claims if c.family == "personnel"], describe(claims)


def test_quelle_vor_erkenntnissen_ist_keine_partei(de):
    claims = de("Die Raketen, die Russland aus Nordkorea bezieht, treffen nach ukrainischen Erkenntnissen präziser.")
    find_claim(claims, "PRK", "RUS", "munitions")
    assert not involving(claims, "UKR"), describe(claims)


def test_das_regime_in_pjoengjang_ist_kein_ort(de):
    claims = de("Die USA werfen dem Regime in Pjöngjang vor, Moskau mit Artilleriegranaten zu versorgen.")
    find_claim(claims, "PRK", "RUS", "munitions")


def test_sich_mit_know_how_erkenntlich_zeigen_ist_eine_gegenleistung(de):
    claims = de("Russland und Nordkorea. Seoul befürchtet, dass sich Moskau im Gegenzug mit Know-how für Raketen "
                "erkenntlich zeigen könnte.")
    c = find_claim(claims, "RUS", "PRK", "technology")
    assert c.modality == "concern"

"""English transfer claims, per pattern family."""

from __future__ import annotations

import pytest

from .helpers import claims_in, describe, dyad_claims, find_claim, involving


@pytest.fixture(scope="module")
def en(analyzer):
    return lambda text: claims_in(analyzer, text, "en")


def test_active_voice_supplies_with(en):
    c = find_claim(en("North Korea supplies Russia with artillery shells for its war against Ukraine."),
                   "PRK", "RUS", "munitions")
    assert c.modality == "assertion"


def test_passive_voice_with_to_and_by_gives_direction(en):
    c = find_claim(en("According to officials, the shells were sent to Russia by North Korea in several shipments."),
                   "PRK", "RUS", "munitions")
    assert c.item == "artillery-shells"


def test_receive_verb_with_from_makes_subject_the_recipient(en):
    c = find_claim(en("Moscow receives ballistic missiles from Pyongyang."), "PRK", "RUS", "munitions")
    assert c.item == "missiles"


def test_receive_verb_followed_by_reporting_clause(en):
    find_claim(en("Moscow receives ballistic missiles from Pyongyang, the report said."), "PRK", "RUS", "munitions")


def test_obtained_from_with_vague_quantity(en):
    c = find_claim(en("Russia has obtained thousands of rockets from North Korea."), "PRK", "RUS", "munitions")
    assert c.quantity is not None and "thousands" in c.quantity.text


def test_exchange_clause_first_gives_both_directions(en):
    claims = en("In exchange for troops, Russia gives North Korea advanced satellite technology.")
    find_claim(claims, "PRK", "RUS", "personnel")
    c = find_claim(claims, "RUS", "PRK", "technology")
    assert c.item == "space-technology"


def test_exchange_clause_last_keeps_family_of_the_exchanged_item(en):
    claims = en("Russia is providing missile technology to North Korea in exchange for soldiers.")
    find_claim(claims, "RUS", "PRK", "technology")
    back = find_claim(claims, "PRK", "RUS")
    assert (back.family, back.item) == ("personnel", "troops"), describe(claims)


def test_flowing_to_with_demonym_supplier(en):
    c = find_claim(en("North Korean shells are flowing to Russia at an increasing rate."), "PRK", "RUS", "munitions")
    assert c.item == "artillery-shells"


def test_sent_troops_with_quantity_and_trailing_claimant(en):
    c = find_claim(en("North Korea has sent more than 10,000 troops to Russia, the Pentagon said."),
                   "PRK", "RUS", "personnel")
    assert c.quantity is not None and c.quantity.value == 10000
    assert "10,000" in c.quantity.text
    assert c.claimant == "USA"


def test_reported_speech_with_claimant_and_millions(en):
    c = find_claim(en("A spokesman in Kyiv said North Korea had delivered millions of shells to Russia."),
                   "PRK", "RUS", "munitions")
    assert c.claimant == "UKR"
    assert c.quantity is not None and "millions" in c.quantity.text


def test_accusation_speaker_is_claimant(en):
    c = find_claim(en("Washington accused North Korea of shipping ballistic missiles to Russia."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("allegation", "USA")


def test_suspicion_buying_from(en):
    c = find_claim(en("US intelligence suspects that Russia is buying artillery shells from North Korea."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("suspicion", "USA")


def test_concern_of_nato_chief(en):
    c = find_claim(en("The NATO chief is concerned that Russia could transfer nuclear technology to North Korea."),
                   "RUS", "PRK", "technology")
    assert (c.modality, c.item, c.claimant) == ("concern", "nuclear-technology", "nato")


def test_confirmation(en):
    c = find_claim(en("The South Korean government confirmed that North Korea sent troops to Russia."),
                   "PRK", "RUS", "personnel")
    assert c.modality == "confirmation"


def test_denial_still_reports_the_claim(en):
    c = find_claim(en("North Korea denied sending weapons to Russia."), "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("denial", "PRK")


def test_intent_is_preparing_to_send(en):
    c = find_claim(en("Moscow is preparing to send fighter jets to North Korea."), "RUS", "PRK", "munitions")
    assert (c.modality, c.item) == ("intent", "aircraft")


NEGATIVES = {
    "treaty-if-attacked": "Russia and North Korea signed a treaty that obliges each side to provide military "
                          "assistance if attacked.",
    "cooperation": "Russia and North Korea pledged to deepen military cooperation during the visit.",
    "banquet-gift": "Putin gave Kim Jong Un a limousine at a banquet in Pyongyang.",
    "veto": "Russia vetoed a Security Council resolution on North Korea's weapons programmes.",
    "history-1950": "In 1950, Soviet tanks were sent to North Korea by Moscow.",
    "commentator-proposal": "A commentator proposed that North Korea should send shells to Russia.",
    "vague-support": "North Korea reaffirmed its support for Russia's war in Ukraine.",
    "west-to-ukraine": "Western countries sent tanks to Ukraine, which Russia and North Korea condemned.",
    "missile-test": "North Korea test-fired ballistic missiles on Monday, while Russia stayed silent.",
    "football": "Russia beat North Korea 2-0 in football, and Pyongyang's players delivered a tough fight.",
}


@pytest.mark.parametrize("text", NEGATIVES.values(), ids=NEGATIVES.keys())
def test_hard_negative_yields_no_russia_north_korea_claim(en, text):
    assert dyad_claims(en(text)) == [], describe(en(text))


def test_iran_drones_to_russia_involve_no_north_korea(en):
    claims = en("Iran has supplied Russia with Shahed drones used against Ukrainian cities.")
    assert involving(claims, "PRK") == []
    assert all((c.supplier, c.recipient) == ("IRN", "RUS") for c in claims), describe(claims)


def test_south_korea_tanks_to_poland(en):
    claims = en("South Korea delivered tanks and howitzers to Poland.")
    assert involving(claims, "PRK") == [] and involving(claims, "RUS") == []
    find_claim(claims, "KOR", "POL", "munitions")


def test_training_moves_know_how_to_the_trained_side(en):
    c = find_claim(en("Russian instructors have trained North Korean drone operators near Pyongyang, officials said."),
                   "RUS", "PRK", "technology")
    assert c.modality == "allegation"
    assert not [x for x in en("Russian instructors have trained North Korean drone operators.")
                if x.family == "personnel"], "trained personnel are not troops sent anywhere"


def test_troops_fighting_alongside_a_state_go_to_that_state(en):
    claims = en("Thousands of North Korean soldiers fought alongside Russian forces in the Kursk region.")
    find_claim(claims, "PRK", "RUS", "personnel")
    assert not [c for c in claims if c.supplier == "RUS"], describe(claims)


def test_the_owner_of_a_war_is_the_recipient(en):
    claims = en("Pyongyang has shipped artillery shells to support Moscow's war, analysts said.")
    find_claim(claims, "PRK", "RUS", "munitions")


def test_sources_named_with_according_to_are_no_party(en):
    claims = en("North Korea, according to Seoul and Kyiv, has sent more shells to support Russia's war.")
    find_claim(claims, "PRK", "RUS", "munitions")
    assert not involving(claims, "UKR") and not involving(claims, "KOR"), describe(claims)


def test_rewarded_with_makes_the_subject_the_recipient(en):
    claims = en("Russia and North Korea. Officials fear the North could be rewarded with missile technology.")
    find_claim(claims, "RUS", "PRK", "technology")


def test_forces_that_fired_a_missile_are_no_moved_troops(en):
    claims = en("North Korea and Russia. Missiles fired by Russian forces at Kharkiv had been built in North Korea.")
    assert not [c for c in claims if c.family == "personnel"], describe(claims)


def test_a_sea_named_after_a_country_is_no_party(en):
    claims = en("North Korea fired two missiles into the Sea of Japan, Seoul said.")
    assert not involving(claims, "JPN"), describe(claims)


def test_coordinated_subjects_give_an_undirected_claim(en):
    claims = en("Moscow and Pyongyang are engaged in illegal arms transfers, the US envoy said.")
    c = next(c for c in dyad_claims(claims))
    assert (c.supplier, c.recipient, sorted(c.parties)) == (None, None, ["PRK", "RUS"]), describe(claims)


def test_built_in_names_the_origin(en):
    claims = en("Russia and North Korea. Missiles fired by Russian forces at Kyiv had been built in North Korea.")
    find_claim(claims, "PRK", "RUS", "munitions")


def test_a_negated_arms_deal_between_two_is_no_claim(en):
    claims = en("Moscow and Pyongyang do not publicly discuss arms deals.")
    assert not dyad_claims(claims), describe(claims)


def test_forces_driven_out_are_the_enemy_not_a_party(en):
    claims = en("Pyongyang sent about 11,000 troops to help Russia drive Ukrainian forces out of the Kursk region.")
    find_claim(claims, "PRK", "RUS", "personnel")
    assert not involving(claims, "UKR"), describe(claims)

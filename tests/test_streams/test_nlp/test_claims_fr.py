"""French transfer claims, per pattern family."""

from __future__ import annotations

import pytest

from .helpers import claims_in, describe, dyad_claims, find_claim, involving


@pytest.fixture(scope="module")
def fr(analyzer):
    return lambda text: claims_in(analyzer, text, "fr")


def test_active_voice_livre_a(fr):
    c = find_claim(fr("La Corée du Nord livre des obus à la Russie pour sa guerre contre l'Ukraine."),
                   "PRK", "RUS", "munitions")
    assert (c.item, c.modality) == ("artillery-shells", "assertion")


def test_passive_voice_with_a_and_par_gives_direction(fr):
    c = find_claim(fr("Selon Séoul, des obus ont été livrés à la Russie par la Corée du Nord au cours de l'été."),
                   "PRK", "RUS", "munitions")
    assert c.claimant == "KOR"


def test_receive_verb_with_demonym_item(fr):
    c = find_claim(fr("La Russie aurait reçu des obus nord-coréens en grande quantité."), "PRK", "RUS", "munitions")
    assert c.modality == "allegation"


def test_hedged_receive_does_not_make_the_recipient_the_claimant(fr):
    c = find_claim(fr("La Russie aurait reçu des obus nord-coréens en grande quantité."), "PRK", "RUS", "munitions")
    assert c.claimant is None


def test_receive_verb_with_de(fr):
    find_claim(fr("Moscou reçoit des missiles balistiques de Pyongyang."), "PRK", "RUS", "munitions")


def test_exchange_clause_first_gives_both_directions(fr):
    claims = fr("En échange de soldats, la Russie fournit à la Corée du Nord des technologies spatiales.")
    find_claim(claims, "PRK", "RUS", "personnel")
    c = find_claim(claims, "RUS", "PRK", "technology")
    assert c.item == "space-technology"


def test_exchange_clause_last_gives_both_directions(fr):
    claims = fr("La Russie fournit des technologies de missiles à la Corée du Nord en échange de soldats.")
    find_claim(claims, "RUS", "PRK", "technology")
    find_claim(claims, "PRK", "RUS", "personnel")


def test_flow_verb_affluent_vers(fr):
    find_claim(fr("Des munitions nord-coréennes affluent vers la Russie depuis des mois."), "PRK", "RUS", "munitions")


def test_sent_soldiers_en_russie_with_quantity_and_selon_claimant(fr):
    c = find_claim(fr("La Corée du Nord a envoyé plus de 10 000 soldats en Russie, selon le Pentagone."),
                   "PRK", "RUS", "personnel")
    assert c.quantity is not None and c.quantity.value == 10000
    assert c.claimant == "USA"


def test_reported_speech_with_claimant(fr):
    c = find_claim(fr("Un porte-parole à Kiev a déclaré que la Corée du Nord livrait des missiles à la Russie."),
                   "PRK", "RUS", "munitions")
    assert c.claimant == "UKR"


def test_accusation_speaker_is_claimant(fr):
    c = find_claim(fr("Washington accuse la Corée du Nord d'avoir livré des missiles balistiques à la Russie."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("allegation", "USA")


def test_suspicion_acheter_a_means_buy_from(fr):
    c = find_claim(fr("Les services américains soupçonnent la Russie d'acheter des obus à la Corée du Nord."),
                   "PRK", "RUS", "munitions")
    assert c.modality == "suspicion"


def test_concern_transfere(fr):
    c = find_claim(fr("L'OTAN craint que la Russie ne transfère des technologies nucléaires à la Corée du Nord."),
                   "RUS", "PRK", "technology")
    assert (c.modality, c.item) == ("concern", "nuclear-technology")


def test_confirmation(fr):
    c = find_claim(fr("Séoul a confirmé que la Corée du Nord avait livré des missiles à la Russie."),
                   "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("confirmation", "KOR")


def test_denial_still_reports_the_claim(fr):
    c = find_claim(fr("Pyongyang a démenti avoir livré des armes à la Russie."), "PRK", "RUS", "munitions")
    assert (c.modality, c.claimant) == ("denial", "PRK")


def test_intent_prevoit_de_livrer(fr):
    c = find_claim(fr("Moscou prévoit de livrer des avions de chasse à la Corée du Nord."), "RUS", "PRK", "munitions")
    assert c.modality == "intent"


def test_intent_s_apprete_a_livrer(fr):
    """The reflexive "s'" of "s'apprête" is not the conditional "s'" of "s'il"."""
    c = find_claim(fr("La Russie s'apprête à livrer des systèmes de défense antiaérienne à la Corée du Nord."),
                   "RUS", "PRK", "munitions")
    assert (c.modality, c.item) == ("intent", "air-defence")


NEGATIVES = {
    "treaty-if-attacked": "La Russie et la Corée du Nord ont signé un traité d'assistance mutuelle en cas d'attaque "
                          "contre l'un des deux pays.",
    "cooperation": "La Russie et la Corée du Nord veulent renforcer leur coopération militaire.",
    "banquet-gift": "Poutine a offert une limousine à Kim Jong Un lors d'un banquet à Pyongyang.",
    "veto": "La Russie a opposé son veto à une résolution du Conseil de sécurité sur les programmes d'armement de la "
            "Corée du Nord.",
    "history-1950": "En 1950, Moscou a livré des chars à la Corée du Nord.",
    "commentator-proposal": "Un commentateur a suggéré que la Corée du Nord livre des obus à la Russie.",
    "vague-support": "La Corée du Nord a réaffirmé son soutien à la guerre de la Russie en Ukraine.",
    "west-to-ukraine": "Les pays occidentaux ont livré des chars à l'Ukraine, ce que la Russie et la Corée du Nord "
                       "ont condamné.",
    "missile-test": "La Corée du Nord a procédé à des essais de missiles balistiques lundi, tandis que la Russie "
                    "se taisait.",
    "football": "La Russie a battu la Corée du Nord 2-0 au football, les joueurs de Pyongyang ont livré un match "
                "difficile.",
}


@pytest.mark.parametrize("text", NEGATIVES.values(), ids=NEGATIVES.keys())
def test_hard_negative_yields_no_russia_north_korea_claim(fr, text):
    assert dyad_claims(fr(text)) == [], describe(fr(text))


def test_iran_drones_to_russia_involve_no_north_korea(fr):
    claims = fr("L'Iran a livré des drones Shahed à la Russie.")
    assert involving(claims, "PRK") == []
    find_claim(claims, "IRN", "RUS", "munitions")


def test_south_korea_tanks_to_poland(fr):
    claims = fr("La Corée du Sud a livré des chars et des obusiers à la Pologne.")
    assert involving(claims, "PRK") == [] and involving(claims, "RUS") == []
    find_claim(claims, "KOR", "POL", "munitions")


def test_des_soldats_aux_cotes_des_forces_russes_vont_vers_la_russie(fr):
    claims = fr("Des milliers de soldats nord-coréens ont combattu aux côtés des forces russes près de Koursk.")
    find_claim(claims, "PRK", "RUS", "personnel")
    assert not [c for c in claims if c.supplier == "RUS"], describe(claims)


def test_l_offensive_russe_designe_le_destinataire(fr):
    claims = fr("Pyongyang aurait envoyé des roquettes pour soutenir l'offensive russe en Ukraine.")
    find_claim(claims, "PRK", "RUS", "munitions")


def test_formation_de_militaires_est_un_transfert_de_savoir_faire(fr):
    claims = fr("Des instructeurs russes auraient formé des soldats nord-coréens au pilotage de drones.")
    find_claim(claims, "RUS", "PRK", "technology")


def test_un_genitif_de_n_est_pas_une_provenance(fr):
    claims = fr("La Russie et la Corée du Nord. Des drones offriraient à Pyongyang un moyen de saturer les défenses "
                "de la Corée du Sud.")
    assert not [c for c in claims if c.supplier == "KOR"], describe(claims)


def test_l_ambassadeur_d_un_pays_n_est_pas_une_partie(fr):
    claims = fr("L'ambassadeur de Russie a assisté à la cérémonie pour les soldats nord-coréens tués au combat.")
    assert not [c for c in claims if c.supplier == "RUS"], describe(claims)


def test_le_front_ukrainien_n_est_pas_un_destinataire(fr):
    claims = fr("La Russie et la Corée du Nord. L'afflux de munitions nord-coréennes vers le front ukrainien continue, "
                "aux côtés de l'armée russe.")
    assert not involving(claims, "UKR"), describe(claims)


def test_par_le_regime_de_kim_est_le_fournisseur(fr):
    claims = fr("La Russie et la Corée du Nord. Moscou a tiré des missiles balistiques fournis par le régime de "
                "Kim Jong-un.")
    find_claim(claims, "PRK", "RUS", "munitions")


def test_contre_l_ukraine_est_la_cible(fr):
    claims = fr("Ils accusent la Corée du Nord d'alimenter la guerre d'agression russe contre l'Ukraine en apportant "
                "à Moscou des munitions.")
    find_claim(claims, "PRK", "RUS", "munitions")
    assert not involving(claims, "UKR"), describe(claims)

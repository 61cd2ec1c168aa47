"""Forms that real reporting uses and written examples rarely do, one group per error class, in de/en/fr.

The sentences are written for these tests. Each names the triples (supplier>recipient:family) that must
come out at the alert rule's confidence, and nothing else between Russia and North Korea.
"""

from __future__ import annotations

import pytest

from schemas import RawArticle

DYAD = {"RUS", "PRK"}
ALERT_CONFIDENCE = 0.5  # ru-kp-transfer's min_confidence in streams/data/rules.yaml

CASES = {
    "troops used or present, a demonym the only hint of the supplier": [
        ("de", "Der Kreml räumte ein, nordkoreanische Soldaten im Gebiet Kursk einzusetzen.", "PRK>RUS:personnel"),
        ("en", "Russia admitted using North Korean soldiers in the Kursk region.", "PRK>RUS:personnel"),
        ("fr", "Le Kremlin a reconnu la présence de soldats nord-coréens dans la région de Koursk.",
         "PRK>RUS:personnel"),
        ("de", "Moskau und Pjöngjang feiern. Tausende nordkoreanische Soldaten sind nach US-Angaben in der "
               "russischen Grenzregion Kursk im Einsatz.", "PRK>RUS:personnel"),
    ],
    "accusations built around another verb": [
        ("de", "Nordkorea steht im Verdacht, Russland mit Waffen zu unterstützen.", "PRK>RUS:munitions"),
        ("en", "Pyongyang is suspected of supporting Moscow with weapons.", "PRK>RUS:munitions"),
        ("fr", "Pyongyang est soupçonné de soutenir Moscou avec des armes.", "PRK>RUS:munitions"),
        ("en", "Washington sanctioned North Korea because it supplies artillery shells to Russia.",
         "PRK>RUS:munitions"),
        ("de", "Washington wirft Nordkorea vor, Russland mit Granaten zu beliefern.", "PRK>RUS:munitions"),
        ("fr", "Washington accuse la Corée du Nord d'avoir livré des obus à la Russie.", "PRK>RUS:munitions"),
    ],
    "states named by epithet": [
        ("de", "Russland bezieht Granaten aus dem abgeschotteten Land, wie Kiew meldet. Nordkorea bestreitet das.",
         "PRK>RUS:munitions"),
        ("en", "Russia buys shells from the hermit kingdom, Kyiv says. North Korea denies it.", "PRK>RUS:munitions"),
        ("fr", "La Russie achète des obus au royaume ermite, selon Kiev. La Corée du Nord dément.",
         "PRK>RUS:munitions"),
    ],
    "third parties inside the claim sentence": [
        ("de", "Nordkoreanische Soldaten kämpfen im Gebiet Kursk an der Grenze zur Ukraine gegen ukrainische "
               "Truppen.", "PRK>RUS:personnel"),
        ("en", "North Korean soldiers are fighting against Ukrainian troops in the Kursk region near the border "
               "with Ukraine.", "PRK>RUS:personnel"),
        ("fr", "La Russie et la Corée du Nord sont alliées. Des soldats nord-coréens combattent contre les troupes "
               "ukrainiennes dans la région de Koursk, près de la frontière avec l'Ukraine.", "PRK>RUS:personnel"),
        ("de", "Russland und Nordkorea sind Partner. Berichten zufolge hat Nordkorea Truppen in die Ukraine "
               "geschickt.", "PRK>RUS:personnel"),
    ],
    "one clause with both directions": [
        ("en", "Russia provided air defence systems to North Korea in exchange for troops.",
         "RUS>PRK:munitions,PRK>RUS:personnel"),
        ("de", "Im Austausch für Soldaten liefert Russland Nordkorea Luftabwehrsysteme.",
         "RUS>PRK:munitions,PRK>RUS:personnel"),
        ("fr", "En échange de soldats, la Russie a livré des systèmes de défense antiaérienne à la Corée du Nord.",
         "RUS>PRK:munitions,PRK>RUS:personnel"),
    ],
    "items the lexicon lacked": [
        ("de", "Russland soll Nordkorea Reaktormodule für U-Boote geliefert haben.", "RUS>PRK:technology"),
        ("en", "Russia is believed to have sent reactor modules to North Korea.", "RUS>PRK:technology"),
        ("fr", "La Russie aurait fourni des modules de réacteur à la Corée du Nord.", "RUS>PRK:technology"),
        ("de", "Nordkorea schickte Militäringenieure und Bauarbeiter nach Russland.", "PRK>RUS:personnel"),
        ("en", "North Korea sent military engineers and construction workers to Russia.", "PRK>RUS:personnel"),
        ("fr", "La Corée du Nord a envoyé des ingénieurs militaires et des ouvriers du bâtiment en Russie.",
         "PRK>RUS:personnel"),
        ("en", "Russia gave North Korea know-how on the Chollima-1 launch vehicle.", "RUS>PRK:technology"),
        ("fr", "La Russie a transmis à la Corée du Nord un savoir-faire sur le lanceur Chollima-1.",
         "RUS>PRK:technology"),
        ("de", "Russland will Millionen Geschosse von Nordkorea kaufen.", "PRK>RUS:munitions"),
    ],
    "scraped-text noise": [
        ("de", "Foto: AP/Ahn Young-joon\nSEOUL, 12. November (dpa) -Nordkorea hat nach Angaben Südkoreas weitere "
               "Granaten an Russland geliefert.", "PRK>RUS:munitions"),
        ("en", "Photo: Reuters\nSEOUL, Nov 12 (Reuters) -North Korea has shipped more artillery shells to Russia, "
               "Seoul said.", "PRK>RUS:munitions"),
        ("fr", "Photo AFP\nSÉOUL, 12 novembre (AFP) -La Corée du Nord a livré des obus à la Russie, selon "
               "Séoul.Depuis, Moscou fournit des technologies spatiales à Pyongyang.",
         "PRK>RUS:munitions,RUS>PRK:technology"),
    ],
    "no claim: sanctions, places, the user's own forces": [
        ("de", "Die Sanktionen verbieten, Raketentechnologie an Nordkorea zu verkaufen; Russland stimmte einst zu.",
         ""),
        ("en", "The list bans exports of missile technology to North Korea, and Russia once backed it.", ""),
        ("fr", "Les sanctions interdisent de vendre des technologies de missiles à la Corée du Nord, la Russie "
               "les avait votées.", ""),
        ("en", "Russia and North Korea held talks. Russian troops, not North Korean ones, guard the Kursk "
               "region, a Kremlin official said.", ""),
        ("de", "Nordkorea und Russland rücken zusammen. Ein Reiseveranstalter bietet Flüge nach Pjöngjang an.", ""),
    ],
    "an exchange for a sending: the first clause keeps its own sides": [
        ("en", "Moscow has handed air defence missiles to Pyongyang in exchange for sending its soldiers to back "
               "Russia's war against Ukraine, an official in Seoul said.", "RUS>PRK:munitions,PRK>RUS:personnel"),
        ("fr", "Un général évoque la possibilité que Moscou livre à Pyongyang des avions de chasse en contrepartie "
               "de l'envoi de soldats nord-coréens en Russie.", "RUS>PRK:munitions,PRK>RUS:personnel"),
    ],
    "one item moves one way in an article, and a known direction makes 'deals between' redundant": [
        ("de", "Nordkorea hat Russland Millionen Granaten geliefert. Beobachter sprechen von einem Waffenhandel "
               "zwischen Nordkorea und Russland.", "PRK>RUS:munitions"),
        ("en", "Russia received millions of shells from North Korea, Seoul says. Moscow sent Pyongyang shells "
               "of its own making? Analysts doubt it.", "PRK>RUS:munitions"),
    ],
    "the source and its spokesman are no side": [
        ("de", "Nach Angaben des ukrainischen Geheimdienstchefs, Kyrylo Budanow, liefert Moskau Know-how an "
               "Pjöngjang.", "RUS>PRK:technology"),
        ("fr", "L'armée sud-coréenne a estimé que le pays reclus avait expédié des obus à Moscou.",
         "PRK>RUS:munitions"),
    ],
    "soldiers captured or killed are soldiers present": [
        ("de", "Russland und Nordkorea schweigen. Kiew meldet die Gefangennahme zweier nordkoreanischer Soldaten "
               "in Kursk.", "PRK>RUS:personnel"),
        ("en", "Moscow and Pyongyang stay silent. Kyiv says it captured two North Korean soldiers in Kursk.",
         "PRK>RUS:personnel"),
    ],
    "items and verbs the lexicon lacked": [
        ("de", "Das Frachtschiff soll Waffen von Nordkorea nach Russland befördert haben.", "PRK>RUS:munitions"),
        ("de", "Seoul verurteilt den Nachschub Nordkoreas an Munition für Russland.", "PRK>RUS:munitions"),
        ("en", "Seoul condemned North Korea for sending military equipment and troops to Russia.",
         "PRK>RUS:munitions,PRK>RUS:personnel"),
        ("fr", "Pyongyang aurait fourni à la Russie du personnel et des obus.", "PRK>RUS:munitions,PRK>RUS:personnel"),
        ("de", "Nordkorea wird weitere Armeeangehörige nach Kursk entsenden, meldet Moskau.", "PRK>RUS:personnel"),
    ],
    "no claim: conditions, science cooperation, missile tests": [
        ("de", "Sollte Nordkorea Soldaten nach Russland entsenden, wird Seoul die Ukraine stärker unterstützen.", ""),
        ("en", "Russia and North Korea agreed to expand exchanges in science and technology.", ""),
        ("fr", "La Corée du Nord continue de violer les sanctions en testant des missiles, la Russie se tait.", ""),
    ],
}


def _triples(analyzer, lang: str, text: str) -> set[str]:
    article = analyzer.analyze(RawArticle(text=text, language=lang))
    return {f"{c.supplier}>{c.recipient}:{c.family}" for c in article.claims
            if set(c.parties) == DYAD and c.confidence >= ALERT_CONFIDENCE}


@pytest.mark.parametrize(("lang", "text", "expected"),
                         [case for cases in CASES.values() for case in cases],
                         ids=[f"{cls}-{i}-{case[0]}" for cls, cases in CASES.items() for i, case in enumerate(cases)])
def test_real_text_forms_give_exactly_the_claims_a_reader_sees(analyzer, lang, text, expected):
    want = set(expected.split(",")) if expected else set()
    assert _triples(analyzer, lang, text) == want

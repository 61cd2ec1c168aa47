"""A keyword search, the floor the extraction must beat: both states named, a family keyword, the usual direction.

An article that names Russia and North Korea and, in a sentence naming either, a word of a family, gets
that family's claim in the direction the story usually has (munitions and personnel to Russia,
technology to North Korea).
"""

from __future__ import annotations

import re

RUS = re.compile(r"\b(russ\w*|moskau|moscou|moscow|kreml\w*|kremlin|putin\w*|poutine|rusia)\b", re.I)
PRK = re.compile(r"(nord-?kor\w*|north korea\w*|corée du nord|nord-coré\w*|pj[öo]ngjang\w*|pyongyang|kim jong)",
                 re.I)
FAMILIES = {
    "munitions": re.compile(
        r"(granat|munition|ammunition|shell|obus|rakete|missile|waffe|weapon|arme|artiller|haubitz|howitzer|"
        r"raketenwerfer|launcher|lance-roquettes|drohne|drone|luftabwehr|air defen|défense antiaérienne|"
        r"kn-23|koksan)", re.I),
    "technology": re.compile(
        r"(technolog|know-how|satellit|u-boot|submarine|sous-marin|nuklear|nuclear|nucléaire|atom)", re.I),
    "personnel": re.compile(
        r"(soldat|soldier|truppe|troop|troupe|kämpfer|militärangehörig|pionier|sapper|sapeur|arbeiter|"
        r"worker|ouvrier|ingenieur|engineer|ingénieur)", re.I),
}
DIRECTION = {"munitions": ("PRK", "RUS"), "technology": ("RUS", "PRK"), "personnel": ("PRK", "RUS")}
SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def claims(text: str) -> set[tuple[str, str, str]]:
    if not (RUS.search(text) and PRK.search(text)):
        return set()
    found = set()
    for sentence in SENTENCE.split(text):
        if RUS.search(sentence) or PRK.search(sentence):
            found.update(DIRECTION[f] + (f,) for f, words in FAMILIES.items() if words.search(sentence))
    return found

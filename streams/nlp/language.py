"""Language identification: a function-word vote for clear cases, lingua (offline models) otherwise.

News text in German, English or French is almost always decided by its commonest words in
microseconds; lingua's trigram models settle the rest (short or mixed texts, other languages).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CANDIDATES = (
    Language.GERMAN, Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.ITALIAN,
    Language.DUTCH, Language.RUSSIAN, Language.POLISH, Language.PORTUGUESE,
)
LANGUAGES = sorted(c.iso_code_639_1.name.lower() for c in CANDIDATES)  # every code detect() can return
SAMPLE_CHARS = 600
MODEL_NAME = "function-words+lingua"
FUNCTION_WORDS = {
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "sich", "auf", "für", "dem", "den", "ein", "eine",
           "sei", "wird", "auch", "von", "zu", "im", "des", "dass", "hat", "nach", "bei"},
    "en": {"the", "and", "is", "of", "to", "in", "that", "with", "for", "on", "was", "has", "by", "from", "it",
           "said", "are", "have", "its", "this", "be", "an", "as", "at"},
    "fr": {"le", "la", "les", "et", "des", "est", "du", "une", "que", "dans", "pour", "sur", "pas", "qui", "au",
           "aux", "avec", "par", "ont", "été", "selon", "il", "elle", "se"},
}
_WORD = re.compile(r"[^\W\d_]+")
MIN_VOTES = 12
MARGIN = 3.0  # the winner needs this many times the runner-up's votes


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*CANDIDATES).with_low_accuracy_mode().build()


# function word -> the languages it belongs to: one probe per word of the sample instead of one per language
_LANGS_OF = {w: tuple(lang for lang, ws in FUNCTION_WORDS.items() if w in ws)
             for words in FUNCTION_WORDS.values() for w in words}


def vote(sample: str) -> str | None:
    counts = dict.fromkeys(FUNCTION_WORDS, 0)
    langs_of = _LANGS_OF
    for langs in [langs_of[w] for w in _WORD.findall(sample.lower()) if w in langs_of]:
        for lang in langs:
            counts[lang] += 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (best, n1), (_, n2) = ranked[0], ranked[1]
    if n1 >= MIN_VOTES and n1 >= MARGIN * n2:
        return best
    return best if n1 >= 2 and n2 == 0 else None  # a short text, but only one language's words in it


def detect(text: str, hint: str | None = None, default: str = "de") -> str:
    """ISO 639-1 code. A producer's hint is used only when detection has nothing to go on."""
    sample = text[:SAMPLE_CHARS]
    quick = vote(sample)
    if quick:
        return quick
    found = detector().detect_language_of(sample) if sample.strip() else None
    if found is None:
        return hint.lower()[:2] if hint and hint.lower()[:2] in LANGUAGES else default
    return found.iso_code_639_1.name.lower()

"""Language identification with lingua (offline models in the wheel), trigram mode: fast and small."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CANDIDATES = (
    Language.GERMAN, Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.ITALIAN,
    Language.DUTCH, Language.RUSSIAN, Language.POLISH, Language.PORTUGUESE,
)
SAMPLE_CHARS = 600
MODEL_NAME = "lingua-low-accuracy"


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*CANDIDATES).with_low_accuracy_mode().build()


def detect(text: str, hint: str | None = None, default: str = "de") -> str:
    """ISO 639-1 code. A producer's hint is used only when detection has nothing to go on."""
    sample = text[:SAMPLE_CHARS]
    found = detector().detect_language_of(sample) if sample.strip() else None
    if found is None:
        return (hint or default).lower()[:2]
    return found.iso_code_639_1.name.lower()

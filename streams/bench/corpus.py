"""Benchmark texts, varied so that every text is distinct (no cache flatters a figure).

Two modes. ``realistic`` (the default): like real traffic, most articles carry no transfer claim —
general politics, economy, sport and other conflicts in German, English and French (the texts in
``texts/``, written for the project) — and every 20th is a seed article (Russia–North Korea, each
carrying claims). ``stress``: every article is a seed article, so each one fans out to many rule
matches, novelty-table writes and alerts.

Variation keeps each article's structure (title first, body paragraphs in order, boilerplate where it
was, so the cleaner cuts the same sections) but changes its surface: sentences are shuffled inside each
paragraph, every digit is remapped through a per-article permutation, and a unique dateline paragraph
(running number, a reporter's name, a city, a time) is inserted after the title. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from schemas import RawArticle
from streams.sources.files import read_articles

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
TEXTS_DIR = Path(__file__).resolve().parent / "texts"
MODES = ("realistic", "stress")
CLAIM_EVERY = 20  # realistic mode: one article in this many is a seed (claim-bearing) article
_SENTENCE_END = re.compile(r"(?<=[.!?»“])\s+(?=[A-ZÄÖÜ«„])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_DIGIT = re.compile(r"\d")

FIRST = ("Anna", "Jonas", "Lea", "Felix", "Marie", "Lukas", "Sophie", "Paul", "Emma", "Ben", "Hanna", "Elias",
         "Clara", "Noah", "Ida", "Moritz", "Greta", "Jakob", "Lina", "Theo")
LAST = ("Keller", "Brandt", "Vogel", "Hartmann", "Lorenz", "Seidel", "Franke", "Winter", "Busch", "Engel",
        "Kuhn", "Pohl", "Roth", "Sauer", "Graf", "Ludwig", "Albrecht", "Kraus", "Jung", "Haas")
CITIES = ("Hamburg", "Köln", "Leipzig", "Bremen", "Dresden", "Hannover", "Nürnberg", "Freiburg", "Kassel",
          "Mainz", "Rostock", "Bonn", "Erfurt", "Kiel", "Augsburg", "Münster", "Potsdam", "Ulm", "Trier", "Graz")


DATELINES = {
    "de": "{city}, {hh:02d}:{mm:02d} Uhr. Aktualisierte Fassung {index} von {first} {last}.",
    "en": "{city}, {hh:02d}:{mm:02d}. Updated version {index} by {first} {last}.",
    "fr": "{city}, {hh:02d}h{mm:02d}. Version mise à jour {index} par {first} {last}.",
}


def load_seeds(directory: str | Path = SEEDS_DIR) -> list[RawArticle]:
    articles = [item.article for item in read_articles([directory]) if item.article is not None]
    if not articles:
        raise FileNotFoundError(f"no seed articles (*.txt) in {directory}")
    return articles


def load_texts(directory: str | Path = TEXTS_DIR) -> list[RawArticle]:
    """The claim-free texts; the file name starts with the language code (``de_haushalt.txt``)."""
    articles = [item.article for item in read_articles([directory]) if item.article is not None]
    if not articles:
        raise FileNotFoundError(f"no bench texts (*.txt) in {directory}")
    return articles


def text_language(article: RawArticle) -> str:
    """Language of a bench text from its file name (``de_…``); seeds are German."""
    name = str(article.metadata.get("path") or article.metadata.get("file") or article.id or "")
    stem = Path(name).name
    return stem[:2] if stem[:3] in ("de_", "en_", "fr_") else "de"


def _shuffle_sentences(paragraph: str, rng: random.Random) -> str:
    sentences = _SENTENCE_END.split(paragraph.strip())
    if len(sentences) > 1:
        rng.shuffle(sentences)
    return " ".join(sentences)


def vary(text: str, index: int, rng: random.Random, lang: str = "de", extra: str = "") -> str:
    """One distinct variant of ``text``: the dateline carries ``index``, so variants never collide;
    ``extra`` (a paragraph) goes after the dateline."""
    paragraphs = _PARAGRAPH.split(text.strip())
    title, body = paragraphs[0], paragraphs[1:]
    digits = list("0123456789")
    rng.shuffle(digits)
    table = str.maketrans("0123456789", "".join(digits))
    body = [_shuffle_sentences(p, rng).translate(table) for p in body]
    dateline = DATELINES.get(lang, DATELINES["de"]).format(
        city=rng.choice(CITIES), hh=rng.randrange(24), mm=rng.randrange(60), index=index,
        first=rng.choice(FIRST), last=rng.choice(LAST))
    return "\n\n".join([title, dateline, *([extra] if extra else []), *body]) + "\n"


def corpus(n: int, seed: int = 0, tag: str = "bench", seeds: list[RawArticle] | None = None,
           mode: str = "realistic", fresh: bool = False) -> list[RawArticle]:
    """``n`` distinct articles; ids are ``{tag}-{seed}-{i}`` (Kafka keys). ``fresh``: each article also
    carries words no earlier article had (names, numbers, compounds; see ``fresh_paragraph``)."""
    return list(iter_corpus(n, seed, tag, seeds, mode, fresh))


def iter_corpus(n: int, seed: int = 0, tag: str = "bench", seeds: list[RawArticle] | None = None,
                mode: str = "realistic", fresh: bool = False) -> Iterator[RawArticle]:
    """``corpus`` one article at a time (the memory bench feeds tens of thousands)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    claims = seeds if seeds is not None else load_seeds()
    general = load_texts() if mode == "realistic" else []
    rng = random.Random(seed)
    g = 0
    for i in range(n):
        claim = not general or i % CLAIM_EVERY == CLAIM_EVERY // 2
        if claim:
            src = claims[(i // CLAIM_EVERY if general else i) % len(claims)]
        else:
            src, g = general[g % len(general)], g + 1
        lang = "de" if claim else text_language(src)
        extra = fresh_paragraph(i, seed, lang) if fresh else ""
        text = vary(src.text, i, rng, lang, extra)
        yield RawArticle(id=f"{tag}-{seed}-{i:06d}", text=text, title=src.title,
                         metadata={**src.metadata, "bench_index": i, "bench_mode": mode,
                                   "bench_claims": claim})


_SYLLABLES = ("ka", "lo", "mi", "tur", "ben", "sa", "vik", "do", "re", "zan", "po", "lu", "fer", "gi", "mo", "ta",
              "wen", "os", "ri", "ul")
FRESH = {
    "de": "Der Sprecher {n1} {n2} aus {place} nannte {num1} Fälle und {num2} Euro; die {org}-Gruppe und "
          "{n3} {n4} von der {n5}-Stiftung widersprachen am {num3}.",
    "en": "Spokesman {n1} {n2} of {place} cited {num1} cases and {num2} dollars; the {org} group and "
          "{n3} {n4} of the {n5} Foundation disagreed on {num3}.",
    "fr": "Le porte-parole {n1} {n2} de {place} a cité {num1} cas et {num2} euros ; le groupe {org} et "
          "{n3} {n4} de la fondation {n5} contestent depuis le {num3}.",
}


def _word(k: int) -> str:
    """A pronounceable word unique to ``k`` (base-20 syllables)."""
    out = []
    k += 20 * 20  # at least three syllables
    while k:
        k, r = divmod(k, len(_SYLLABLES))
        out.append(_SYLLABLES[r])
    return "".join(out)


def fresh_paragraph(index: int, seed: int = 0, lang: str = "de") -> str:
    """Eight words and three numbers no other index has: what real news brings every day."""
    base = (seed * 10_000_019 + index) * 8
    return FRESH.get(lang, FRESH["de"]).format(
        n1=_word(base).capitalize(), n2=_word(base + 1).capitalize(), place=_word(base + 2).capitalize(),
        n3=_word(base + 4).capitalize(), n4=_word(base + 5).capitalize(), n5=_word(base + 6).capitalize(),
        num3=f"{base % 28 + 1}.{base % 12 + 1}.{2000 + base % 997}",
        org=_word(base + 3).upper(), num1=f"{(base * 7919) % 1_000_003:,}".replace(",", "."),
        num2=f"{(base * 104_729) % 99_999_989 + 1_000_000}")

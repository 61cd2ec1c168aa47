"""Benchmark texts: the seed articles, varied so that every text is distinct (no cache flatters a figure).

Variation keeps each article's structure (title first, body paragraphs in order, boilerplate where it
was, so the cleaner cuts the same sections) but changes its surface: sentences are shuffled inside each
paragraph, every digit is remapped through a per-article permutation, and a unique dateline paragraph
(running number, a reporter's name, a city, a time) is inserted after the title. Deterministic for a seed.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from schemas import RawArticle
from streams.sources.files import read_articles

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
_SENTENCE_END = re.compile(r"(?<=[.!?»“])\s+(?=[A-ZÄÖÜ«„])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_DIGIT = re.compile(r"\d")

FIRST = ("Anna", "Jonas", "Lea", "Felix", "Marie", "Lukas", "Sophie", "Paul", "Emma", "Ben", "Hanna", "Elias",
         "Clara", "Noah", "Ida", "Moritz", "Greta", "Jakob", "Lina", "Theo")
LAST = ("Keller", "Brandt", "Vogel", "Hartmann", "Lorenz", "Seidel", "Franke", "Winter", "Busch", "Engel",
        "Kuhn", "Pohl", "Roth", "Sauer", "Graf", "Ludwig", "Albrecht", "Kraus", "Jung", "Haas")
CITIES = ("Hamburg", "Köln", "Leipzig", "Bremen", "Dresden", "Hannover", "Nürnberg", "Freiburg", "Kassel",
          "Mainz", "Rostock", "Bonn", "Erfurt", "Kiel", "Augsburg", "Münster", "Potsdam", "Ulm", "Trier", "Graz")


def load_seeds(directory: str | Path = SEEDS_DIR) -> list[RawArticle]:
    articles = [item.article for item in read_articles([directory]) if item.article is not None]
    if not articles:
        raise FileNotFoundError(f"no seed articles (*.txt) in {directory}")
    return articles


def _shuffle_sentences(paragraph: str, rng: random.Random) -> str:
    sentences = _SENTENCE_END.split(paragraph.strip())
    if len(sentences) > 1:
        rng.shuffle(sentences)
    return " ".join(sentences)


def vary(text: str, index: int, rng: random.Random) -> str:
    """One distinct variant of ``text``: the dateline carries ``index``, so variants never collide."""
    paragraphs = _PARAGRAPH.split(text.strip())
    title, body = paragraphs[0], paragraphs[1:]
    digits = list("0123456789")
    rng.shuffle(digits)
    table = str.maketrans("0123456789", "".join(digits))
    body = [_shuffle_sentences(p, rng).translate(table) for p in body]
    dateline = (f"{rng.choice(CITIES)}, {rng.randrange(24):02d}:{rng.randrange(60):02d} Uhr. "
                f"Aktualisierte Fassung {index} von {rng.choice(FIRST)} {rng.choice(LAST)}.")
    return "\n\n".join([title, dateline, *body]) + "\n"


def corpus(n: int, seed: int = 0, tag: str = "bench", seeds: list[RawArticle] | None = None) -> list[RawArticle]:
    """``n`` distinct articles cycling through the seeds; ids are ``{tag}-{seed}-{i}`` (Kafka keys)."""
    base = seeds if seeds is not None else load_seeds()
    rng = random.Random(seed)
    out = []
    for i in range(n):
        src = base[i % len(base)]
        text = vary(src.text, i, rng)
        out.append(RawArticle(id=f"{tag}-{seed}-{i:06d}", text=text, title=src.title,
                              metadata={**src.metadata, "bench_index": i}))
    return out

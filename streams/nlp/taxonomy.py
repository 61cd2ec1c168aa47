"""The topic taxonomy (``data/topics.yaml``): multi-label topics scored from evidence terms."""

from __future__ import annotations

import math
from pathlib import Path

from pydantic import BaseModel, Field

from schemas import TopicTag
from streams.nlp.data_files import DATA_DIR, load_yaml


class TopicEntry(BaseModel):
    id: str
    label: str
    terms: dict[str, list[str]]
    threshold: float = Field(2.0, gt=0)


class Taxonomy(BaseModel):
    version: str
    topics: list[TopicEntry]


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    return load_yaml(path or DATA_DIR / "topics.yaml", Taxonomy)


class TopicScorer:
    """Single words match exactly or by prefix ("waffenlieferung*"); phrases are matched by the caller."""

    def __init__(self, taxonomy: Taxonomy, lang: str):
        self.taxonomy = taxonomy
        self.exact: dict[str, list[int]] = {}
        self.prefixes: list[tuple[str, int]] = []
        self.phrases: list[tuple[str, int]] = []
        for n, topic in enumerate(taxonomy.topics):
            for term in topic.terms.get(lang, []):
                term = term.casefold().strip()
                if " " in term:
                    self.phrases.append((term.replace("*", ""), n))
                elif term.endswith("*"):
                    self.prefixes.append((term[:-1], n))
                elif term:
                    self.exact.setdefault(term, []).append(n)
        self._by_prefix: dict[str, list[int]] = {}  # prefix term -> topics, probed once per prefix length
        for prefix, n in self.prefixes:
            self._by_prefix.setdefault(prefix, []).append(n)
        self._shortest = min((len(p) for p in self._by_prefix), default=1)
        self._longest = max((len(p) for p in self._by_prefix), default=0)

    def word_topics(self, word: str) -> tuple[int, ...]:
        """Exact terms, and every prefix term the word starts with (one dict probe per prefix length of the
        word, not one ``startswith`` per prefix term: a new word costs ~2 µs, not 15-30)."""
        word = word.casefold()  # terms are case-folded too: "Strafmaßnahmen" -> "strafmassnahmen"
        found = set(self.exact.get(word, ()))
        by_prefix = self._by_prefix
        for k in range(self._shortest, min(len(word), self._longest) + 1):
            found.update(by_prefix.get(word[:k], ()))
        return tuple(sorted(found))

    def rank(self, hits: dict[int, dict[str, int]]) -> list[TopicTag]:
        """hits: topic index -> evidence term -> count."""
        out = []
        for n, evidence in hits.items():
            topic = self.taxonomy.topics[n]
            weight = sum(evidence.values())
            if weight < topic.threshold:
                continue
            score = round(1 - math.exp(-weight / (2 * topic.threshold)), 3)
            top = sorted(evidence, key=lambda w: -evidence[w])[:5]
            out.append(TopicTag(id=topic.id, label=topic.label, score=score, evidence=top))
        out.sort(key=lambda t: -t.score)
        return out

"""``newsmon_topics``: multi-label topic scores from the versioned taxonomy."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from streams.nlp.bounded import BoundedCache
from streams.nlp.data_files import DATA_DIR
from streams.nlp.taxonomy import TopicScorer, load_taxonomy

if not Doc.has_extension("topics"):
    Doc.set_extension("topics", default=None)

TAXONOMY_FILE = "topics.yaml"
CACHE_SIZE = 20_000  # at most 40,000 words (~1 MB); a miss is a few dict probes (taxonomy.py), a few µs


@Language.factory("newsmon_topics", assigns=["doc._.topics"], requires=["token.lemma"],
                  default_config={"taxonomy_path": None})
def make_topics(nlp: Language, name: str, taxonomy_path: str | None) -> TopicTagger:
    return TopicTagger(nlp, name, taxonomy_path=taxonomy_path)


class TopicTagger:
    def __init__(self, nlp: Language, name: str = "newsmon_topics", *, taxonomy_path: str | None = None):
        self.nlp = nlp
        self.name = name
        self._load(Path(taxonomy_path) if taxonomy_path else DATA_DIR / TAXONOMY_FILE)

    def _load(self, path: Path) -> None:
        self.path = path
        self.taxonomy = load_taxonomy(path)
        self.scorer = TopicScorer(self.taxonomy, self.nlp.lang)
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for term, n in self.scorer.phrases:
            self.phrase_matcher.add(f"{n}|{term}", [self.nlp.make_doc(term)])
        # word hash -> topic numbers; at most 2 * CACHE_SIZE words (keys are stable across memory zones)
        self._cache: BoundedCache[int, tuple[int, ...]] = BoundedCache(CACHE_SIZE)

    def _topics_of(self, key: int, strings) -> tuple[int, ...]:  # noqa: ANN001
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self.scorer.word_topics(strings[key].casefold()) if key else ()
        return hit

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        hits: dict[int, dict[int, int]] = {}
        array = doc.to_array([LOWER, LEMMA])
        for (lower, lemma), count in Counter(zip(array[:, 0].tolist(), array[:, 1].tolist(), strict=True)).items():
            found = self._topics_of(lower, strings)
            if lemma != lower:
                found = found + self._topics_of(lemma, strings)
            for n in set(found):
                evidence = hits.setdefault(n, {})
                evidence[lower] = evidence.get(lower, 0) + count
        named = {n: {strings[k]: c for k, c in ev.items()} for n, ev in hits.items()}
        for key, _, _ in self.phrase_matcher(doc):
            n, term = strings[key].split("|", 1)
            evidence = named.setdefault(int(n), {})
            evidence[term] = evidence.get(term, 0) + 1
        doc._.topics = self.scorer.rank(named)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path / TAXONOMY_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TopicTagger:
        self._load(Path(path) / TAXONOMY_FILE)
        return self

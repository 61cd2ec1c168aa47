"""``newsmon_topics``: multi-label topic scores from the versioned taxonomy."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from streams.nlp.data_files import DATA_DIR
from streams.nlp.taxonomy import TopicScorer, load_taxonomy

if not Doc.has_extension("topics"):
    Doc.set_extension("topics", default=None)

TAXONOMY_FILE = "topics.yaml"


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

    def __call__(self, doc: Doc) -> Doc:
        words = [t.lower_ for t in doc if t.is_alpha or "-" in t.text]
        lemmas = [t.lemma_.lower() or t.lower_ for t in doc if t.is_alpha or "-" in t.text]
        doc._.topics = self.scorer.score(words, lemmas)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, path / TAXONOMY_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TopicTagger:
        self._load(Path(path) / TAXONOMY_FILE)
        return self

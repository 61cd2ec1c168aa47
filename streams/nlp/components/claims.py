"""``newsmon_claims``: transfer claims from the claim lexicon of the pipeline's language."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from streams.nlp.claims import ClaimExtractor
from streams.nlp.data_files import DATA_DIR
from streams.nlp.lexicon import CompiledLexicon, load_lexicon

if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


@Language.factory("newsmon_claims", assigns=["doc._.claims"], requires=["doc._.actor_mentions"],
                  default_config={"lexicon_dir": None})
def make_claims(nlp: Language, name: str, lexicon_dir: str | None) -> ClaimRecognizer:
    return ClaimRecognizer(nlp, name, lexicon_dir=lexicon_dir)


class ClaimRecognizer:
    def __init__(self, nlp: Language, name: str = "newsmon_claims", *, lexicon_dir: str | None = None):
        self.nlp = nlp
        self.name = name
        self._load(Path(lexicon_dir) if lexicon_dir else DATA_DIR / "claims")

    def _load(self, directory: Path) -> None:
        self.directory = directory
        self.lexicon: CompiledLexicon | None = load_lexicon(self.nlp.lang, directory)
        self.version = self.lexicon.version if self.lexicon else "none"
        self._extractor: ClaimExtractor | None = None  # built on first use: it needs the actors pipe

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            doc._.claims = []  # no lexicon for this language: actors and topics only
            return doc
        if self._extractor is None:  # one per process: it remembers which words can hint at a claim
            self._extractor = ClaimExtractor(self.lexicon, self.nlp.get_pipe("newsmon_actors").actors)
        doc._.claims = self._extractor(doc)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        source = self.directory / f"{self.nlp.lang}.yaml"
        if source.exists():
            shutil.copyfile(source, path / source.name)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ClaimRecognizer:
        self._load(Path(path))
        return self

"""``newsmon_transfer``: per-sentence transfer-family probabilities from the trained classifier.

Only articles that name both Russia and North Korea get scores (the classifier was trained for that
pair), and only for the sentences the claim extractor asks about; other Docs get ``None``. The weights
ship in ``data/models/transfer/`` and are rebuilt with ``newsmon train``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from streams.nlp.data_files import DATA_DIR, DataFileError
from streams.nlp.transfer_classifier import DYAD, SentenceScores, TransferClassifier

if not Doc.has_extension("transfer_scores"):
    Doc.set_extension("transfer_scores", default=None)

MODEL_DIR = DATA_DIR / "models" / "transfer"


@Language.factory("newsmon_transfer", assigns=["doc._.transfer_scores"], requires=["doc._.actor_mentions"],
                  default_config={"model_path": None})
def make_transfer(nlp: Language, name: str, model_path: str | None) -> TransferScorer:
    return TransferScorer(nlp, name, model_path=model_path)


class TransferScorer:
    def __init__(self, nlp: Language, name: str = "newsmon_transfer", *, model_path: str | None = None):
        self.nlp = nlp
        self.name = name
        self._load(Path(model_path) if model_path else MODEL_DIR)

    def _load(self, path: Path) -> None:
        if not (path / "config.cfg").exists():
            raise DataFileError(f"{path}: no trained transfer classifier here (build one with `newsmon train`)")
        self.path = path
        self.classifier = TransferClassifier.load(path)

    def __call__(self, doc: Doc) -> Doc:
        mentions = doc._.actor_mentions or []
        if {m.country for m in mentions if m.country} >= DYAD:
            doc._.transfer_scores = SentenceScores(list(doc.sents), self.classifier.score)
        else:
            doc._.transfer_scores = None
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        if path.exists():
            shutil.rmtree(path)
        self.classifier.save(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> TransferScorer:
        self._load(Path(path))
        return self

"""A sentence classifier for "carries a Russia–North Korea transfer claim of family F", for recall.

The hand rules read roles, items and evidence well but miss claims phrased in ways no rule foresaw
("units fighting at Russia's side suffer losses", "purchases of North Korean arms by Russia"). A
bag-of-words text classifier trained on labelled real reporting (and the written dev set) catches many
of those. It only adds recall: the claim extractor asks it about sentences of articles that name both
states, and adds a claim for a family the rules did not find (see ``ClaimExtractor``).

Training data comes from labelled texts: a sentence that overlaps a labelled claim sentence is positive
for that claim's family; every sentence of an article without any claim is negative; the other
sentences of positive articles are left out, since a labeller marks only the first sentence of each
claim and later sentences repeating it would be taught as negatives.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from schemas.enriched import Family

FAMILIES: tuple[Family, ...] = ("munitions", "technology", "personnel")
DYAD = {"RUS", "PRK"}
PIPE = "textcat_multilabel"
MODEL_CONFIG = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 1,  # unigrams generalised best to an unseen batch (r4: bigrams 0.86, trigrams 0.84 alert recall)
    "no_output_layer": False,
    "length": 65_536,  # hashed features: ~1 MB of weights; 262,144 scored the same
}


@dataclass
class LabelledText:
    """A text with the character spans of its claim sentences (the ``tests/data`` label formats)."""

    lang: str
    text: str
    claims: list[tuple[int, int, Family, bool]] = field(default_factory=list)  # start, end, family, optional

    @property
    def transfer(self) -> bool:
        return bool(self.claims)


@dataclass
class TrainingSentence:
    lang: str
    text: str
    cats: dict[str, float]


def _dyad(claim: dict) -> bool:
    return {claim.get("supplier"), claim.get("recipient")} <= DYAD | {None}


def read_hydrated(path: Path, batches: set[str] | None = None) -> list[LabelledText]:
    """Hydrated real excerpts (``tests/real_corpus.py hydrate``): labels with claim spans, and the text."""
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = orjson.loads(line)
        if batches is not None and row["batch"] not in batches:
            continue
        claims = [(c["span"][0], c["span"][1], c["family"], c.get("optional", False))
                  for c in row["labels"]["claims"] if c.get("span") and _dyad(c)]
        texts.append(LabelledText(row["lang"], row["text"], claims))
    return texts


def read_written(directory: Path) -> list[LabelledText]:
    """Articles written for the project (``tests/data/devset``): claims name their sentence."""
    texts = []
    for path in sorted(directory.glob("*.json")):
        case = orjson.loads(path.read_bytes())
        text = case["text"]
        claims = []
        for c in case["labels"]["claims"]:
            sentence = c.get("sentence")
            if _dyad(c) and sentence and sentence in text:
                start = text.index(sentence)
                claims.append((start, start + len(sentence), c["family"], False))
            elif _dyad(c):  # a claim without a findable sentence still makes the article positive
                claims.append((0, 0, c["family"], True))
        texts.append(LabelledText(case["language"], text, claims))
    return texts


def training_sentences(item: LabelledText, nlp: Language) -> Iterator[TrainingSentence]:
    """Sentences of one labelled text with their family labels (see the module docstring)."""
    doc = nlp(item.text)
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        overlapping = [(fam, opt) for a, b, fam, opt in item.claims if a < sent.end_char and sent.start_char < b]
        if any(opt for _, opt in overlapping):
            continue  # genuinely ambiguous: neither taught as a claim nor as none
        families = {fam for fam, _ in overlapping}
        if not families and item.transfer:
            continue
        yield TrainingSentence(item.lang, sent.text, {f: float(f in families) for f in FAMILIES})


def sentence_splitter(lang: str) -> Language:
    """The tokenizer and sentence rules of the analysis pipeline, so training sees what inference sees."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("newsmon_sentences")
    return nlp


def train(texts: Iterable[LabelledText], *, epochs: int = 12, seed: int = 0, dropout: float = 0.2,
          batch_size: int = 32) -> tuple[Language, int, int]:
    """A fresh classifier trained on these texts; returns it with the sentence and positive counts."""
    import streams.nlp.components.sentences  # noqa: F401  (registers newsmon_sentences)

    spacy.util.fix_random_seed(seed)
    splitters: dict[str, Language] = {}
    rows = []
    for item in texts:
        splitter = splitters.setdefault(item.lang, sentence_splitter(item.lang))
        rows.extend((splitter, row) for row in training_sentences(item, splitter))
    classifier = spacy.blank("xx")
    pipe = classifier.add_pipe(PIPE, config={"model": MODEL_CONFIG})
    for family in FAMILIES:
        pipe.add_label(family)
    examples = [Example.from_dict(splitter.make_doc(row.text), {"cats": row.cats}) for splitter, row in rows]
    optimizer = classifier.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for i in range(0, len(examples), batch_size):
            classifier.update(examples[i:i + batch_size], sgd=optimizer, drop=dropout)
    positives = sum(1 for _, row in rows if any(row.cats.values()))
    return classifier, len(rows), positives


class SentenceScores:
    """Family probabilities of a Doc's sentences, computed when first asked for: the claim extractor asks
    only about sentences that name an item of a family the rules missed, so most are never scored."""

    def __init__(self, sentences: list[Span], score: Callable[[list[Span]], list[dict[str, float]]]):
        self.sentences = sentences
        self._score = score
        self._known: dict[int, dict[str, float]] = {}

    def of(self, indices: Iterable[int]) -> dict[int, dict[str, float]]:
        wanted = list(dict.fromkeys(indices))
        missing = [k for k in wanted if k not in self._known]
        if missing:
            self._known.update(zip(missing, self._score([self.sentences[k] for k in missing]), strict=True))
        return {k: self._known[k] for k in wanted}


class TransferClassifier:
    """Scores sentences of any pipeline's Doc with a trained classifier (a blank 'xx' + textcat pipeline)."""

    def __init__(self, classifier: Language):
        self.classifier = classifier
        self.pipe = classifier.get_pipe(PIPE)

    @classmethod
    def load(cls, path: str | Path) -> TransferClassifier:
        return cls(spacy.load(path))

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.classifier.to_disk(path)

    def score(self, sentences: list[Span]) -> list[dict[str, float]]:
        """Family probabilities per sentence; features are the tokens' hashed forms, so any vocab works."""
        if not sentences:
            return []
        docs: list[Doc] = [s.as_doc() for s in sentences]
        scores = self.pipe.model.predict(docs)
        labels = list(self.pipe.labels)
        return [{label: float(row[i]) for i, label in enumerate(labels)} for row in scores.tolist()]

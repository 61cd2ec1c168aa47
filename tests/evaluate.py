"""Precision/recall of the extraction on a labelled set: ``python -m tests.evaluate [--set holdout] [-v]``.

Article level: does the article carry a Russia–North Korea transfer claim? Claim triples:
(supplier, recipient, family) of RUS/PRK claims. Countries and persons: per-article sets, micro-averaged.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from schemas import EnrichedArticle, RawArticle
from streams.nlp.analyzer import Analyzer

DATA = Path(__file__).parent / "data"
DYAD = {"RUS", "PRK"}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, gold: set, pred: set, where: str) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        if gold != pred:
            self.errors.append(f"{where}: missed {sorted(gold - pred, key=str)} extra {sorted(pred - gold, key=str)}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(text.replace("-", " ").split())


def dyad_claims(article: EnrichedArticle) -> set[tuple]:
    return {(c.supplier, c.recipient, c.family) for c in article.claims if set(c.parties) == DYAD}


def persons_match(gold: list[str], predicted: list[str]) -> tuple[set, set]:
    """Gold and predicted person sets, where a prediction matching a gold surname counts as that person."""
    gold_n = {_norm(g) for g in gold}
    pred_set = set()
    for p in predicted:
        pn = _norm(p)
        hit = next((g for g in gold_n if g == pn or g.split()[-1] == pn.split()[-1] or pn in g or g in pn), None)
        pred_set.add(hit or pn)
    return gold_n, pred_set


def evaluate(directory: Path, analyzer: Analyzer) -> dict[str, Score]:
    scores = {k: Score() for k in ("articles", "claims", "countries", "persons")}
    for path in sorted(directory.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        labels = case["labels"]
        raw = RawArticle(text=case["text"], title=case.get("title"), id=case["id"],
                         published_at=case.get("published_at"))
        enriched = analyzer.analyze(raw)
        name = path.stem
        claims = dyad_claims(enriched)
        scores["articles"].add({name} if labels["transfer"] else set(), {name} if claims else set(), name)
        gold_claims = {(c["supplier"], c["recipient"], c["family"]) for c in labels["claims"]
                       if {c["supplier"], c["recipient"]} <= DYAD | {None}}
        scores["claims"].add(gold_claims, claims, name)
        countries = {a.id for a in enriched.actors if a.type == "country"}
        scores["countries"].add(set(labels["countries"]), countries, name)
        gold_p, pred_p = persons_match(labels["persons"], [a.name for a in enriched.actors if a.type == "person"])
        scores["persons"].add(gold_p, pred_p, name)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", default="devset", help="folder under tests/data (devset or holdout)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the errors per article")
    args = parser.parse_args(argv)
    scores = evaluate(DATA / args.set, Analyzer())
    print(f"{args.set}: {len(list((DATA / args.set).glob('*.json')))} articles")
    print(f"{'measure':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, s in scores.items():
        print(f"{name:<10} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f} {s.tp:>4} {s.fp:>4} {s.fn:>4}")
    if args.verbose:
        for name, s in scores.items():
            for err in s.errors:
                print(f"[{name}] {err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

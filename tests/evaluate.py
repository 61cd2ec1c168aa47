"""Precision/recall of the extraction on a labelled set: ``python -m tests.evaluate [--set NAME] [-v]``.

Sets: ``devset`` and ``holdout`` (articles written for the project, ``tests/data/<set>/*.json``) and
``real`` (excerpts of real reporting, hydrated locally by ``python -m tests.real_corpus hydrate``;
``--batch`` picks one labelling batch). Article level: does the article carry a Russia–North Korea
transfer claim? Claim triples: (supplier, recipient, family) of RUS/PRK claims. Countries and persons:
per-article sets, micro-averaged. Labels marked optional count neither way. ``--baseline`` scores a
keyword search beside the pipeline; ``--thresholds`` shows claims and alerts at several confidences.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from schemas import Claim, EnrichedArticle, RawArticle
from streams.alerting.rules import load_rules
from streams.nlp.analyzer import Analyzer
from tests import baseline
from tests.real_corpus import load_hydrated

DATA = Path(__file__).parent / "data"
DYAD = {"RUS", "PRK"}
THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9)


def alert_threshold(rule_id: str = "ru-kp-transfer") -> float:
    """Claims are scored as the Russia–North Korea alert rule takes them: at its ``min_confidence``."""
    return next((r.min_confidence for r in load_rules().rules if r.id == rule_id), 0.0)
Triple = tuple[str | None, str | None, str]


@dataclass
class Case:
    name: str
    text: str
    title: str | None
    published_at: str | None
    claims: set[Triple]
    optional_claims: set[Triple]
    countries: set[str]
    optional_countries: set[str] = field(default_factory=set)
    persons: list[str] = field(default_factory=list)
    optional_persons: list[str] = field(default_factory=list)
    batch: str = ""

    @property
    def transfer(self) -> bool:
        return bool(self.claims)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, gold: set, pred: set, where: str, optional: set = frozenset()) -> None:
        pred = pred - (optional - gold)
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


def _triple(c: Claim) -> Triple:
    return (c.supplier, c.recipient, c.family)


def dyad_claims(article: EnrichedArticle, min_confidence: float = 0.0) -> set[Triple]:
    return {_triple(c) for c in article.claims if set(c.parties) == DYAD and c.confidence >= min_confidence}


def persons_match(gold: list[str], predicted: list[str]) -> tuple[set, set]:
    """Gold and predicted person sets, where a prediction matching a gold surname counts as that person."""
    gold_n = {_norm(g) for g in gold}
    pred_set = set()
    for p in predicted:
        pn = _norm(p)
        hit = next((g for g in gold_n if g == pn or g.split()[-1] == pn.split()[-1] or pn in g or g in pn), None)
        pred_set.add(hit or pn)
    return gold_n, pred_set


def _labelled(triples: Iterable[dict]) -> set[Triple]:
    return {(c["supplier"], c["recipient"], c["family"]) for c in triples
            if {c["supplier"], c["recipient"]} <= DYAD | {None}}


def written_cases(directory: Path) -> list[Case]:
    cases = []
    for path in sorted(directory.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        labels = case["labels"]
        cases.append(Case(path.stem, case["text"], case.get("title"), case.get("published_at"),
                          _labelled(labels["claims"]), set(), set(labels["countries"]),
                          persons=labels["persons"]))
    return cases


def real_cases(batch: str | None = None, only: str | None = None) -> list[Case]:
    cases = []
    for excerpt, text in load_hydrated():
        if (batch and excerpt.batch not in batch.split(",")) or (only and only not in excerpt.id):
            continue
        claims = [c.model_dump() for c in excerpt.labels.claims]
        labels = excerpt.labels
        cases.append(Case(excerpt.id, text, None, excerpt.published,
                          _labelled(c for c in claims if not c["optional"]),
                          _labelled(c for c in claims if c["optional"]),
                          set(labels.countries), set(labels.optional_countries), labels.persons,
                          labels.optional_persons, excerpt.batch))
    return cases


def load_cases(name: str, batch: str | None = None, only: str | None = None) -> list[Case]:
    return real_cases(batch, only) if name == "real" else written_cases(DATA / name)


def analyse(cases: list[Case], analyzer: Analyzer) -> list[EnrichedArticle]:
    return [analyzer.analyze(RawArticle(text=c.text, title=c.title, id=c.name, published_at=c.published_at))
            for c in cases]


def score(cases: list[Case], articles: list[EnrichedArticle], min_confidence: float = 0.0) -> dict[str, Score]:
    scores = {k: Score() for k in ("articles", "claims", "countries", "persons")}
    for case, enriched in zip(cases, articles, strict=True):
        claims = dyad_claims(enriched, min_confidence)
        optional_article = {case.name} if case.optional_claims and not case.claims else set()
        scores["articles"].add({case.name} if case.transfer else set(), {case.name} if claims else set(),
                               case.name, optional_article)
        scores["claims"].add(case.claims, claims, case.name, case.optional_claims)
        countries = {a.id for a in enriched.actors if a.type == "country"}
        scores["countries"].add(case.countries, countries, case.name, case.optional_countries)
        gold_p, pred_p = persons_match(case.persons, [a.name for a in enriched.actors if a.type == "person"])
        _, optional_p = persons_match(case.optional_persons, [])
        scores["persons"].add(gold_p, pred_p, case.name, optional_p)
    return scores


def score_baseline(cases: list[Case]) -> dict[str, Score]:
    scores = {k: Score() for k in ("articles", "claims")}
    for case in cases:
        claims = baseline.claims(case.text)
        optional_article = {case.name} if case.optional_claims and not case.claims else set()
        scores["articles"].add({case.name} if case.transfer else set(), {case.name} if claims else set(),
                               case.name, optional_article)
        scores["claims"].add(case.claims, claims, case.name, case.optional_claims)
    return scores


def calibration(cases: list[Case], articles: list[EnrichedArticle]) -> None:
    """Each predicted triple at its highest confidence: how often is it labelled?"""
    buckets: dict[float, list[int]] = {}
    for case, enriched in zip(cases, articles, strict=True):
        best: dict[Triple, float] = {}
        for c in enriched.claims:
            if set(c.parties) == DYAD:
                best[_triple(c)] = max(best.get(_triple(c), 0.0), c.confidence)
        for triple, conf in best.items():
            if triple in case.optional_claims - case.claims:
                continue
            buckets.setdefault(conf, []).append(triple in case.claims)
    print("  confidence  triples  labelled (precision)")
    for conf, hits in sorted(buckets.items()):
        print(f"  {conf:>10.2f} {len(hits):>8} {sum(hits) / len(hits):>9.2f}")


def table(title: str, scores: dict[str, Score], out: Callable[[str], None] = print) -> None:
    out(title)
    out(f"  {'measure':<10} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, s in scores.items():
        out(f"  {name:<10} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f} {s.tp:>4} {s.fp:>4} {s.fn:>4}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="devset", help="devset, holdout or real")
    parser.add_argument("--batch", help="real set only: labelling batch(es), comma-separated (e.g. r1,r2)")
    parser.add_argument("--only", help="real set only: excerpts whose id contains this (e.g. -fr1- or real-de)")
    parser.add_argument("--by-batch", action="store_true", help="real set only: one table per batch")
    parser.add_argument("--baseline", action="store_true", help="score the keyword baseline beside it")
    parser.add_argument("--thresholds", action="store_true", help="claims and alerts at several confidences")
    parser.add_argument("--min-confidence", type=float, default=None,
                        help="score claims at this confidence (default: the ru-kp-transfer rule's)")
    parser.add_argument("--calibration", action="store_true",
                        help="precision of predicted claim triples per confidence value (a reliability table)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the errors per article")
    args = parser.parse_args(argv)
    cases = load_cases(args.set, args.batch, args.only)
    if not cases:
        if args.set == "real":
            print("real set: not hydrated here (tests/data/real/hydrated/real.jsonl is missing). Fetch the "
                  "texts of `python -m tests.real_corpus queries` as {url, text} lines, then run "
                  "`python -m tests.real_corpus hydrate FILES`.")
            return 0
        print(f"{args.set}: no articles")
        return 1
    articles = analyse(cases, Analyzer())
    threshold = alert_threshold() if args.min_confidence is None else args.min_confidence
    groups = {"": list(range(len(cases)))}
    if args.by_batch:
        for i, case in enumerate(cases):
            groups.setdefault(case.batch, []).append(i)
    for group, idx in groups.items():
        sub_cases, sub_articles = [cases[i] for i in idx], [articles[i] for i in idx]
        label = f"{args.set}{' ' + args.batch if args.batch else ''}{' batch ' + group if group else ''}"
        scores = score(sub_cases, sub_articles, threshold)
        table(f"{label}: {len(sub_cases)} articles, {sum(c.transfer for c in sub_cases)} with a transfer claim"
              f" (claims at confidence >= {threshold:.2f})", scores)
        if args.baseline:
            table(f"{label}: keyword baseline", score_baseline(sub_cases))
        if args.thresholds and not group:
            print(f"{label}: by minimum confidence")
            print(f"  {'min':>4} {'claims P':>8} {'R':>5} {'F1':>5}   {'alerts P':>8} {'R':>5} {'F1':>5}")
            for t in THRESHOLDS:
                s = score(sub_cases, sub_articles, t)
                c, a = s["claims"], s["articles"]
                print(f"  {t:>4.1f} {c.precision:>8.2f} {c.recall:>5.2f} {c.f1:>5.2f}   "
                      f"{a.precision:>8.2f} {a.recall:>5.2f} {a.f1:>5.2f}")
        if args.calibration and not group:
            calibration(sub_cases, sub_articles)
        if args.verbose and not group:
            for name, s in scores.items():
                for err in s.errors:
                    print(f"[{name}] {err}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

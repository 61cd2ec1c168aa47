"""``newsmon analyze``: the whole pipeline on files, no Kafka: one JSON object per article on stdout."""

from __future__ import annotations

import argparse
import sys

import orjson

from schemas import Alert, EnrichedArticle
from streams.settings import Settings
from streams.sources.files import read_articles


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="run extraction and alerting on article files, print JSON",
                       description="Read the same inputs as 'replay' (.txt, .json, .jsonl/.ndjson, directories) "
                       "and write one JSON object per article on stdout: "
                       '{"article": <EnrichedArticle>, "alerts": [<Alert>, ...]}. Articles are processed in '
                       "the order given, with novelty state kept in memory for the run. Errors on one input "
                       "are reported on stderr and do not stop the others (exit code 1 if any).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    p.add_argument("--format", choices=("jsonl", "table"), default="jsonl",
                   help="jsonl (default): machine-readable; table: a readable summary")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from streams.processor import ArticleProcessor  # heavy imports only when needed

    settings = Settings.from_env()
    pipeline = ArticleProcessor.in_memory(settings)
    failures = 0
    for item in read_articles(args.paths):
        if item.article is None:
            failures += 1
            print(f"{item.origin}: {item.error}", file=sys.stderr)
            continue
        try:
            article, alerts = pipeline.process(item.article)
        except Exception as exc:  # one bad article must not stop the others
            failures += 1
            print(f"{item.origin}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if args.format == "jsonl":
            line = {"article": article.model_dump(mode="json"), "alerts": [a.model_dump(mode="json") for a in alerts]}
            sys.stdout.buffer.write(orjson.dumps(line) + b"\n")
        else:
            print(render_table(item.origin, article, alerts))
        sys.stdout.flush()
    return 1 if failures else 0


def render_table(origin: str, article: EnrichedArticle, alerts: list[Alert]) -> str:
    title = (article.title or article.text[:80]).replace("\n", " ")
    lines = [f"── {origin}", f"   {article.article_id}  [{article.language}]  {title[:100]}"]
    countries = ", ".join(f"{a.id}×{a.mentions}" for a in article.actors if a.type == "country")
    people = ", ".join(f"{a.name}×{a.mentions}" for a in article.actors if a.type == "person")
    orgs = ", ".join(f"{a.name}×{a.mentions}" for a in article.actors if a.type == "organization")
    lines += [f"   countries: {countries or '-'}", f"   people:    {people or '-'}", f"   orgs:      {orgs or '-'}"]
    lines.append("   topics:    " + (", ".join(f"{t.id} {t.score:.2f}" for t in article.topics) or "-"))
    if article.duplicate_of:
        lines.append(f"   near-duplicate of {article.duplicate_of}")
    for c in article.claims:
        direction = f"{c.supplier or '?'} → {c.recipient or '?'}" if c.supplier or c.recipient else "↔".join(c.parties)
        qty = f" [{c.quantity.text}]" if c.quantity else ""
        who = f", by {c.claimant_name or c.claimant}" if c.claimant else ""
        lines.append(f"   claim:     {direction} {c.family}/{c.item}{qty} ({c.modality}{who})")
        lines.append(f"              “{c.evidence.sentence[:140]}”")
    for a in alerts:
        lines.append(f"   ALERT {a.severity.upper():8} {a.novelty:6} {a.rule_id}: {a.summary[:120]}")
        if a.change is not None:
            lines.append(f"         change:  {a.change.headline} (before: {a.change.before}; now: {a.change.now})")
    return "\n".join(lines)

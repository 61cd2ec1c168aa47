"""Real reporting as labels without texts: ``python -m tests.real_corpus pack|hydrate|queries|status``.

Excerpts of public news may not be copied into the repository, so they ship the way corpora of
copyrighted text ship: ``tests/data/real/*.jsonl`` holds one line per excerpt with its URL, the query
that found it, the SHA-256 of the exact text (and of its NFKC, whitespace-collapsed form, since copies
differ in invisible spaces), its length and the labels. The texts are "hydrated" locally: ``hydrate``
takes ``{"url", "text"}`` lines from wherever they were obtained, keeps those whose hash matches a label
line, and writes the labelled set into the git-ignored ``tests/data/real/hydrated/``.

``pack`` turns a labeller's work folder (``NNN.txt`` + ``NNN.json`` per excerpt) into a label file and a
fetched-text file, checking every label first.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from schemas.enriched import Family, Modality

REAL = Path(__file__).parent / "data" / "real"
HYDRATED = REAL / "hydrated"
FETCHED = Path(__file__).parents[1] / ".newsmon" / "real-fetched"
ISO3 = re.compile(r"^[A-Z]{3}$")
ORG = re.compile(r"^[a-z][a-z0-9-]*$")
_WS = re.compile(r"\s+")
Party = Literal["RUS", "PRK"] | None


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalized(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _claimant(value: str | None) -> str | None:
    if value is not None and not (ISO3.match(value) or ORG.match(value)):
        raise ValueError(f"claimant {value!r} is neither an ISO3 code nor a lower-case org id")
    return value


def _countries(values: list[str]) -> list[str]:
    bad = [v for v in values if not ISO3.match(v)]
    if bad:
        raise ValueError(f"not ISO3 codes: {bad}")
    return sorted(set(values))


class ClaimLabel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supplier: Party = None
    recipient: Party = None
    family: Family
    item: str | None = None
    modality: Modality
    claimant: str | None = None
    optional: bool = False
    span: tuple[int, int] | None = Field(None, description="character offsets of the claim's sentence")

    @field_validator("claimant")
    @classmethod
    def _check_claimant(cls, value: str | None) -> str | None:
        return _claimant(value)

    @model_validator(mode="after")
    def _direction(self) -> ClaimLabel:
        if (self.supplier is None) != (self.recipient is None):
            raise ValueError("supplier and recipient are both set or both null (undirected)")
        if self.supplier is not None and self.supplier == self.recipient:
            raise ValueError("supplier and recipient are the same state")
        return self

    @property
    def triple(self) -> tuple[str | None, str | None, str]:
        return (self.supplier, self.recipient, self.family)


class ActorLabels(BaseModel):
    """Countries and persons an excerpt names; the optional ones count neither way."""

    model_config = ConfigDict(extra="forbid")

    countries: list[str] = Field(default_factory=list)
    optional_countries: list[str] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list)
    optional_persons: list[str] = Field(default_factory=list)

    @field_validator("countries", "optional_countries")
    @classmethod
    def _check_countries(cls, value: list[str]) -> list[str]:
        return _countries(value)


class Labels(ActorLabels):
    transfer: bool
    claims: list[ClaimLabel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Labels:
        required = [c for c in self.claims if not c.optional]
        if self.transfer != bool(required):
            raise ValueError("transfer must be true exactly when a non-optional claim is labelled")
        triples = [c.triple for c in self.claims]
        if len(triples) != len(set(triples)):
            raise ValueError(f"a (supplier, recipient, family) triple is listed twice: {triples}")
        for c in self.claims:
            for side in (c.supplier, c.recipient):
                if side and side not in self.countries:
                    raise ValueError(f"{side} is a party but not in countries")
        return self


class Provenance(BaseModel):
    """Where an excerpt comes from and which batch labelled it, in committed and work files alike."""

    model_config = ConfigDict(extra="forbid")

    url: str
    query: str
    lang: Literal["de", "en", "fr"]
    published: str | None = None
    batch: str
    note: str = ""

    @field_validator("published")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise ValueError("published is YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class Excerpt(Provenance):
    """One committed line: everything but the text."""

    id: str
    sha256: str
    sha256_norm: str
    chars: int
    labels: Labels


class WorkClaim(ClaimLabel):
    sentence: str


class WorkLabels(ActorLabels, Provenance):
    """A labeller's ``NNN.json``: the committed fields plus claim sentences, which become offsets."""

    transfer: bool
    claims: list[WorkClaim] = Field(default_factory=list)


def pack_one(work: WorkLabels, text: str, excerpt_id: str) -> Excerpt:
    claims = []
    for claim in work.claims:
        start = text.find(claim.sentence)
        if start < 0:
            raise ValueError(f"claim sentence is not an exact substring of the text: {claim.sentence[:60]!r}")
        fields = claim.model_dump(exclude={"sentence", "span"})
        claims.append(ClaimLabel(**fields, span=(start, start + len(claim.sentence))))
    labels = Labels(transfer=work.transfer, claims=claims, **ActorLabels.model_validate(
        work.model_dump(include=set(ActorLabels.model_fields))).model_dump())
    return Excerpt(id=excerpt_id, sha256=sha256(text), sha256_norm=sha256(normalized(text)), chars=len(text),
                   labels=labels, **work.model_dump(include=set(Provenance.model_fields)))


def read_text(path: Path) -> str:
    # Editors add one final newline; the excerpt itself does not end in one.
    text = path.read_text(encoding="utf-8")
    return text[:-1] if text.endswith("\n") else text


def pack(workdir: Path, out: Path, fetched: Path) -> int:
    name = workdir.name
    excerpts: list[Excerpt] = []
    texts: list[dict[str, str]] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for meta in sorted(workdir.glob("*.json")):
        txt = meta.with_suffix(".txt")
        if not txt.exists():
            errors.append(f"{meta.name}: no {txt.name}")
            continue
        try:
            work = WorkLabels.model_validate_json(meta.read_bytes())
            text = read_text(txt)
            excerpt = pack_one(work, text, f"real-{work.lang}-{name}-{meta.stem}")
        except (ValidationError, ValueError) as exc:
            errors.append(f"{meta.name}: {exc}")
            continue
        if excerpt.sha256_norm in seen:
            errors.append(f"{meta.name}: same text as {seen[excerpt.sha256_norm]}")
            continue
        seen[excerpt.sha256_norm] = meta.name
        excerpts.append(excerpt)
        texts.append({"url": work.url, "text": text})
    for err in errors:
        print(f"ERROR {err}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fetched.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"".join(orjson.dumps(e.model_dump(mode="json")) + b"\n" for e in excerpts))
    fetched.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in texts))
    print(f"packed {len(excerpts)} excerpts into {out} and {fetched}; {len(errors)} errors")
    print(summary(excerpts))
    return 1 if errors else 0


def load_labels(directory: Path = REAL) -> list[Excerpt]:
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_bytes().splitlines(), 1):
            if line.strip():
                try:
                    out.append(Excerpt.model_validate_json(line))
                except ValidationError as exc:
                    raise SystemExit(f"{path}:{n}: {exc}") from None
    return out


def summary(excerpts: list[Excerpt]) -> str:
    def both(e: Excerpt) -> bool:
        return {"RUS", "PRK"} <= set(e.labels.countries)

    rows = []
    for key in sorted({(e.batch, e.lang) for e in excerpts}):
        group = [e for e in excerpts if (e.batch, e.lang) == key]
        pos = sum(e.labels.transfer for e in group)
        neg_both = sum(1 for e in group if not e.labels.transfer and both(e))
        claims = sum(1 for e in group for c in e.labels.claims if not c.optional)
        rows.append(f"  {key[0]:<4} {key[1]}  excerpts {len(group):>3}  positive {pos:>3}  "
                    f"negatives naming both {neg_both:>3}/{len(group) - pos:<3}  claims {claims}")
    return "\n".join(rows)


def hydrate(sources: list[Path], out_dir: Path = HYDRATED, labels_dir: Path = REAL) -> int:
    """Match fetched texts to labels by URL and hash; write the labelled texts that match."""
    labels = load_labels(labels_dir)
    by_url: dict[str, list[str]] = {}
    for path in _jsonl_files(sources):
        for line in path.read_bytes().splitlines():
            if line.strip():
                row = orjson.loads(line)
                by_url.setdefault(row["url"], []).append(row["text"])
    exact = loose = 0
    missing: list[str] = []
    rows = []
    for excerpt in labels:
        found = None
        for text in by_url.get(excerpt.url, []):
            if sha256(text) == excerpt.sha256:
                found, exact = text, exact + 1
                break
        else:
            for text in by_url.get(excerpt.url, []):
                if sha256(normalized(text)) == excerpt.sha256_norm:
                    found, loose = text, loose + 1
                    break
        if found is None:
            missing.append(excerpt.id)
            continue
        rows.append(orjson.dumps({**excerpt.model_dump(mode="json"), "text": found}))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "real.jsonl").write_bytes(b"".join(r + b"\n" for r in rows))
    print(f"hydrated {len(rows)} of {len(labels)} excerpts into {out_dir / 'real.jsonl'} "
          f"({exact} exact, {loose} after NFKC/whitespace normalisation); {len(missing)} missing")
    for excerpt_id in missing:
        print(f"  missing {excerpt_id}")
    return 0


def load_hydrated(path: Path = HYDRATED / "real.jsonl") -> list[tuple[Excerpt, str]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_bytes().splitlines():
        row = orjson.loads(line)
        text = row.pop("text")
        out.append((Excerpt.model_validate(row), text))
    return out


def _jsonl_files(sources: list[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        files.extend(sorted(source.glob("*.jsonl")) if source.is_dir() else [source])
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.real_corpus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack", help="a labeller's work folder -> tests/data/real/NAME.jsonl + fetched texts")
    p.add_argument("workdir", type=Path)
    h = sub.add_parser("hydrate", help="{url, text} lines -> tests/data/real/hydrated/real.jsonl")
    h.add_argument("sources", type=Path, nargs="*", default=[FETCHED],
                   help=f"files or folders of {{url, text}} JSON lines (default {FETCHED})")
    sub.add_parser("queries", help="the stored queries with their URLs, to fetch the texts again")
    sub.add_parser("status", help="composition of the label files and how many are hydrated")
    args = parser.parse_args(argv)
    if args.command == "pack":
        name = args.workdir.resolve().name
        return pack(args.workdir, REAL / f"{name}.jsonl", FETCHED / f"{name}.jsonl")
    if args.command == "hydrate":
        return hydrate(args.sources)
    if args.command == "queries":
        grouped: dict[str, list[str]] = {}
        for e in load_labels():
            grouped.setdefault(e.query, []).append(e.url)
        for query, urls in grouped.items():
            print(orjson.dumps({"query": query, "urls": sorted(set(urls))}).decode())
        return 0
    labels = load_labels()
    print(f"{len(labels)} labelled excerpts, {len(load_hydrated())} hydrated; by language: "
          f"{dict(Counter(e.lang for e in labels))}")
    print(summary(labels))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Read articles from .txt, .json, .jsonl/.ndjson files and directories of them.

Errors are yielded with their ``file:line`` origin instead of raised, so one bad
file or line never stops a replay or an analysis of the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from pydantic import ValidationError

from schemas import RawArticle

SUFFIXES = {".txt", ".json", ".jsonl", ".ndjson"}


@dataclass(frozen=True)
class ReadItem:
    origin: str
    article: RawArticle | None = None
    error: str | None = None


def expand(paths: Iterable[str | Path]) -> Iterator[Path | ReadItem]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            yield path
        else:
            yield ReadItem(origin=str(path), error="no such file or directory")


def parse_txt(text: str, name: str) -> RawArticle:
    """First non-empty line is the title, the rest the body (the title stays in the text too)."""
    lines = text.splitlines()
    title = next((line.strip() for line in lines if line.strip()), "")
    return RawArticle(text=text, title=title or None, source=None, metadata={"file": name})


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'article'}: {e['msg']}" for e in exc.errors())


def read_file(path: Path) -> Iterator[ReadItem]:
    try:
        content = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield ReadItem(origin=str(path), error=f"unreadable: {exc}")
        return
    suffix = path.suffix.lower()
    if suffix == ".txt":
        try:
            yield ReadItem(origin=str(path), article=parse_txt(content, path.name))
        except ValidationError as exc:
            yield ReadItem(origin=str(path), error=_validation_message(exc))
        return
    if suffix == ".json":
        lines = [(1, content)]
    else:
        lines = [(n, line) for n, line in enumerate(content.splitlines(), 1) if line.strip()]
    for lineno, chunk in lines:
        origin = f"{path}:{lineno}"
        try:
            data = orjson.loads(chunk)
            if not isinstance(data, dict):
                raise ValueError(f"expected a JSON object, got {type(data).__name__}")
            yield ReadItem(origin=origin, article=RawArticle.model_validate(data))
        except ValidationError as exc:
            yield ReadItem(origin=origin, error=_validation_message(exc))
        except ValueError as exc:
            yield ReadItem(origin=origin, error=f"not JSON: {exc}")


def read_articles(paths: Iterable[str | Path]) -> Iterator[ReadItem]:
    for entry in expand(paths):
        if isinstance(entry, ReadItem):
            yield entry
        else:
            yield from read_file(entry)

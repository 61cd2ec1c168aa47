"""Strip scraped boilerplate line by line while keeping every sentence of the article."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel

from streams.nlp.data_files import DATA_DIR, load_yaml

_WS = re.compile(r"[ \t\u00a0\u202f]+")
# "SEOUL, 12. Nov (dpa) -Nordkorea ...": a dateline dash glued to the first word hides that word
_GLUED_DASH = re.compile(r"(?<=\s)([-–—])(?=[^\W\d_])")
_DASH_AFTER_SPACE = re.compile(r"\s[-–—]")  # a cheap test: every _GLUED_DASH match is one of these
_WORDS = re.compile(r"\w+")


class BoilerplateRules(BaseModel):
    version: str
    cut: list[str]
    drop: list[str]
    teaser: list[str] = []
    navigation: list[str] = []

    @cached_property
    def cut_re(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.cut), re.IGNORECASE)

    @cached_property
    def drop_re(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.drop), re.IGNORECASE)

    @cached_property
    def teaser_re(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.teaser) or "(?!)", re.IGNORECASE)

    @cached_property
    def navigation_re(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.navigation) or "(?!)")

    def boilerplate(self, line: str) -> bool:
        if len(line) >= 200:
            return False
        if self.drop_re.fullmatch(line) or self.navigation_re.fullmatch(line):
            return True
        return not line.endswith((".", "!", "?", ".»", ".“", '."')) and bool(self.teaser_re.fullmatch(line))


@dataclass(frozen=True)
class CleanText:
    text: str
    removed_lines: int
    # (start in cleaned text, start in raw text, length) per kept line: maps offsets back to the raw text
    spans: tuple[tuple[int, int, int], ...]

    def raw_offset(self, offset: int) -> int:
        for clean_start, raw_start, length in self.spans:
            if clean_start <= offset <= clean_start + length:
                return raw_start + offset - clean_start
        return offset


def load_rules(path: Path | None = None) -> BoilerplateRules:
    return load_yaml(path or DATA_DIR / "boilerplate.yaml", BoilerplateRules)


def _key(line: str) -> str:
    r"""The line's words, single-spaced and case-folded (as ``re.sub(r"\W+", " ", line).strip().casefold()``)."""
    return " ".join(_WORDS.findall(line)).casefold()


def _normalise(line: str) -> str:
    """Runs of spaces, tabs and no-break spaces -> one space; a glued dateline dash gets its space. Each
    substitution runs only when the line has what it replaces (most lines have neither)."""
    if "  " in line or "\t" in line or "\u00a0" in line or "\u202f" in line:
        line = _WS.sub(" ", line)
    if _DASH_AFTER_SPACE.search(line):
        line = _GLUED_DASH.sub(r"\1 ", line)
    return line


def clean(text: str, title: str | None = None, rules: BoilerplateRules | None = None) -> CleanText:
    """Paragraphs joined by blank lines; duplicate lines (captions repeating the title) kept once."""
    rules = rules or load_rules()
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    kept: list[tuple[int, str]] = []
    seen: set[str] = set()
    removed = 0
    pos = 0
    lines = text.split("\n")
    body_lines = sum(1 for line in lines if len(line.strip()) > 80)
    long_seen = 0
    for line in lines:
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) > 80:
            long_seen += 1
        # A comment heading ends the article only once most of the body is behind us.
        if len(stripped) < 60 and rules.cut_re.fullmatch(stripped) and long_seen >= body_lines / 2:
            removed += len(lines)
            break
        key = _key(stripped)
        fragment = kept and len(key.split()) <= 3 and not stripped.endswith((".", "!", "?", ":", "»", "“", '"'))
        if fragment or rules.boilerplate(stripped) or not key or key in seen:
            removed += 1
            continue
        seen.add(key)
        offset = start + (len(line) - len(line.lstrip()))
        kept.append((offset, _normalise(stripped)))
    parts: list[str] = []
    spans = []
    cursor = 0
    for raw_start, line in kept:
        if parts:
            parts.append("\n\n")
            cursor += 2
        spans.append((cursor, raw_start, len(line)))
        parts.append(line)
        cursor += len(line)
    return CleanText(text="".join(parts), removed_lines=removed, spans=tuple(spans))

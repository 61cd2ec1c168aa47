"""The soak's input: uniquely identified, varied articles with poison messages of several kinds mixed in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from schemas import RawArticle, encode
from streams.bench.corpus import corpus, load_seeds

# kind -> (payload, the dead-letter reason the worker must give it)
POISON: dict[str, tuple[bytes, str]] = {
    "not_json": (b"this is not json {", "not_json"),
    "invalid_utf8": (b'{"text": "caf\xe9"}', "invalid_utf8"),
    "no_text": (orjson.dumps({"title": "no text here"}), "invalid_schema"),
    "empty": (b"", "empty"),
    "array": (b"[1, 2, 3]", "invalid_schema"),
    "too_large": (orjson.dumps({"text": "Nordkorea liefert Granaten. " * 45_000}), "too_large"),  # ~1.2 MB
}


@dataclass(frozen=True, slots=True)
class SoakMessage:
    key: str
    value: bytes
    poison_reason: str | None = None  # expected DLQ reason; None for a valid article


def messages(seed: int, tag: str, poison_every: int = 40, chunk: int = 100) -> Iterator[SoakMessage]:
    """Endless: article ``{tag}-{n}``, varied from the seeds (bench corpus), and every ``poison_every``-th
    message a poison ``{tag}-poison-{kind}-{n}`` cycling through the kinds."""
    seeds = load_seeds()
    kinds = list(POISON)
    n = 0
    for block in range(1 << 30):
        for article in corpus(chunk, seed=seed * 1_000_003 + block, tag=tag, seeds=seeds):
            if poison_every and n % poison_every == poison_every - 1:
                kind = kinds[(n // poison_every) % len(kinds)]
                payload, reason = POISON[kind]
                yield SoakMessage(f"{tag}-poison-{kind}-{n:07d}", payload, reason)
            else:
                key = f"{tag}-{n:07d}"
                yield SoakMessage(key, encode(_with_id(article, key)))
            n += 1


def _with_id(article: RawArticle, key: str) -> RawArticle:
    return article.model_copy(update={"id": key})

"""64-bit SimHash over word 3-shingles: near-copies of one agency text land a few bits apart."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from streams.nlp.bounded import BoundedCache

_WORD = re.compile(r"\w+")
BITS = 64
_MULT = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
WORD_CACHE_SIZE = 5_000  # at most 10,000 words, all languages (~1.5 MB); a miss is one blake2b, ~1 µs
_word_hashes: BoundedCache[str, int] = BoundedCache(WORD_CACHE_SIZE)  # at most 2 * WORD_CACHE_SIZE words


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


def simhash(text: str) -> int:
    """Stable across processes and runs (blake2b per word, a fixed mix per shingle), vectorised with numpy.

    Per article: one regex pass, one cache probe per distinct word (``get_many``), then numpy only; the
    distinct shingles come from a sort (the majority vote does not care about their order)."""
    words = _WORD.findall(text.casefold())
    if len(words) < 3:
        words = words + [""] * (3 - len(words))
    cache = _word_hashes
    hashes, misses = cache.get_many(set(words))
    for word in misses:
        hashes[word] = cache[word] = _word_hash(word)
    h = np.fromiter(map(hashes.__getitem__, words), dtype=np.uint64, count=len(words))
    with np.errstate(over="ignore"):
        shingles = np.sort(h[:-2] * _MULT[0] ^ h[1:-1] * _MULT[1] ^ h[2:])
    if len(shingles) > 1:
        shingles = shingles[np.concatenate(([True], shingles[1:] != shingles[:-1]))]
    bits = np.unpackbits(shingles.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1)
    majority = bits.sum(axis=0) * 2 > len(shingles)
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()

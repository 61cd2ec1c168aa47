"""64-bit SimHash over word 3-shingles: near-copies of one agency text land a few bits apart."""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+")
BITS = 64


def simhash(text: str) -> int:
    words = _WORD.findall(text.casefold())
    shingles = {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    majority = bits.sum(axis=0) * 2 > len(shingles)
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()

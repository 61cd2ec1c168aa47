"""A lookup lemma table in a few flat arrays instead of a dict of Python strings.

spacy-lookups-data's German table holds 355,354 words and the French one 216,849; as spaCy ``Table`` dicts of
Python strings the two took about 100 MB of every NLP process. Sorted key hashes, one index per word into the
distinct lemmas, and the lemmas as one UTF-8 blob hold the same in about 6 MB (German) and 4 MB (French).
A probe is a binary search (``numpy.searchsorted``), a few µs, and the lemmatizer caches its answers anyway.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import numpy
from spacy.strings import get_string_id


def _first(value: str | list[str] | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else str(value[0])


class CompactLemmaTable:
    def __init__(self, keys: numpy.ndarray, lemma_ids: numpy.ndarray, offsets: numpy.ndarray, blob: bytes):
        self.keys, self.lemma_ids, self.offsets, self.blob = keys, lemma_ids, offsets, blob

    @classmethod
    def from_items(cls, items: Iterable[tuple[int, str | list[str]]]) -> CompactLemmaTable:
        """``items``: (hash of the word as spaCy computes it, lemma), e.g. a spaCy lookups ``Table.items()``.

        A lemma may come as a list (every entry of spacy-lookups-data's French table does); spaCy's lookup
        lemmatizer takes its first element, and so does this."""
        pairs = sorted((int(key), _first(value)) for key, value in items)
        lemmas = sorted({value for _, value in pairs})
        index = {lemma: i for i, lemma in enumerate(lemmas)}
        encoded = [lemma.encode() for lemma in lemmas]
        offsets = numpy.zeros(len(encoded) + 1, dtype=numpy.uint32)
        numpy.cumsum([len(e) for e in encoded], out=offsets[1:])
        keys = numpy.fromiter((key for key, _ in pairs), dtype=numpy.uint64, count=len(pairs))
        ids = numpy.fromiter((index[value] for _, value in pairs), dtype=numpy.uint32, count=len(pairs))
        return cls(keys, ids, offsets, b"".join(encoded))

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, word: str, default: str) -> str:
        key = numpy.uint64(get_string_id(word))
        at = int(numpy.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return default
        lemma = int(self.lemma_ids[at])
        return self.blob[self.offsets[lemma]:self.offsets[lemma + 1]].decode()

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.lemma_ids.nbytes + self.offsets.nbytes + len(self.blob)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        numpy.savez(out, keys=self.keys, lemma_ids=self.lemma_ids, offsets=self.offsets,
                    blob=numpy.frombuffer(self.blob, dtype=numpy.uint8))
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> CompactLemmaTable:
        arrays = numpy.load(io.BytesIO(data), allow_pickle=False)
        return cls(arrays["keys"], arrays["lemma_ids"], arrays["offsets"], arrays["blob"].tobytes())

"""``newsmon_lemmatizer``: spaCy's lookup lemmatizer (tables from spacy-lookups-data), cached per word.

spaCy's own lookup mode costs a Python call and a table probe per token; news repeats its words,
so a word -> lemma cache over the orth ids and one ``from_array`` do the same job several times faster.

Bound: the cache holds at most ``2 * CACHE_SIZE`` = 10,000 words per language (``BoundedCache``, recently used
words stay; ~2 MB). A miss is cheap (one table probe), so a small cache loses little.
It keeps the lemma's text, not only its hash: the analyzer runs each article in a spaCy memory zone,
which drops the strings the article added, so a cached lemma is put back into the StringStore for
every article that uses it (cheap: one probe per distinct word whose lemma differs from it).
"""

from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

from streams.nlp.bounded import BoundedCache

CACHE_SIZE = 5_000  # at most 10,000 words (~2 MB, ~220 bytes each); a miss is one table probe, a few µs


@Language.factory("newsmon_lemmatizer", assigns=["token.lemma"],
                  default_config={"model": None, "mode": "lookup", "overwrite": False})
def make_lemmatizer(nlp: Language, model: object, name: str, mode: str, overwrite: bool) -> CachedLookupLemmatizer:
    return CachedLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


class CachedLookupLemmatizer(Lemmatizer):
    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cache: BoundedCache[int, tuple[int, str]] = BoundedCache(CACHE_SIZE)  # orth -> (lemma hash, lemma)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = self.lookups.get_table("lemma_lookup", {})
        strings = doc.vocab.strings
        cache = self.cache
        orths = doc.to_array([ORTH]).ravel().tolist()
        lemma_of: dict[int, int] = {}
        for orth in set(orths):
            hit = cache.get(orth)
            if hit is None:
                text = strings[orth]
                found = table.get(text, text)
                lemma = found[0] if isinstance(found, list) and found else str(found)
                hit = (strings.add(lemma), lemma)
                cache[orth] = hit
            elif hit[0] != orth and hit[0] not in strings:
                strings.add(hit[1])  # the zone of an earlier article may have dropped it
            lemma_of[orth] = hit[0]
        lemmas = numpy.fromiter((lemma_of[o] for o in orths), dtype="uint64", count=len(orths)).reshape(-1, 1)
        doc.from_array([LEMMA], lemmas)
        return doc

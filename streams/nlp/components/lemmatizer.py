"""``newsmon_lemmatizer``: spaCy's lookup lemmatizer (tables from spacy-lookups-data), cached per word.

spaCy's own lookup mode costs a Python call and a table probe per token; news repeats its words,
so a word -> lemma cache over the orth ids and one ``from_array`` do the same job several times faster.
"""

from __future__ import annotations

import numpy
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

CACHE_LIMIT = 500_000


@Language.factory("newsmon_lemmatizer", assigns=["token.lemma"],
                  default_config={"model": None, "mode": "lookup", "overwrite": False})
def make_lemmatizer(nlp: Language, model: object, name: str, mode: str, overwrite: bool) -> CachedLookupLemmatizer:
    return CachedLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite)


class CachedLookupLemmatizer(Lemmatizer):
    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._cache: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = self.lookups.get_table("lemma_lookup", {})
        strings = doc.vocab.strings
        cache = self._cache
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        orths = doc.to_array([ORTH]).ravel().tolist()
        lemmas = numpy.empty((len(orths), 1), dtype="uint64")
        for i, orth in enumerate(orths):
            lemma = cache.get(orth)
            if lemma is None:
                text = strings[orth]
                found = table.get(text, text)
                lemma = cache[orth] = strings.add(found[0] if isinstance(found, list) and found else str(found))
            lemmas[i, 0] = lemma
        doc.from_array([LEMMA], lemmas)
        return doc

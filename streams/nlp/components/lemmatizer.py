"""``newsmon_lemmatizer``: spaCy's lookup lemmatizer (tables from spacy-lookups-data), cached per word.

spaCy's own lookup mode costs a Python call and a table probe per token; news repeats its words,
so a word -> lemma cache over the orth ids and one ``from_array`` do the same job several times faster.

Bound: the cache holds at most ``2 * CACHE_SIZE`` = 10,000 words per language (``BoundedCache``, recently used
words stay; ~2 MB). A miss is cheap (one table probe), so a small cache loses little.
The table itself is a ``CompactLemmaTable`` (streams/nlp/lemma_table.py): flat arrays instead of spaCy's dict of
strings, about 90 MB less per NLP process for German and French. It is compacted once from spacy-lookups-data at
``initialize`` and saved beside the component (``lemma_table.npz``); the spaCy lookups keep an empty
``lemma_lookup`` so spaCy's own checks still pass. Compacting needs spaCy's dict for a moment (German: ~70 MB
of peak memory, 3 s), so with ``table_cache`` set the compacted table is kept there, keyed by language and
spacy-lookups-data version, and later builds load it instead.
It keeps the lemma's text, not only its hash: the analyzer runs each article in a spaCy memory zone,
which drops the strings the article added, so a cached lemma is put back into the StringStore for
every article that uses it (cheap: one probe per distinct word whose lemma differs from it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path

import numpy
import srsly
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import SimpleFrozenList

from streams.nlp.bounded import BoundedCache
from streams.nlp.lemma_table import CompactLemmaTable

TABLE = "lemma_lookup"
TABLE_FILE = "lemma_table.npz"
CACHE_FORMAT = 1  # bump when CompactLemmaTable's layout changes

log = logging.getLogger("newsmon.nlp")

CACHE_SIZE = 5_000  # at most 10,000 words (~2 MB, ~220 bytes each); a miss is one table probe, a few µs


@Language.factory("newsmon_lemmatizer", assigns=["token.lemma"],
                  default_config={"model": None, "mode": "lookup", "overwrite": False, "table_cache": None})
def make_lemmatizer(nlp: Language, model: object, name: str, mode: str, overwrite: bool,
                    table_cache: str | None) -> CachedLookupLemmatizer:
    return CachedLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, table_cache=table_cache)


class CachedLookupLemmatizer(Lemmatizer):
    def __init__(self, *args: object, table_cache: str | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cache: BoundedCache[int, tuple[int, str]] = BoundedCache(CACHE_SIZE)  # orth -> (lemma hash, lemma)
        self._table: CompactLemmaTable | None = None
        self.table_cache = Path(table_cache) if table_cache else None

    @property
    def table(self) -> CompactLemmaTable:
        """Compacted from the spaCy table on first use; the dict of strings is dropped then."""
        if self._table is None:
            self._table = CompactLemmaTable.from_items(self.lookups.get_table(TABLE, {}).items())
            self.lookups.remove_table(TABLE)
            self.lookups.add_table(TABLE)
        return self._table

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, *, nlp: Language | None = None,
                   lookups: Lookups | None = None) -> None:
        cached = self._cached_table() if lookups is None else None
        if cached is not None:
            lookups = Lookups()
            lookups.add_table(TABLE)
        super().initialize(get_examples, nlp=nlp, lookups=lookups)
        self._table = cached
        if cached is None:
            self.table  # noqa: B018 - compact now, before the process starts serving
            if lookups is None:
                self._keep_table()

    def _cache_file(self) -> Path | None:
        if self.table_cache is None:
            return None
        return self.table_cache / f"lemmas-{self.vocab.lang}-lookups{version('spacy-lookups-data')}-v{CACHE_FORMAT}.npz"

    def _cached_table(self) -> CompactLemmaTable | None:
        path = self._cache_file()
        if path is None or not path.exists():
            return None
        try:
            return CompactLemmaTable.from_bytes(path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt, never fatal
            log.warning("lemma table cache %s unreadable (%s): rebuilding it", path, exc)
            return None

    def _keep_table(self) -> None:
        """Written to a temporary file and renamed, so workers starting together never read half a table."""
        path = self._cache_file()
        if path is None:
            return
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            os.fchmod(fd, 0o644)  # other users of a shared cache may read it
            with os.fdopen(fd, "wb") as out:
                out.write(self.table.to_bytes())
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            log.warning("lemma table cache %s not written (%s): the table is rebuilt at every start", path, exc)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        table = self.table
        super().to_disk(path, exclude=exclude)
        (Path(path) / TABLE_FILE).write_bytes(table.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> CachedLookupLemmatizer:
        super().from_disk(path, exclude=exclude)
        saved = Path(path) / TABLE_FILE
        self._table = CompactLemmaTable.from_bytes(saved.read_bytes()) if saved.exists() else None
        return self

    def to_bytes(self, *, exclude: Iterable[str] = SimpleFrozenList()) -> bytes:
        table = self.table
        return srsly.msgpack_dumps({"pipe": super().to_bytes(exclude=exclude), "table": table.to_bytes()})

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = SimpleFrozenList()) -> CachedLookupLemmatizer:
        data = srsly.msgpack_loads(bytes_data)
        super().from_bytes(data["pipe"], exclude=exclude)
        self._table = CompactLemmaTable.from_bytes(data["table"])
        return self

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        table = self.table
        strings = doc.vocab.strings
        cache = self.cache
        orths = doc.to_array([ORTH]).ravel().tolist()
        lemma_of: dict[int, int] = {}
        for orth in set(orths):
            hit = cache.get(orth)
            if hit is None:
                text = strings[orth]
                lemma = table.get(text, text)
                hit = (strings.add(lemma), lemma)
                cache[orth] = hit
            elif hit[0] != orth and hit[0] not in strings:
                strings.add(hit[1])  # the zone of an earlier article may have dropped it
            lemma_of[orth] = hit[0]
        lemmas = numpy.fromiter((lemma_of[o] for o in orths), dtype="uint64", count=len(orths)).reshape(-1, 1)
        doc.from_array([LEMMA], lemmas)
        return doc

"""RawArticle -> EnrichedArticle: clean, detect language, run that language's spaCy pipeline.

Memory: spaCy keeps every string and lexeme it meets, so a months-long run on news (new names and
numbers every day) would grow without end. Each article after a pipeline's first ``WARM_ARTICLES``
runs inside ``nlp.memory_zone()``: at its end spaCy drops the strings and lexemes the article added.
Nothing made in the zone may be used after it, so the EnrichedArticle is built inside the zone from
plain Python values only (str, numbers, pydantic models; never a Doc, Span, Token or hash id).
The first articles run outside a zone because spaCy fills its tokenizer cache only outside zones:
without that warm-up tokenizing costs about five times as much. Those articles' strings stay, which
is bounded (``WARM_ARTICLES`` per language); so is the tokenizer cache (spaCy's own 10,000 entries).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from spacy.language import Language

from schemas import EnrichedArticle, PipelineInfo, RawArticle
from streams import __version__
from streams.nlp import language
from streams.nlp.cleaning import BoilerplateRules, CleanText, clean, load_rules
from streams.nlp.fingerprint import simhash
from streams.nlp.mentions import aggregate
from streams.nlp.pipeline import LEMMATIZED, build_nlp

WARM_ARTICLES = 200  # per pipeline, run outside a memory zone so the tokenizer cache fills
STAGES = {"newsmon_sentences": "sentences", "newsmon_lemmatizer": "lemmas",
          "newsmon_actors": "actors", "newsmon_topics": "topics", "newsmon_claims": "claims",
          "newsmon_transfer": "claims"}


class Analyzer:
    """Holds one pipeline per language, each built on first use and reused for every article."""

    def __init__(self, spacy_model: str | None = None, preload: tuple[str, ...] = (),
                 cache_dir: str | Path | None = None):
        self.spacy_model = spacy_model
        self.cache_dir = cache_dir
        self.rules: BoilerplateRules = load_rules()
        self._nlps: dict[str, Language] = {}  # at most LEMMATIZED + "xx"
        self._warm: dict[str, int] = {}  # articles each pipeline ran outside a memory zone
        for lang in preload:
            self.nlp_for(lang)

    def nlp_for(self, lang: str) -> Language:
        key = lang if lang in LEMMATIZED else "xx"
        nlp = self._nlps.get(key)
        if nlp is None:
            nlp = self._nlps[key] = build_nlp(key, self.spacy_model, self.cache_dir)
        return nlp

    def analyze(self, raw: RawArticle, now: datetime | None = None) -> EnrichedArticle:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        cleaned = clean(raw.text, raw.title, self.rules)
        t1 = time.perf_counter()
        timings["clean"] = t1 - t0
        lang = language.detect(cleaned.text, raw.language)
        t2 = time.perf_counter()
        timings["language"] = t2 - t1
        nlp = self.nlp_for(lang)
        warmed = self._warm.get(nlp.lang, 0)
        if warmed < WARM_ARTICLES:
            self._warm[nlp.lang] = warmed + 1
            return self._run(nlp, raw, cleaned, lang, timings, t2, now)
        with nlp.memory_zone():
            return self._run(nlp, raw, cleaned, lang, timings, t2, now)

    def _run(self, nlp: Language, raw: RawArticle, cleaned: CleanText, lang: str, timings: dict[str, float],
             t2: float, now: datetime | None) -> EnrichedArticle:
        """The spaCy part; returns plain Python only (see the module docstring)."""
        doc = nlp.make_doc(cleaned.text)
        t3 = time.perf_counter()
        timings["tokenize"] = t3 - t2
        for name, proc in nlp.pipeline:
            start = time.perf_counter()
            doc = proc(doc)
            stage = STAGES.get(name, name)
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
        start = time.perf_counter()
        fingerprint = f"{simhash(cleaned.text):016x}"
        timings["fingerprint"] = time.perf_counter() - start
        actors_pipe = nlp.get_pipe("newsmon_actors")
        return EnrichedArticle(
            article_id=raw.article_id,
            source=raw.source,
            url=raw.url,
            title=raw.title,
            language=lang,
            published_at=raw.published_at,
            fetched_at=raw.fetched_at,
            processed_at=now or datetime.now(UTC),
            text=cleaned.text,
            text_length=len(cleaned.text),
            actors=aggregate(doc._.actor_mentions, actors_pipe.actors),
            topics=doc._.topics,
            claims=doc._.claims,
            fingerprint=fingerprint,
            pipeline=PipelineInfo(
                version=__version__,
                language_model=language.MODEL_NAME,
                spacy_model=self.spacy_model,
                gazetteer_version=actors_pipe.gazetteer.version,
                taxonomy_version=nlp.get_pipe("newsmon_topics").taxonomy.version,
                claims_version=nlp.get_pipe("newsmon_claims").version,
                stage_seconds={k: round(v, 6) for k, v in timings.items()},
            ),
        )

"""The in-process path: analyze -> near-duplicates -> alerts, for ``newsmon analyze`` and the benchmark."""

from __future__ import annotations

import time
from datetime import timedelta

from schemas import Alert, EnrichedArticle, RawArticle
from streams.alerting.duplicates import DuplicateIndex, mark_duplicate
from streams.alerting.engine import AlertEngine
from streams.nlp.analyzer import Analyzer
from streams.settings import Settings


class ArticleProcessor:
    """One article at a time, state in memory: the same logic the Faust agents run, without Kafka."""

    def __init__(self, analyzer: Analyzer, duplicates: DuplicateIndex, engine: AlertEngine):
        self.analyzer = analyzer
        self.duplicates = duplicates
        self.engine = engine

    @classmethod
    def in_memory(cls, settings: Settings) -> ArticleProcessor:
        window = timedelta(days=settings.novelty_window_days)
        return cls(Analyzer(settings.spacy_model, cache_dir=settings.cache_dir), DuplicateIndex(window=window),
                   AlertEngine.from_settings(settings))

    def process(self, raw: RawArticle) -> tuple[EnrichedArticle, list[Alert]]:
        article = finish(mark_duplicate(self.analyzer.analyze(raw), self.duplicates), self.engine.rules_version)
        start = time.perf_counter()
        alerts = self.engine.process(article)
        article.pipeline.stage_seconds["alerts"] = round(time.perf_counter() - start, 6)
        return article, alerts


def finish(article: EnrichedArticle, rules_version: str) -> EnrichedArticle:
    article.pipeline.rules_version = rules_version
    return article

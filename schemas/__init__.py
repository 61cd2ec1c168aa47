"""Message contracts shared by newsmon's producers, workers and downstream consumers."""

from schemas.alert import Alert, AlertChange, Corroborations
from schemas.codec import decode, encode
from schemas.dead_letter import DeadLetter
from schemas.enriched import (
    Actor,
    Claim,
    EnrichedArticle,
    Evidence,
    PipelineInfo,
    Quantity,
    TopicTag,
)
from schemas.raw import RawArticle, derive_article_id

SCHEMA_VERSION = 1

__all__ = [
    "SCHEMA_VERSION",
    "Actor",
    "Alert",
    "AlertChange",
    "Claim",
    "Corroborations",
    "DeadLetter",
    "EnrichedArticle",
    "Evidence",
    "PipelineInfo",
    "Quantity",
    "RawArticle",
    "TopicTag",
    "decode",
    "derive_article_id",
    "encode",
]

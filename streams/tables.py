"""Novelty state per claim signature: a Faust Table, co-partitioned with the claims-by-signature topic."""

from __future__ import annotations

import faust

from streams.app import app, settings

novelty_table = app.Table(
    "novelty",
    default=None,
    partitions=settings.partitions,
    schema=faust.Schema(key_type=str, value_type=None, key_serializer="json", value_serializer="json"),
    help="claim signature -> novelty entry (first/last seen, corroborating articles, claimants)",
)

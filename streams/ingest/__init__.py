"""``newsmon ingest``: RSS/Atom feeds and their article pages into ``articles.raw``.

sources (the SOURCES.yaml model) → feeds (conditional GET, feedparser) → fetch (polite HTTP) →
extract (trafilatura → RawArticle) → produced once, remembered in seen (a compacted topic).
"""

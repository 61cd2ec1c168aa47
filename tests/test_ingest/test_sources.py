"""The sources file and URL normalisation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from streams.ingest.sources import SourcesError, load_sources
from streams.ingest.urls import normalise_url

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_sources_file_is_valid_and_covers_three_languages():
    sources = load_sources(ROOT / "deploy" / "sources.yaml").sources
    assert {s.language for s in sources} == {"de", "en", "fr"}
    assert all(s.url.startswith("https://") for s in sources)


@pytest.mark.parametrize(("body", "problem"), [
    ("version: 1\nsources: []\n", "sources"),
    ("version: 1\nsources:\n- {name: a, url: 'ftp://x/feed'}\n", "not an http(s) URL"),
    ("version: 1\nsources:\n- {name: a, url: 'http://x/1'}\n- {name: a, url: 'http://x/2'}\n",
     "duplicate source names: a"),
    ("version: 1\nsources:\n- {name: a, url: 'http://x/1', language: German}\n", "language"),
    ("version: 1\nsources:\n- {name: a, url: 'http://x/1', pol_interval: 5}\n", "pol_interval"),
    ("sources: [\n", "while parsing"),
])
def test_a_bad_sources_file_is_rejected_with_its_problem(tmp_path, body, problem):
    path = tmp_path / "sources.yaml"
    path.write_text(body)
    with pytest.raises(SourcesError, match=re.escape(problem)):
        load_sources(path)


def test_urls_are_normalised_without_tracking_parameters_or_fragment():
    assert normalise_url("https://News.Example.org/a/b?utm_source=rss&id=3&fbclid=x#comments") == \
        "https://news.example.org/a/b?id=3"
    assert normalise_url("http://127.0.0.1:8080/a?b=2&a=1") == "http://127.0.0.1:8080/a?a=1&b=2"
    assert normalise_url("https://example.org/story/1") != normalise_url("https://example.org/story/2")

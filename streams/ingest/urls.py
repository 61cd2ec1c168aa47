"""One spelling per article URL, so the same page under tracking parameters is remembered once."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def normalise_url(url: str) -> str:
    """courlan's normalisation (lower-case host, sorted query, tracking parameters such as utm_* and
    fbclid dropped), without the fragment, which never names another article."""
    try:
        normal = normalize_url(url.strip(), strict=False)
    except ValueError:
        normal = url.strip()
    parts = urlsplit(normal)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()

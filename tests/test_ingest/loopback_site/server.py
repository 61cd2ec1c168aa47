"""A news site on loopback for the ingest tests: feeds and article pages written for the project.

Pages are wrapped in heavy boilerplate (cookie banner, navigation, teasers of other stories, adverts,
newsletter box, reader comments, footer); the teasers and comments mention Russia and North Korea on
purpose, so boilerplate that leaks into the extracted text shows up as wrong claims.
"""

from __future__ import annotations

import asyncio
import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

import yaml
from aiohttp import web

ARTICLES = {a["slug"]: a for a in yaml.safe_load((Path(__file__).parent / "articles.yaml").read_text())["articles"]}

ROBOTS = "User-agent: *\nDisallow: /private/\n"
WORLD_ETAG = '"world-v1"'

TEASERS = [
    "Lesen Sie auch: Liefert Russland bald Kampfjets an Nordkorea? Ein Kommentar.",
    "Read also: Why Russia could send nuclear submarines to North Korea, an opinion.",
    "À lire aussi : la Russie fournira-t-elle des sous-marins à la Corée du Nord ?",
    "Most read: Ten recipes for a quick dinner after work.",
    "Sport: the local team wins the cup final after extra time.",
]
COMMENTS = [
    ("reader_1987", "I bet Russia gives North Korea fighter jets next year, mark my words."),
    ("Hans M.", "Nordkorea schickt bestimmt bald noch mehr Soldaten, das ist doch klar."),
    ("anon", "Fake news as usual. Nobody can prove anything."),
]


def article_html(article: dict) -> str:
    """The page of one article: the body inside <article>, the rest of the page around it."""
    esc = html.escape
    nav = " | ".join(f'<a href="/section/{s}">{s.title()}</a>' for s in
                     ("world", "politics", "business", "sport", "culture", "science", "travel", "opinion"))
    teasers = "".join(f'<li><a href="/teaser/{i}">{esc(t)}</a></li>' for i, t in enumerate(TEASERS))
    comments = "".join(f'<div class="comment"><b>{esc(u)}</b><p>{esc(t)}</p><a href="#">Reply</a></div>'
                       for u, t in COMMENTS)
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article["body"])
    return f"""<!DOCTYPE html>
<html lang="{article['language']}"><head><meta charset="utf-8">
<title>{esc(article['title'])} | The Loopback Herald</title>
<meta name="author" content="{esc(article['author'])}">
<meta property="article:published_time" content="{article['published']}">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button>
<button>Settings</button> By continuing you agree to our privacy policy and terms of use.</div>
<header><div class="logo">The Loopback Herald</div><nav>{nav}</nav>
<form><input placeholder="Search"><button>Search</button></form><a href="/login">Log in</a></header>
<div class="ad">ADVERTISEMENT - Save 50% on your first year of digital access. Subscribe now!</div>
<main><article>
<h1>{esc(article['title'])}</h1>
<p class="byline">By {esc(article['author'])}, {article['published'][:10]}</p>
{paragraphs}
</article>
<aside><h2>Related stories</h2><ul>{teasers}</ul></aside>
<div class="ad">WERBUNG - Jetzt Probeabo sichern und vier Wochen gratis lesen.</div>
<section class="newsletter"><h2>Newsletter</h2><p>The most important news of the day in your inbox every
morning. Sign up now, it is free and you can unsubscribe at any time.</p><input placeholder="E-mail"></section>
<section class="comments"><h2>Comments (3)</h2>{comments}<p>Leave a Reply. Your email address will not be
published. Required fields are marked.</p></section></main>
<footer><a href="/imprint">Imprint</a> <a href="/privacy">Privacy</a> <a href="/contact">Contact</a>
<p>Copyright 2026 The Loopback Herald. All rights reserved. No part of this site may be reproduced.</p></footer>
</body></html>"""


NO_ARTICLE_HTML = """<!DOCTYPE html><html><head><title>Sign in | The Loopback Herald</title></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav><h1>Sign in</h1>
<form><input name="user"><input name="password" type="password"><button>Sign in</button></form>
<footer>Copyright 2026 The Loopback Herald</footer></body></html>"""


def rss(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(p))}</pubDate></item>" for u, t, p in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>World</title>'
            f"<link>http://loopback.test/</link><description>World news</description>{entries}</channel></rss>")


def atom(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f'<entry><title>{html.escape(t)}</title><link href="{html.escape(u)}"/><id>{html.escape(u)}</id>'
        f"<updated>{p}</updated></entry>" for u, t, p in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Regional</title><id>urn:loopback:regional</id><updated>2026-11-25T00:00:00Z</updated>"
            f"{entries}</feed>")


def _fixed(make, **kwargs):  # noqa: ANN001, ANN202
    """A handler that always answers the same."""
    async def handler(request: web.Request) -> web.Response:
        return make(**kwargs)
    return handler


def news_sitemap(items: list[tuple[str, str, str]]) -> str:
    urls = "".join(
        f"<url><loc>{html.escape(u)}</loc><news:news><news:publication><news:name>The Loopback Herald"
        f"</news:name><news:language>en</news:language></news:publication><news:publication_date>{p}"
        f"</news:publication_date><news:title>{html.escape(t)}</news:title></news:news></url>" for u, t, p in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')


@dataclass
class Site:
    """Feed contents are lists the test may change between polls; every request is counted by path."""

    slow_seconds: float = 3.0
    huge_bytes: int = 300_000
    world: list[str] = field(default_factory=list)
    regional: list[str] = field(default_factory=list)
    sitemap: list[str] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    not_modified: int = 0
    base: str = ""

    def item(self, path: str) -> tuple[str, str, str]:
        slug = path.rsplit("/", 1)[-1].split("?")[0]
        article = ARTICLES.get(slug, {"title": f"Item {slug}", "published": "2026-11-20T00:00:00+00:00"})
        return self.base + path, article["title"], article["published"].replace("Z", "+00:00")

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._count])
        app.router.add_get("/robots.txt", _fixed(web.Response, text=ROBOTS))
        app.router.add_get("/feeds/world.xml", self._world)
        app.router.add_get("/feeds/regional.atom", self._regional)
        app.router.add_get("/sitemaps/news.xml", self._sitemap)
        app.router.add_get("/feeds/broken.xml", _fixed(web.Response, status=503))
        app.router.add_get("/go/troops", self._redirect)
        app.router.add_get("/news/empty", _fixed(web.Response, text=NO_ARTICLE_HTML, content_type="text/html"))
        app.router.add_get("/news/slow", self._slow)
        app.router.add_get("/news/broken", _fixed(web.Response, status=500, text="Internal Server Error"))
        app.router.add_get("/news/huge", self._huge)
        app.router.add_get("/files/report.pdf", _fixed(web.Response, body=b"%PDF-1.4 ...",
                                                       content_type="application/pdf"))
        app.router.add_get("/private/{slug}", self._article)
        app.router.add_get("/news/{slug}", self._article)
        return app

    @web.middleware
    async def _count(self, request: web.Request, handler):  # noqa: ANN001, ANN202
        self.requests[request.path] += 1
        return await handler(request)

    async def _world(self, request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == WORLD_ETAG:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": WORLD_ETAG})
        return web.Response(text=rss([self.item(p) for p in self.world]), content_type="application/rss+xml",
                            headers={"ETag": WORLD_ETAG})

    async def _regional(self, request: web.Request) -> web.Response:
        return web.Response(text=atom([self.item(p) for p in self.regional]), content_type="application/atom+xml")

    async def _sitemap(self, request: web.Request) -> web.Response:
        return web.Response(text=news_sitemap([self.item(p) for p in self.sitemap]), content_type="application/xml")

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/news/troops-kursk")

    async def _slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.slow_seconds)
        return web.Response(text=article_html(ARTICLES["shells-by-rail"]), content_type="text/html")

    async def _huge(self, request: web.Request) -> web.Response:
        article = dict(ARTICLES["summit-without-deal"], body=ARTICLES["summit-without-deal"]["body"] * 400)
        page = article_html(article)
        return web.Response(text=page + " " * max(0, self.huge_bytes - len(page)), content_type="text/html")

    async def _article(self, request: web.Request) -> web.Response:
        article = ARTICLES.get(request.match_info["slug"])
        if article is None:
            raise web.HTTPNotFound()
        return web.Response(text=article_html(article), content_type="text/html")


class RunningSite:
    """``async with RunningSite(site) as base_url``: the site on a free loopback port."""

    def __init__(self, site: Site):
        self.site = site

    async def __aenter__(self) -> str:
        self.runner = web.AppRunner(self.site.app(), access_log=None)
        await self.runner.setup()
        tcp = web.TCPSite(self.runner, "127.0.0.1", 0)
        await tcp.start()
        port = tcp._server.sockets[0].getsockname()[1]
        self.site.base = f"http://127.0.0.1:{port}"
        return self.site.base

    async def __aexit__(self, *exc: object) -> None:
        await self.runner.cleanup()

"""The quote pages on the bot's HTTP port: `/q/<key>`, its card, `/search`, and the stylesheet.

Rendering lives in the core (`bot.web`, `bot.cards`); this module only routes requests to it.
Both read SQLite and draw images synchronously, so they run in a worker thread and the event
loop stays free for Slack's and Discord's acks.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from importlib import resources

from aiohttp import web

from bot import Library, QueryError
from bot.cards import CardStyle, render_card
from bot.web import STATIC_FILES, HtmlPage, Pages, security_headers

log = logging.getLogger(__name__)

# Unfurlers (Slack, Discord, others) fetch a shared card several times: keep the last few.
CARD_CACHE = 64
CARD_MAX_AGE = 3600


class CardCache:
    """The PNGs of recently asked-for cards, by passage key (least recently used dropped)."""

    def __init__(self, library: Library, style: CardStyle, size: int = CARD_CACHE) -> None:
        self.library = library
        self.style = style
        self.size = size
        self._pngs: OrderedDict[str, bytes] = OrderedDict()

    def png(self, key: str) -> bytes:
        """The card of passage `key`; QueryError when the passage is gone."""
        cached = self._pngs.get(key)
        if cached is not None:
            self._pngs.move_to_end(key)
            return cached
        png = render_card(self.library.passage(key), self.style)
        self._pngs[key] = png
        while len(self._pngs) > self.size:
            self._pngs.popitem(last=False)
        return png


class LateLibrary:
    """The library that arrives after the server starts: the runner answers `/healthz` while
    the index loads in the background, and the pages say "starting" until it is here."""

    def __init__(self) -> None:
        self.library: Library | None = None


def add_page_routes(
    web_app: web.Application,
    library: Library | LateLibrary,
    *,
    public_url: str | None = None,
    card_style: CardStyle | None = None,
) -> None:
    """`GET /q/{key}`, `GET /q/{key}/card.png`, `GET /search`, `GET /static/…`."""
    built: list[tuple[Pages, CardCache]] = []

    def site() -> tuple[Pages, CardCache] | None:
        loaded = library.library if isinstance(library, LateLibrary) else library
        if loaded is None:
            return None
        if not built:
            built.append((Pages(loaded, public_url), CardCache(loaded, card_style or CardStyle())))
        return built[0]

    static = {
        name: (resources.files("bot.web") / "static" / name).read_bytes() for name in STATIC_FILES
    }

    async def quote_page(request: web.Request) -> web.Response:
        parts = site()
        if parts is None:
            return _starting()
        page = await asyncio.to_thread(parts[0].quote, request.match_info["key"], _origin(request))
        return _html(page)

    async def card(request: web.Request) -> web.Response:
        parts = site()
        if parts is None:
            return _starting()
        pages, cards = parts
        try:
            png = await asyncio.to_thread(cards.png, request.match_info["key"])
        except QueryError:
            return _html(pages.not_found())
        headers = {**security_headers(), "Cache-Control": f"public, max-age={CARD_MAX_AGE}"}
        return web.Response(body=png, content_type="image/png", headers=headers)

    async def search(request: web.Request) -> web.Response:
        parts = site()
        if parts is None:
            return _starting()
        query = request.query.get("q", "")
        number = request.query.get("page", "1")
        page_number = int(number) if number.isdigit() else 1
        return _html(await asyncio.to_thread(parts[0].search, query, page_number))

    async def stylesheet(request: web.Request) -> web.Response:
        body = static.get(request.match_info["name"])
        if body is None:
            return web.Response(status=404, text="not found", headers=security_headers())
        headers = {**security_headers(), "Cache-Control": "public, max-age=86400"}
        return web.Response(body=body, content_type="text/css", charset="utf-8", headers=headers)

    web_app.router.add_get("/q/{key}", quote_page)
    web_app.router.add_get("/q/{key}/card.png", card)
    web_app.router.add_get("/search", search)
    web_app.router.add_get("/static/{name}", stylesheet)


def _starting() -> web.Response:
    # The index is still loading: a retry in a few seconds finds the page.
    headers = {**security_headers(), "Retry-After": "5"}
    return web.Response(
        status=503, text="quotebot is starting; try again in a moment.", headers=headers
    )


def _html(page: HtmlPage) -> web.Response:
    return web.Response(
        text=page.html,
        status=page.status,
        content_type="text/html",
        charset="utf-8",
        headers=page.headers,
    )


def _origin(request: web.Request) -> str:
    """Where the request came to (`http://host:port`), for absolute OpenGraph addresses when
    QUOTEBOT_PUBLIC_URL is not set."""
    return f"{request.scheme}://{request.host}"

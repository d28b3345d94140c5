"""The quote page and the search page, rendered on the server as complete HTML documents.

Jinja is set up once, here, with autoescaping on: every value from a transcript, a query or a
URL is escaped where it is written into the page. The only markup built in Python is the
highlighting of matched words (`highlighted`), which escapes each piece itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..answers import attribution_of
from ..errors import QueryError
from ..library import Library
from ..messages import LEFT_OUT, NO_MATCH, QUOTE_GONE, SHOWING_RESULTS_FOR
from ..models import Passage, SearchResult
from ..text import shorten
from .links import (
    audio_at,
    card_path,
    episode_link,
    origin,
    quote_path,
    search_path,
)
from .security import security_headers

PER_PAGE = 10
CONTEXT = 2
DESCRIPTION_LIMIT = 200
TITLE_LIMIT = 70
# Paging deeper than this is not reading any more; the core caps offsets too.
MAX_PAGE = 100
# Page source of searches in the core's metrics.
SOURCE = "web"
NOT_FOUND = QUOTE_GONE + " Try searching for it instead."
# The core's sentences the search page shows, by the names the template uses.
MESSAGES = {
    "SHOWING_RESULTS_FOR": SHOWING_RESULTS_FOR,
    "LEFT_OUT": LEFT_OUT,
    "NO_MATCH": NO_MATCH,
}


@dataclass(frozen=True)
class HtmlPage:
    """A rendered page: HTTP status, the HTML document and its headers."""

    status: int
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def highlighted(text: str, spans: Sequence[tuple[int, int]] = ()) -> Markup:
    """`text` escaped, with each matched span in `<mark>`."""
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[position:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        position = end
    out.append(escape(text[position:]))
    return Markup("").join(out)


class Pages:
    """Renders the pages for one library; `public_url` (QUOTEBOT_PUBLIC_URL) makes the
    OpenGraph addresses absolute, else the address the request came to is used."""

    def __init__(self, library: Library, public_url: str | None = None) -> None:
        self.library = library
        self.public_url = public_url
        self.env = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            quote_path=quote_path,
            search_path=search_path,
            highlighted=highlighted,
            messages=MESSAGES,
        )

    def quote(self, key: str, request_origin: str = "") -> HtmlPage:
        """`/q/<key>`: the quote, its neighbours, where it was said, player and card tags."""
        try:
            passage = self.library.passage(key)
        except QueryError:
            return self.not_found(NOT_FOUND)
        context = self.library.context(passage, before=CONTEXT, after=CONTEXT)
        base = self.public_url or request_origin
        audio = audio_at(passage.episode, passage.seconds)
        html = self.env.get_template("quote.html").render(
            passage=passage,
            context=context,
            audio=audio,
            episode_link=episode_link(passage),
            title=f"“{shorten(passage.text, TITLE_LIMIT)}” — {passage.speaker}",
            description=shorten(passage.text, DESCRIPTION_LIMIT),
            page_url=f"{base}{quote_path(passage.key)}",
            card_url=f"{base}{card_path(passage.key)}",
            card_alt=f"“{shorten(passage.text, DESCRIPTION_LIMIT)}” — {_attribution(passage)}",
            attribution=_attribution(passage),
            query="",
        )
        return HtmlPage(200, html, security_headers([origin(audio)] if audio else []))

    def search(self, query: str, page: int = 1) -> HtmlPage:
        """`/search?q=…&page=N`: a page of hits in the query language of `/quote`."""
        query = " ".join((query or "").split())
        page = max(1, min(int(page), MAX_PAGE))
        template = self.env.get_template("search.html")
        if not query:
            html = template.render(query="", result=None, error=None, page=1)
            return HtmlPage(200, html, security_headers())
        try:
            result = self.library.search(
                query, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, source=SOURCE
            )
        except QueryError as exc:
            html = template.render(query=query, result=None, error=str(exc), page=page)
            return HtmlPage(400, html, security_headers())
        html = template.render(
            query=query,
            result=result,
            error=None,
            page=page,
            first=result.offset + 1,
            last=result.offset + len(result.hits),
            has_next=_has_next(result),
            attribution=_attribution,
        )
        return HtmlPage(200, html, security_headers())

    def not_found(self, message: str = "There is no page here.") -> HtmlPage:
        html = self.env.get_template("not_found.html").render(message=message, query="")
        return HtmlPage(404, html, security_headers())


def _has_next(result: SearchResult) -> bool:
    shown = result.offset + len(result.hits)
    return (result.total_capped or shown < result.total) and shown < MAX_PAGE * PER_PAGE


def _attribution(passage: Passage) -> str:
    """`Speaker · Section · HH:MM:SS · Podcast — Episode`, as every front end writes it."""
    return attribution_of(passage).text()

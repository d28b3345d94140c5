"""Hostile text in transcripts or queries stays text on the pages."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from bs4 import BeautifulSoup
from page_server import serve, soup

from bot import Library


@pytest.fixture
async def hostile_pages(hostile_library: Library) -> AsyncIterator[TestClient]:
    client = await serve(hostile_library)
    yield client
    await client.close()


async def test_a_script_in_a_transcript_is_shown_as_text(hostile_pages) -> None:
    """`<script>` in the quote, section and podcast name is escaped: no script element."""
    response = await hostile_pages.get("/q/hostile:0")
    html = await response.text()
    page = BeautifulSoup(html, "html.parser")
    assert page.find("script") is None
    assert "<script>alert('quote')</script>" in page.select_one("blockquote#quote").text
    assert "&lt;script&gt;alert(&#39;section&#39;)&lt;/script&gt;" in html
    assert "<img" not in html


async def test_quotes_in_a_transcript_cannot_leave_an_attribute(hostile_pages) -> None:
    """Double and single quotes in the text stay inside the meta tags' content."""
    page = await soup(hostile_pages, "/q/hostile:0")
    description = page.find("meta", attrs={"name": "description"})
    assert "\"double\" and 'single'" in description["content"]
    assert set(description.attrs) == {"name", "content"}
    title = page.find("meta", attrs={"property": "og:site_name"})
    assert set(title.attrs) == {"property", "content"}


async def test_a_javascript_url_never_becomes_a_link_or_a_source(hostile_pages) -> None:
    """`javascript:` episode and audio URLs give neither a link nor a player."""
    page = await soup(hostile_pages, "/q/hostile:0")
    assert page.find("audio") is None and page.select_one("a#episode-link") is None
    for tag in page.find_all(href=True):
        assert not tag["href"].lower().startswith("javascript:")
    assert "javascript:alert(1)" in page.select_one("blockquote#quote").text


async def test_a_script_in_a_query_is_shown_as_text(hostile_pages) -> None:
    """A query holding markup is escaped in the search box and in the answer."""
    query = "<script>alert('q')</script>\"><b>x"
    response = await hostile_pages.get("/search", params={"q": query})
    page = BeautifulSoup(await response.text(), "html.parser")
    assert page.find("script") is None and page.find("b") is None
    assert page.select_one("input#q")["value"] == query
    assert query in page.select_one("p.count").text


async def test_a_javascript_url_in_a_query_is_text(hostile_pages) -> None:
    """`javascript:` typed as a query is searched for, never linked."""
    page = await soup(hostile_pages, "/search?q=javascript:alert(1)")
    for tag in page.find_all(href=True):
        assert not tag["href"].lower().startswith("javascript:")


async def test_search_results_escape_hostile_text_around_highlights(hostile_pages) -> None:
    """A hit whose text holds markup keeps it as text, with only the match in <mark>."""
    page = await soup(hostile_pages, "/search?q=quotes")
    hit = page.select_one("li.hit blockquote")
    assert hit.find("script") is None
    assert "<script>alert('quote')</script>" in hit.text
    assert {m.text for m in hit.select("mark")} == {"quote", "quotes"}

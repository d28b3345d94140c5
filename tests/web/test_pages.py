"""The quote and search pages, served by the bot's HTTP server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from bs4 import BeautifulSoup
from page_server import playable_library, serve, soup

from bot import Library

KEY = "peterman-pod-2025-08-15-stefan-mai:215"


@pytest.fixture
async def seed_pages(seed_library: Library) -> AsyncIterator[TestClient]:
    client = await serve(seed_library)
    yield client
    await client.close()


def meta(page: BeautifulSoup, name: str) -> str:
    tag = page.find("meta", attrs={"property": name}) or page.find("meta", attrs={"name": name})
    assert tag is not None, name
    return str(tag["content"])


async def test_the_quote_page_shows_the_quote_and_where_it_was_said(seed_pages) -> None:
    """/q/<key> has the quote, speaker, section, timestamp, episode and podcast."""
    page = await soup(seed_pages, f"/q/{KEY}")
    assert "during layoffs, are you less likely" in page.select_one("blockquote#quote").text
    said = page.select_one("p.said").text
    assert "Stefan Mai" in said and "Are managers harder to layoff?" in said
    assert page.select_one("time.timestamp").text == "00:40:49"
    episode = page.select_one("p.episode").text
    assert "The Peterman Pod" in episode and "Intern to Microsoft" in episode


async def test_the_quote_page_shows_the_passages_before_and_after(seed_pages) -> None:
    """Two passages either side are shown, each linking to its own page."""
    page = await soup(seed_pages, f"/q/{KEY}")
    links = [a["href"] for a in page.select("p.around a")]
    assert links == [
        "/q/peterman-pod-2025-08-15-stefan-mai:213",
        "/q/peterman-pod-2025-08-15-stefan-mai:214",
        "/q/peterman-pod-2025-08-15-stefan-mai:216",
        "/q/peterman-pod-2025-08-15-stefan-mai:217",
    ]


async def test_the_page_carries_opengraph_and_twitter_card_tags(seed_pages) -> None:
    """og:image and twitter:image are the quote card, at an absolute address."""
    page = await soup(seed_pages, f"/q/{KEY}")
    card = f"{str(seed_pages.make_url('')).rstrip('/')}/q/{KEY}/card.png"
    assert meta(page, "og:image") == card and meta(page, "twitter:image") == card
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
    assert meta(page, "og:title").startswith("“I think if the assumption")


async def test_the_public_url_makes_the_card_address(seed_library: Library) -> None:
    """With QUOTEBOT_PUBLIC_URL the tags point there, whatever host the request named."""
    client = await serve(seed_library, "https://quotes.example.com")
    try:
        page = await soup(client, f"/q/{KEY}")
    finally:
        await client.close()
    assert meta(page, "og:image") == f"https://quotes.example.com/q/{KEY}/card.png"
    assert meta(page, "og:url") == f"https://quotes.example.com/q/{KEY}"


async def test_the_card_is_served_as_a_png(seed_pages) -> None:
    """/q/<key>/card.png is the 1200×630 card, cacheable."""
    response = await seed_pages.get(f"/q/{KEY}/card.png")
    assert response.status == 200 and response.content_type == "image/png"
    body = await response.read()
    assert body.startswith(b"\x89PNG") and body[16:24] == (1200).to_bytes(4, "big") + (
        630
    ).to_bytes(4, "big")
    assert "max-age" in response.headers["Cache-Control"]


async def test_an_unknown_key_is_a_friendly_404(seed_pages) -> None:
    """A key that is not in the library gets a 404 page that says so, with the search box."""
    page = await soup(seed_pages, "/q/no-such-episode:1", status=404)
    assert "no longer in the library" in page.select_one("p.notice").text
    assert page.select_one("form.search") is not None
    assert (await seed_pages.get("/q/no-such-episode:1/card.png")).status == 404


async def test_without_audio_there_is_no_player_but_a_link_to_the_episode(
    tmp_path: Path,
) -> None:
    """The seed has no audio file: no player; a transcript with an episode URL links it."""
    library = playable_library(tmp_path, "")
    client = await serve(library)
    try:
        page = await soup(client, "/q/playable:1")
    finally:
        await client.close()
        library.close()
    assert page.find("audio") is None
    assert page.select_one("a#episode-link")["href"] == "https://video.example/watch?v=abc&t=4"


async def test_the_player_starts_at_the_timestamp(tmp_path: Path) -> None:
    """The audio source carries `#t=SECONDS` and the policy allows audio from that host."""
    library = playable_library(tmp_path, "https://cdn.example.net/ep1.mp3")
    client = await serve(library)
    try:
        response = await client.get("/q/playable:1")
        page = BeautifulSoup(await response.text(), "html.parser")
    finally:
        await client.close()
        library.close()
    assert page.select_one("audio#player")["src"] == "https://cdn.example.net/ep1.mp3#t=4"
    assert "media-src https://cdn.example.net" in response.headers["Content-Security-Policy"]


async def test_search_finds_layoffs_with_highlights(seed_pages) -> None:
    """/search?q=layoffs lists the matches, matched words marked, each linking its page."""
    page = await soup(seed_pages, "/search?q=layoffs")
    hits = page.select("li.hit")
    assert len(hits) == 3
    assert [m.text for m in hits[0].select("mark")] == ["layoffs"]
    assert hits[0].select_one("p.said a")["href"] == f"/q/{KEY}"
    assert page.select_one("p.count").text == "1–3 of 3 for “layoffs”"


async def test_search_uses_the_quote_query_language(seed_pages) -> None:
    """Filters and typo correction work as in /quote."""
    page = await soup(seed_pages, "/search?q=speaker:ryan+layofs")
    assert "Showing results for" in page.select_one("p.notice").text
    assert {h.select_one("p.said a").text.split(" · ")[0] for h in page.select("li.hit")} == {
        "Ryan Peterman"
    }


async def test_search_pages_through_results(seed_pages) -> None:
    """Ten hits a page; Next and Previous links carry the query and the page number."""
    first = await soup(seed_pages, "/search?q=manager")
    assert len(first.select("li.hit")) == 10
    next_link = first.select_one("a[rel=next]")["href"]
    assert next_link == "/search?q=manager&page=2"
    second = await soup(seed_pages, next_link)
    assert second.select_one("ol.hits")["start"] == "11"
    assert second.select_one("a[rel=prev]")["href"] == "/search?q=manager"


async def test_a_bad_query_is_explained_not_an_error(seed_pages) -> None:
    """An unknown filter value gets the core's message, with status 400."""
    page = await soup(seed_pages, "/search?q=speaker:nobodyatall+x", status=400)
    assert "speaker" in page.select_one("p.notice").text.lower()


async def test_an_empty_search_shows_examples(seed_pages) -> None:
    """/search with no query shows how to search."""
    page = await soup(seed_pages, "/search")
    assert page.select_one("section.help a")["href"] == "/search?q=layoffs"


async def test_pages_set_a_strict_content_security_policy(seed_pages) -> None:
    """No script may run, nothing may frame the page, styles and images only from the bot."""
    response = await seed_pages.get(f"/q/{KEY}")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "media-src" not in policy  # no player on this page, so no audio from anywhere
    assert "frame-ancestors 'none'" in policy and "style-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_pages_have_no_script_element(seed_pages) -> None:
    """Everything works without JavaScript: the pages have no script at all."""
    for path in (f"/q/{KEY}", "/search?q=layoffs", "/search"):
        assert (await soup(seed_pages, path)).find("script") is None


async def test_the_stylesheet_is_served(seed_pages) -> None:
    """The one stylesheet is served from the bot itself, as CSS."""
    response = await seed_pages.get("/static/quotebot.css")
    assert response.status == 200 and response.content_type == "text/css"
    assert (await seed_pages.get("/static/other.css")).status == 404


def test_pages_are_laid_out_for_phones() -> None:
    """The viewport is the device's width, so phones do not zoom out to a desktop page."""
    template = Path(__file__).resolve().parents[2] / "bot" / "web" / "templates" / "base.html"
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in template.read_text()


async def test_the_http_server_keeps_serving_healthz(seed_pages) -> None:
    """The pages share the port with /healthz."""
    assert (await seed_pages.get("/healthz")).status == 200


async def test_paging_past_the_last_result_says_so(seed_pages) -> None:
    """A page number past the results says there are no more and links back to the first."""
    page = await soup(seed_pages, "/search?q=layoffs&page=5")
    assert "No more quotes" in page.select_one("p.notice").text
    assert page.select_one("p.notice a")["href"] == "/search?q=layoffs"

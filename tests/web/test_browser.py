"""The pages in a real headless browser (Debian's chromium through chromedriver).

Each test keeps a screenshot of its page as an artifact, in the folder the first test prints
(`QUOTEBOT_TEST_ARTIFACTS`, else a `quotebot-artifacts` folder in the system's temp folder).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from page_server import ARTIFACTS, playable_library, serve, silence_wav

from bot import Library

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium and chromedriver are not installed (apt install chromium chromium-driver)",
)
KEY = "peterman-pod-2025-08-15-stefan-mai:215"
PHONE = (412, 915)


@pytest.fixture(scope="module")
def artifacts(pytestconfig: pytest.Config) -> Path:
    """The screenshot folder; the test run's summary prints it."""
    folder = Path(
        os.environ.get("QUOTEBOT_TEST_ARTIFACTS")
        or Path(tempfile.gettempdir()) / "quotebot-artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[ARTIFACTS] = folder
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--autoplay-policy=no-user-gesture-required",
    ):
        options.add_argument(argument)
    # A phone's screen: headless windows cannot be narrower than 500 pixels, emulation can.
    options.add_experimental_option(
        "mobileEmulation",
        {"deviceMetrics": {"width": PHONE[0], "height": PHONE[1], "pixelRatio": 2.0}},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


@pytest.fixture
async def seed_site(seed_library: Library) -> AsyncIterator[TestClient]:
    client = await serve(seed_library)
    yield client
    await client.close()


async def visit(browser, url: str) -> None:
    """Load `url` in the browser without blocking the loop that serves it."""
    await asyncio.to_thread(browser.get, url)


async def test_the_quote_page_renders_the_quote(browser, seed_site, artifacts: Path) -> None:
    """The browser shows the quote and its speaker, styled by the stylesheet, on a phone."""
    await visit(browser, str(seed_site.make_url(f"/q/{KEY}")))
    quote = browser.find_element("css selector", "blockquote#quote")
    assert "during layoffs, are you less likely" in quote.text
    assert browser.find_element("css selector", ".said .speaker").text == "Stefan Mai"
    # The stylesheet loaded under the policy: the quote has its accent border.
    assert quote.value_of_css_property("border-left-style") == "solid"
    # Nothing is wider than the phone's screen.
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0]
    browser.save_screenshot(str(artifacts / "quote-page.png"))


async def test_the_search_page_finds_layoffs(browser, seed_site, artifacts: Path) -> None:
    """Typing `layoffs` in the search box and submitting lists the matches (no script)."""
    await visit(browser, str(seed_site.make_url("/search")))
    box = browser.find_element("css selector", "input#q")
    box.send_keys("layoffs")
    await asyncio.to_thread(box.submit)
    hits = browser.find_elements("css selector", "li.hit")
    assert len(hits) == 3
    assert browser.find_element("css selector", "li.hit mark").text == "layoffs"
    browser.save_screenshot(str(artifacts / "search-page.png"))


async def test_the_player_starts_at_the_quote(browser, tmp_path: Path, artifacts: Path) -> None:
    """With the episode's audio on loopback, the player is positioned at 00:00:04."""
    audio = web.Application()
    wav = tmp_path / "ep.wav"
    wav.write_bytes(silence_wav(10))

    # A FileResponse answers Range requests, as podcast hosts do: a player seeks only in
    # audio served that way.
    async def episode_audio(request: web.Request) -> web.FileResponse:
        return web.FileResponse(wav)

    audio.router.add_get("/ep.wav", episode_audio)
    audio_runner = web.AppRunner(audio)
    await audio_runner.setup()
    site = web.TCPSite(audio_runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    library = playable_library(tmp_path, f"http://127.0.0.1:{port}/ep.wav")
    pages = await serve(library)
    try:
        await visit(browser, str(pages.make_url("/q/playable:1")))
        position = None
        for _ in range(50):
            position = browser.execute_script(
                "const a = document.getElementById('player');"
                "return a.readyState >= 1 ? a.currentTime : null;"
            )
            if position is not None:
                break
            await asyncio.sleep(0.1)
        browser.save_screenshot(str(artifacts / "quote-page-player.png"))
    finally:
        await pages.close()
        await audio_runner.cleanup()
        library.close()
    assert position == pytest.approx(4.0, abs=0.05)

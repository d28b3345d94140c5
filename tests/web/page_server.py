"""Corpora and a loopback page server shared by the page tests."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from bs4 import BeautifulSoup

from adapters.slack.server import create_web_app
from adapters.web_routes import add_page_routes
from bot import Library

# Where the browser tests saved their screenshots (set by the `artifacts` fixture).
ARTIFACTS = pytest.StashKey[Path]()

HOSTILE = """\
---
podcast_name: "<script>alert('podcast')</script> \\"Pod\\""
guest_name: Mallory Evil
host_name: Ann Host
episode_date: 2025-01-02
episode_title: "Ep <img src=x onerror=alert(1)> & 'quotes'"
episode_url: "javascript:alert('link')"
audio_url: "javascript:alert('audio')"
---
Transcript
### <script>alert('section')</script>
Mallory 00:00:05:

Hello <script>alert('quote')</script> and "double" and 'single' quotes; javascript:alert(1).

Ann 00:00:20:

A plain answer about layoffs that is long enough to be its own passage in the index.
"""

PLAYABLE = """\
---
podcast_name: Loopback Radio
guest_name: Grace Guest
host_name: Harry Host
episode_date: 2025-02-03
episode_title: Playing from the right second
episode_url: "https://video.example/watch?v=abc"
audio_url: "{audio}"
---
Transcript
### Opening
Harry 00:00:01:

Welcome to the show where we talk about layoffs and careers for a while.

### The answer
Grace 00:00:04:

The player should start right here, four seconds in, on this very sentence.
"""


def silence_wav(seconds: int = 10, rate: int = 8000) -> bytes:
    """A short mono WAV of silence, long enough to seek into."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(b"\x80" * rate * seconds)
    return buffer.getvalue()


def load(tmp_path: Path, name: str, text: str) -> Library:
    corpus = tmp_path / f"corpus-{name}"
    corpus.mkdir()
    (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    return Library.load(corpus, tmp_path / f"index-{name}.sqlite3")


def playable_library(tmp_path: Path, audio: str) -> Library:
    """An episode whose audio file is at `audio`; the second passage starts at 00:00:04."""
    return load(tmp_path, "playable", PLAYABLE.format(audio=audio))


async def serve(library: Library, public_url: str | None = None) -> TestClient:
    """The bot's web app (healthz and the pages) on a loopback port."""
    app = create_web_app()
    add_page_routes(app, library, public_url=public_url)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


async def soup(client: TestClient, path: str, status: int = 200) -> BeautifulSoup:
    """The page at `path`, parsed, after checking its status and type."""
    response = await client.get(path)
    assert response.status == status
    assert response.content_type == "text/html"
    return BeautifulSoup(await response.text(), "html.parser")

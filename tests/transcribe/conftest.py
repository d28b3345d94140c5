"""Fixtures for the transcription tests: speech made by espeak-ng from a known script, and that
speech transcribed once for the whole run by the real command with a real (tiny) model."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from transcribe_helpers import (
    CHAPTERS,
    SCRIPT,
    Line,
    Transcribed,
    need_espeak,
    synthesize,
    tiny_model,
)

from bot.cli import main


@pytest.fixture(scope="session")
def model_path() -> Path:
    return tiny_model()


@pytest.fixture(scope="session")
def dialogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Line]]:
    """The script spoken by two espeak-ng voices into one WAV, with each line's start."""
    need_espeak()
    folder = tmp_path_factory.mktemp("speech")
    audio = folder / "dialogue.wav"
    return audio, synthesize(SCRIPT, audio)


@pytest.fixture(scope="session")
def audio_url(dialogue: tuple[Path, list[Line]]) -> Iterator[str]:
    """The dialogue served over HTTP on loopback, as a podcast host serves an enclosure."""
    folder = dialogue[0].parent
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{dialogue[0].name}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture(scope="session")
def transcribed(
    model_path: Path,
    dialogue: tuple[Path, list[Line]],
    audio_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Transcribed:
    """The dialogue transcribed once by the real command, from its URL, with chapters in its
    metadata."""
    _, lines = dialogue
    audio = audio_url
    corpus = tmp_path_factory.mktemp("corpus")
    metadata = tmp_path_factory.mktemp("meta") / "episode.yaml"
    metadata.write_text(
        yaml.safe_dump(
            {
                "episode_title": "Layoffs, from the inside",
                "podcast_name": "The Test Pod",
                "persons": [
                    {"name": "Ada Host", "role": "host"},
                    {"name": "Bo Guest", "role": "guest"},
                ],
                **CHAPTERS,
            }
        )
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUOTEBOT_TRANSCRIBE_MODEL", str(model_path))
        patch.setenv("QUOTEBOT_TRANSCRIBE_THREADS", "2")
        code = main(
            [
                "transcribe",
                str(audio),
                "-o",
                str(corpus / "layoffs.md"),
                "--episode-metadata",
                str(metadata),
            ]
        )
    return Transcribed(corpus, corpus / "layoffs.md", lines, code)

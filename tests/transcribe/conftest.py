"""Fixtures for the transcription tests: speech made by espeak-ng from a known script, and that
speech transcribed once for the whole run by the real command with a real (tiny) model."""

from __future__ import annotations

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
def transcribed(
    model_path: Path,
    dialogue: tuple[Path, list[Line]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Transcribed:
    """The dialogue transcribed once by the real command, with chapters in its metadata."""
    audio, lines = dialogue
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

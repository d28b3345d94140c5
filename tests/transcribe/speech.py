"""Speech made with espeak-ng from a known script: two voices, known line start times."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

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

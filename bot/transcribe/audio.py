"""Audio in: a local file or an http(s) URL, decoded to 16 kHz mono samples.

Decoding uses PyAV (FFmpeg's libraries inside a wheel), which faster-whisper brings; any
format FFmpeg reads (MP3, M4A, Ogg, WAV …) works. A URL is downloaded to a temporary file
first, with timeouts, so a stalled server fails the job instead of hanging the worker.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import messages
from .errors import AudioError, EngineMissing

CONNECT_TIMEOUT = 15.0
USER_AGENT = "quotebot-transcribe/0.1"


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@contextmanager
def local_audio(source: str, timeout: float = CONNECT_TIMEOUT) -> Iterator[Path]:
    """A path to the audio of `source`: the file itself, or a download deleted afterwards."""
    if not is_url(source):
        path = Path(source).expanduser()
        if not path.is_file():
            raise AudioError(messages.AUDIO_MISSING.format(source=source))
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="quotebot-audio-") as folder:
        target = Path(folder) / "audio"
        request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})
        try:
            with (
                urllib.request.urlopen(request, timeout=timeout) as response,
                target.open("wb") as out,
            ):
                shutil.copyfileobj(response, out, 1 << 20)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise AudioError(
                messages.AUDIO_FETCH_FAILED.format(source=source, reason=reason)
            ) from None
        yield target


def decode(path: Path, source: str) -> Any:
    """16 kHz mono float32 samples of an audio file."""
    try:
        from faster_whisper import decode_audio
    except ImportError:
        raise EngineMissing(messages.INSTALL_EXTRA) from None
    try:
        return decode_audio(str(path), sampling_rate=16_000)
    except Exception as exc:  # PyAV raises its own family for every broken container
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise AudioError(messages.AUDIO_UNREADABLE.format(source=source, reason=reason)) from None

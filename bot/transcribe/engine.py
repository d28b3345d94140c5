"""Speech to timed words with faster-whisper (CTranslate2, int8 on CPU), an optional extra.

The engine is imported only when transcription runs, so a bot without the extra starts as
before; a missing extra or model is one sentence saying how to install it.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..transcripts.word_times import TimedWord
from . import messages
from .errors import EngineMissing

log = logging.getLogger(__name__)

# (seconds of audio done, seconds of audio in all), called after every recognised segment.
Progress = Callable[[float, float], None]
SAMPLE_RATE = 16_000
# Audio given to the model at once: its memory grows with it (see Engine.transcribe).
CHUNK_SECONDS = 300.0


@dataclass(frozen=True)
class Recognition:
    """What the engine heard: every word with its time, and the audio's length."""

    words: tuple[TimedWord, ...]
    duration: float
    language: str


def default_threads() -> int:
    """Every core but one: the bots on the same machine keep a core for their answers."""
    return max(1, (os.cpu_count() or 1) - 1)


def _is_folder(model: str) -> bool:
    return "/" in model or "\\" in model or model.startswith(".") or Path(model).is_dir()


class Engine:
    """One loaded Whisper model; loading takes seconds, so a worker keeps it for every episode."""

    def __init__(self, model: str, threads: int = 0) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise EngineMissing(messages.INSTALL_EXTRA) from None
        self.model_name = model
        self.threads = threads or default_threads()
        options: dict[str, Any] = {
            "device": "cpu",
            "compute_type": "int8",
            "cpu_threads": self.threads,
        }
        if _is_folder(model):
            folder = Path(model).expanduser()
            if not (folder / "model.bin").is_file():
                raise EngineMissing(messages.MODEL_FOLDER_MISSING.format(path=folder))
            self._model = WhisperModel(str(folder), **options)
            return
        try:
            self._model = WhisperModel(model, local_files_only=True, **options)
        except Exception:  # not in the local cache: fetch it, once
            try:
                self._model = WhisperModel(model, **options)
            except Exception as exc:  # the hub's errors are many; what matters is the name
                reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
                raise EngineMissing(
                    messages.MODEL_NOT_AVAILABLE.format(name=model, reason=reason)
                ) from None

    def transcribe(self, audio: Any, on_progress: Progress | None = None) -> Recognition:
        """Words of `audio` (16 kHz mono float32 samples), with progress after each segment.

        Long audio goes to the model a few minutes at a time, cut in the quietest moment near
        each boundary: faster-whisper computes the spectrogram of all it is given at once,
        about 1 MB a second of audio, so a whole hour would need gigabytes.
        """
        duration = len(audio) / SAMPLE_RATE
        found: list[TimedWord] = []
        language = ""
        cuts = chunk_bounds(audio)
        for first, last in itertools.pairwise(cuts):
            offset = first / SAMPLE_RATE

            def chunk_progress(done: float, _total: float, offset: float = offset) -> None:
                if on_progress is not None:
                    on_progress(min(offset + done, duration), duration)

            words, language = self._transcribe_chunk(audio[first:last], chunk_progress)
            found += [TimedWord(w.start + offset, w.end + offset, w.text) for w in words]
        if on_progress is not None:
            on_progress(duration, duration)
        return Recognition(tuple(found), duration, language)

    def _transcribe_chunk(self, audio: Any, on_progress: Progress) -> tuple[list[TimedWord], str]:
        duration = len(audio) / SAMPLE_RATE
        segments, info = self._model.transcribe(
            audio,
            beam_size=5,
            word_timestamps=True,
            # Silero VAD ships inside faster-whisper: skipping music and silence saves time
            # and stops Whisper inventing words over a jingle.
            vad_filter=True,
            condition_on_previous_text=False,
        )
        found: list[TimedWord] = []
        for segment in segments:
            for word in segment.words or ():
                text = word.word.strip()
                if text:
                    found.append(TimedWord(float(word.start), float(word.end), text))
            on_progress(min(float(segment.end), duration), duration)
        return found, str(info.language)


def chunk_bounds(audio: Any, chunk: float = CHUNK_SECONDS, search: float = 10.0) -> list[int]:
    """Sample offsets that cut `audio` into pieces of about `chunk` seconds, each cut at the
    quietest tenth of a second within `search` seconds of where it would fall."""
    import numpy as np

    length = len(audio)
    step, frame = int(chunk * SAMPLE_RATE), SAMPLE_RATE // 10
    cuts = [0]
    while length - cuts[-1] > step + search * SAMPLE_RATE:
        target = cuts[-1] + step
        low, high = target - int(search * SAMPLE_RATE), target + int(search * SAMPLE_RATE)
        window = np.asarray(audio[low:high], dtype=np.float32)
        frames = window[: len(window) // frame * frame].reshape(-1, frame)
        quietest = int(np.argmin((frames**2).sum(axis=1)))
        cuts.append(low + quietest * frame + frame // 2)
    cuts.append(length)
    return cuts

"""One episode from audio to files: fetch, decode, recognise, split speakers, write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..transcripts.word_times import words_document
from .audio import decode, local_audio
from .document import build_transcript, markdown_of, speaker_names
from .engine import Engine, Progress
from .output import check_writable, write_outputs
from .request import EpisodeRequest
from .speakers import speaker_of_words


@dataclass(frozen=True)
class Outcome:
    """What was written, for the command's summary and the queue's record."""

    path: Path
    turns: int
    speakers: tuple[str, ...]
    sections: int
    audio_seconds: float
    elapsed: float
    # The `<name>.yaml` where `Speaker 1`, `Speaker 2` wait for names, when they do.
    name_speakers_in: Path | None

    @property
    def real_time_factor(self) -> float:
        return self.elapsed / self.audio_seconds if self.audio_seconds else 0.0


def transcribe_episode(
    request: EpisodeRequest, engine: Engine, on_progress: Progress | None = None
) -> Outcome:
    """Transcribe one episode into `request.output` (plus its sidecars).

    Raises KeptByHand before any work when the output was corrected by a person.
    """
    started = time.monotonic()
    check_writable(request.output)
    with local_audio(request.audio) as path:
        samples = decode(path, request.audio)
    heard = engine.transcribe(samples, on_progress)
    labels = speaker_of_words(samples, heard.words, request.expected_speakers)
    voices = max(labels, default=0) + 1
    names = speaker_names(request, voices)
    transcript = build_transcript(request, heard.words, labels, names)
    markdown = markdown_of(transcript, request.output)
    unnamed = [name for name in names if name.startswith("Speaker ")]
    document = words_document(
        heard.words,
        model=engine.model_name,
        language=heard.language,
        audio=request.audio,
        duration=round(heard.duration, 2),
    )
    sidecar = write_outputs(request, markdown, document, unnamed)
    return Outcome(
        path=request.output,
        turns=len(transcript.turns),
        speakers=transcript.episode.speakers,
        sections=len(transcript.episode.sections),
        audio_seconds=heard.duration,
        elapsed=time.monotonic() - started,
        name_speakers_in=sidecar,
    )

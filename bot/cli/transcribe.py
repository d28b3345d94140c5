"""`quotebot transcribe`, `transcribe-worker`, `transcribe-jobs`: transcripts made from audio.

The transcription wing (and faster-whisper behind it) is imported inside the handlers, so
the other commands stay quick to start and work without the optional extra.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..logging_setup import configure_logging
from ..settings import Settings
from .common import EXIT_NO_RESULTS, EXIT_OK
from .progress_eta import progress_for

TRANSCRIBE_HELP = """\
Transcribe an episode's audio on this machine's CPU (faster-whisper) into the markdown format
the seeds use, with speaker turns and, when the episode metadata has chapters, ### sections.
Beside it go <name>.words.json (the time of every word, for precise quote timestamps) and,
when the voices could not be named, <name>.yaml whose `speakers:` you fill in once.

--episode-metadata is a YAML file: any front matter keys (episode_title, podcast_name,
episode_date, episode_url …) plus `persons` ([{name, role}], the feed's podcast:person),
`chapters` (Podcasting 2.0 chapters; toc: false ones are not sections) and `speakers` (how
many voices). A file corrected by hand is never overwritten."""


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    transcribe = commands.add_parser(
        "transcribe",
        help="transcribe an episode's audio (file or URL) into a markdown transcript",
        description=TRANSCRIBE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    transcribe.add_argument("audio", metavar="AUDIO_FILE_OR_URL")
    transcribe.add_argument(
        "-o", "--output", type=Path, help="transcript to write (default: <audio name>.md here)"
    )
    transcribe.add_argument("--episode-metadata", type=Path, metavar="FILE")
    transcribe.add_argument(
        "--speakers", type=int, metavar="N", help="how many voices (default: from the metadata)"
    )
    transcribe.add_argument(
        "--queue",
        action="store_true",
        help="queue it for `quotebot transcribe-worker` instead of transcribing now",
    )
    transcribe.set_defaults(handler=run_transcribe)

    worker = commands.add_parser(
        "transcribe-worker",
        help="transcribe queued episodes one at a time, until stopped",
    )
    worker.add_argument(
        "--once", action="store_true", help="stop when the queue is empty instead of waiting"
    )
    worker.set_defaults(handler=run_worker)

    jobs = commands.add_parser(
        "transcribe-jobs", help="list queued, running, done and failed transcriptions"
    )
    jobs.add_argument("--retry", metavar="KEY", help="queue a failed episode again")
    jobs.set_defaults(handler=run_jobs)


def default_output(audio: str) -> Path:
    """`~/in/ep12.mp3` or `https://host/ep12.mp3?x=1` -> `ep12.md` in the current folder."""
    name = unquote(urlparse(audio).path) if "://" in audio else audio
    stem = Path(name).name.rsplit(".", 1)[0] or "episode"
    return Path(f"{stem}.md")


def _engine(settings: Settings) -> Any:
    from ..transcribe.engine import Engine

    return Engine(settings.transcribe_model, settings.transcribe_threads)


def run_transcribe(args: argparse.Namespace) -> int:
    """Transcribe one episode now (a bar on a terminal), or queue it."""
    import dataclasses

    from ..transcribe.request import request_from_file

    settings = Settings.load()
    output = args.output or default_output(args.audio)
    request = request_from_file(args.audio, output, args.episode_metadata)
    speakers = args.speakers or request.speakers or settings.transcribe_speakers
    request = dataclasses.replace(request, speakers=speakers)
    if args.queue:
        from ..transcribe.queue import TranscriptionQueue

        queue = TranscriptionQueue.open(settings.database_url)
        key = str(output.resolve())
        added = queue.enqueue(key, dataclasses.replace(request, output=output.resolve()))
        print(f"queued {key}" if added else f"already in the queue: {key}")
        return EXIT_OK
    engine = _engine(settings)  # first: without the extra, one line says how to install it
    from ..transcribe.pipeline import transcribe_episode

    bar = progress_for(f"transcribing {Path(args.audio).name}")
    try:
        outcome = transcribe_episode(request, engine, bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    print(
        f"wrote {outcome.path}: {outcome.turns} turns, {outcome.sections} sections, "
        f"speakers: {', '.join(outcome.speakers)} ({outcome.audio_seconds:.0f} s of audio in "
        f"{outcome.elapsed:.0f} s)",
        file=sys.stderr,
    )
    if outcome.name_speakers_in is not None:
        from ..transcribe import messages

        print(messages.NAME_SPEAKERS.format(sidecar=outcome.name_speakers_in), file=sys.stderr)
    return EXIT_OK


def run_worker(args: argparse.Namespace) -> int:
    """Take queued episodes one at a time until SIGTERM/Ctrl-C (or, with --once, none left)."""
    from ..transcribe.queue import TranscriptionQueue

    settings = Settings.load()
    configure_logging(settings.log_level, settings.log_format, settings.secret_values())
    engine = _engine(settings)  # a missing extra or model is reported now, not per episode
    from ..transcribe.worker import TranscriptionWorker

    queue = TranscriptionQueue.open(settings.database_url)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # Episodes queued by a feed report back to it (`feeds list`), through the same database.
    from ..feeds.store import FeedStore
    from ..feeds.transcription import feed_status_listener

    listener = feed_status_listener(FeedStore(queue.db))
    worker = TranscriptionWorker(queue, engine, stop, on_change=listener)
    logging.getLogger(__name__).info("transcription worker %s started", queue.owner)
    try:
        finished = worker.run(once=args.once)
    finally:
        queue.close()
    logging.getLogger(__name__).info("transcription worker stopped (%s episodes)", finished)
    return EXIT_OK


def run_jobs(args: argparse.Namespace) -> int:
    """One line per queued episode: its state (with progress) and where it goes."""
    from ..transcribe.queue import TranscriptionQueue

    settings = Settings.load()
    queue = TranscriptionQueue.open(settings.database_url)
    try:
        if args.retry:
            if not queue.retry(args.retry):
                print(f"quotebot: no failed transcription {args.retry}", file=sys.stderr)
                return EXIT_NO_RESULTS
            print(f"queued {args.retry} again")
            return EXIT_OK
        statuses = queue.statuses()
        for status in statuses.values():
            print(f"{status.label:<14}  {status.key}")
        if not statuses:
            print("no transcriptions queued")
    finally:
        queue.close()
    return EXIT_OK

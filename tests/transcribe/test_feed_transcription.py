"""A feed with `transcribe: true`: an episode with audio and no transcript is queued by the
poll, transcribed by the worker, listed with its status, and found by search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from transcribe_helpers import Line

from bot.cli import main
from bot.feeds import FeedStore
from bot.feeds.transcription import feed_status_listener
from bot.transcribe.engine import Engine
from bot.transcribe.queue import TranscriptionQueue
from bot.transcribe.worker import TranscriptionWorker

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel>
  <title>The Test Pod</title>
  <item>
    <guid>ep-1</guid>
    <title>Layoffs, from the inside</title>
    <enclosure url="{audio}" type="audio/wav" length="1"/>
    <podcast:person role="host">Ada Host</podcast:person>
    <podcast:person role="guest">Bo Guest</podcast:person>
    <podcast:chapters url="{chapters}" type="application/json+chapters"/>
  </item>
</channel>
</rss>
"""


def test_a_feed_episode_without_transcript_is_transcribed_and_listed(
    audio_url: str,
    dialogue: tuple[Path, list[Line]],
    model_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """feeds add --transcribe: queued; the worker: transcribed; search quotes it."""
    folder = dialogue[0].parent
    base = audio_url.rsplit("/", 1)[0]
    (folder / "pod.chapters.json").write_text(
        json.dumps({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Layoffs"}]})
    )
    (folder / "feed.xml").write_text(
        FEED.format(audio=audio_url, chapters=f"{base}/pod.chapters.json")
    )
    database = f"sqlite:///{tmp_path / 'quotebot.sqlite3'}"
    monkeypatch.setenv("QUOTEBOT_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("QUOTEBOT_FEEDS_ALLOW_PRIVATE", "true")
    assert main(["feeds", "add", f"{base}/feed.xml", "--name", "pod", "--transcribe"]) == 0
    main(["feeds", "list"])
    assert "1 queued" in capsys.readouterr().out

    queue = TranscriptionQueue.open(database)
    listener = feed_status_listener(FeedStore(queue.db))
    worker = TranscriptionWorker(queue, Engine(str(model_path), 2), on_change=listener)
    assert worker.run(once=True) == 1

    main(["feeds", "list"])
    assert "1 transcribed" in capsys.readouterr().out
    main(["search", "network warm", "--json"])
    hit = json.loads(capsys.readouterr().out)[0]
    assert hit["episode"]["title"] == "Layoffs, from the inside"
    assert hit["section"] == "Layoffs" and hit["speaker"] == "Speaker 2"


def test_feeds_list_shows_how_far_a_running_transcription_is(
    audio_url: str,
    dialogue: tuple[Path, list[Line]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A worker half-way through an episode: `feeds list` says 50% done."""
    folder = dialogue[0].parent
    base = audio_url.rsplit("/", 1)[0]
    (folder / "pod.chapters.json").write_text(json.dumps({"chapters": []}))
    (folder / "feed2.xml").write_text(
        FEED.format(audio=audio_url, chapters=f"{base}/pod.chapters.json")
    )
    database = f"sqlite:///{tmp_path / 'quotebot.sqlite3'}"
    monkeypatch.setenv("QUOTEBOT_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("QUOTEBOT_FEEDS_ALLOW_PRIVATE", "true")
    assert main(["feeds", "add", f"{base}/feed2.xml", "--name", "pod", "--transcribe"]) == 0
    queue = TranscriptionQueue.open(database)
    job = queue.claim()
    feed_status_listener(FeedStore(queue.db))(job, "running", None)
    queue.heartbeat(job.key, 30.0, 60.0)
    capsys.readouterr()
    main(["feeds", "list"])
    assert "Layoffs, from the inside: transcribing, 50% done" in capsys.readouterr().out

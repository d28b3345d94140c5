"""The terminal progress bar, and the episode metadata file `quotebot transcribe` reads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli.progress_eta import ProgressBar, progress_for
from bot.errors import TranscriptError
from bot.transcribe.request import Person, request_from_file


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_the_share_of_audio_done_and_the_time_left() -> None:
    """40% done after 60 s: 90 s left at that pace."""
    clock = Clock()
    bar = ProgressBar("transcribing ep.mp3", io.StringIO(), clock)
    clock.now += 60
    line = bar.line(400.0, 1000.0)
    assert line.startswith("transcribing ep.mp3 [############------------------]")
    assert line.endswith(" 40%  1:30 left")


def test_the_bar_says_how_long_it_took_when_done() -> None:
    """When the work is done the bar's last line gives the time it took."""
    clock = Clock()
    bar = ProgressBar("x", io.StringIO(), clock)
    clock.now += 3725
    assert bar.line(1.0, 1.0).endswith("100%  done in 1:02:05")


def test_no_bar_is_drawn_into_a_pipe_or_a_log() -> None:
    """Only a terminal gets a bar; a pipe gets nothing."""
    assert progress_for("x", io.StringIO()) is None


def test_episode_metadata_gives_front_matter_people_chapters_and_voices(tmp_path: Path) -> None:
    """Front matter keys pass through; persons default to host; toc: false is no section."""
    path = tmp_path / "ep.yaml"
    path.write_text(
        "episode_title: Bees\n"
        "persons: [Ada Host, {name: Bo Guest, role: guest}, {name: Cy, role: producer}]\n"
        "chapters:\n"
        "  - {startTime: 0, title: Intro}\n"
        "  - {startTime: 60, title: Ad, toc: false}\n"
        "  - {startTime: 90.5, title: Hives}\n"
        "speakers: 2\n"
    )
    request = request_from_file("ep.mp3", tmp_path / "ep.md", path)
    assert request.metadata == {"episode_title": "Bees"}
    assert request.persons[0] == Person("Ada Host", "host")
    assert [p.name for p in request.speaking_persons] == ["Ada Host", "Bo Guest"]
    assert [(c.start, c.title) for c in request.chapters] == [(0.0, "Intro"), (90.5, "Hives")]
    assert request.expected_speakers == 2


def test_a_bad_speaker_count_names_the_file(tmp_path: Path) -> None:
    """A speaker count that is not a number is reported by file and line."""
    path = tmp_path / "ep.yaml"
    path.write_text("speakers: many\n")
    with pytest.raises(TranscriptError, match="ep.yaml:1: speakers must be a whole number"):
        request_from_file("ep.mp3", tmp_path / "ep.md", path)


def test_chapters_may_be_a_podcasting_chapters_file_beside_the_metadata(tmp_path: Path) -> None:
    """`chapters: ep.chapters.json` reads the file the feed published."""
    (tmp_path / "ep.chapters.json").write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"},'
        ' {"startTime": 30, "title": "Sponsor", "toc": false}]}'
    )
    path = tmp_path / "ep.yaml"
    path.write_text("chapters: ep.chapters.json\n")
    request = request_from_file("ep.mp3", tmp_path / "ep.md", path)
    assert [c.title for c in request.chapters] == ["Intro"]

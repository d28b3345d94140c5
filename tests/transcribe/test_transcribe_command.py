"""`quotebot transcribe` on speech made by espeak-ng: what is said is found by search, at the
second it was said, under the speaker and section it belongs to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from transcribe_helpers import Transcribed

from bot.cli import main


def search(corpus: Path, query: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    main(
        ["search", "--corpus", str(corpus), "--index", str(corpus.parent / "i.db"), query, "--json"]
    )
    return json.loads(capsys.readouterr().out)


PHRASES = [
    "talking about layoffs",
    "six years running teams",
    "surprised you the most",
    "weeks before anyone was told",
    "brutal for the people",
    "savings healthy and your network warm",
]


def test_the_command_writes_the_transcript_and_its_sidecars(transcribed: Transcribed) -> None:
    """One markdown file, its word times and its speakers sidecar, nothing half-written."""
    assert transcribed.exit_code == 0
    names = sorted(p.name for p in transcribed.corpus.iterdir())
    assert names == ["layoffs.md", "layoffs.words.json", "layoffs.yaml"]


def test_every_line_is_found_by_search_within_two_seconds_of_when_it_was_said(
    transcribed: Transcribed, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each line of the script: searching its words finds it at its start, ±2 s."""
    for phrase, line in zip(PHRASES, transcribed.lines, strict=True):
        hits = search(transcribed.corpus, f'"{phrase}"', capsys)
        assert hits, f"{phrase!r} not found"
        assert abs(hits[0]["seconds"] - line.start) <= 2, (phrase, hits[0]["seconds"], line)


def test_the_two_voices_are_two_speakers_as_in_the_script(
    transcribed: Transcribed, capsys: pytest.CaptureFixture[str]
) -> None:
    """The host's lines share one speaker, the guest's another."""
    speaker_of = {}
    for phrase, line in zip(PHRASES, transcribed.lines, strict=True):
        speaker_of.setdefault(line.who, set()).add(
            search(transcribed.corpus, f'"{phrase}"', capsys)[0]["speaker"]
        )
    assert len(speaker_of["host"]) == 1 and len(speaker_of["guest"]) == 1
    assert speaker_of["host"] != speaker_of["guest"]


def test_chapters_become_sections_except_those_not_in_the_table_of_contents(
    transcribed: Transcribed,
) -> None:
    """`### Introductions` and `### The list`; the sponsor marker (toc: false) is no section."""
    text = transcribed.transcript.read_text()
    assert "### Introductions" in text and "### The list" in text
    assert "sponsor" not in text


def test_voices_wait_for_names_in_the_sidecar_when_the_feed_lists_two_people(
    transcribed: Transcribed,
) -> None:
    """Two voices, a host and a guest listed: which is which is not guessed."""
    sidecar = transcribed.corpus / "layoffs.yaml"
    text = sidecar.read_text()
    assert "Speaker 1:" in text and "Speaker 2:" in text
    assert "Ada Host (host), Bo Guest (guest)" in text
    assert "Speaker 1 00:00:00:" in transcribed.transcript.read_text()


def test_names_written_in_the_sidecar_are_the_speakers_quotes_carry(
    transcribed: Transcribed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`speakers: {Speaker 1: Ada Host}` once, and search answers with Ada Host."""
    corpus = tmp_path / "named"
    corpus.mkdir()
    for file in transcribed.corpus.iterdir():
        (corpus / file.name).write_bytes(file.read_bytes())
    (corpus / "layoffs.yaml").write_text(
        "speakers:\n  Speaker 1: Ada Host\n  Speaker 2: Bo Guest\n"
    )
    assert search(corpus, '"talking about layoffs"', capsys)[0]["speaker"] == "Ada Host"
    assert search(corpus, '"network warm"', capsys)[0]["speaker"] == "Bo Guest"


def test_a_transcript_corrected_by_hand_is_never_overwritten(
    transcribed: Transcribed,
    model_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Transcribing again onto a corrected file stops at once with one line, the file intact."""
    for file in transcribed.corpus.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    target = tmp_path / "layoffs.md"
    corrected = target.read_text().replace("layoffs", "lay-offs")
    target.write_text(corrected)
    monkeypatch.setenv("QUOTEBOT_TRANSCRIBE_MODEL", str(model_path))
    capsys.readouterr()
    code = main(["transcribe", str(tmp_path / "missing-but-never-read.wav"), "-o", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert "edited by hand" in err and err.count("\n") == 1
    assert target.read_text() == corrected


def test_a_file_quotebot_did_not_write_is_never_overwritten(
    model_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An existing transcript without quotebot's word sidecar is a person's: kept."""
    target = tmp_path / "ep.md"
    target.write_text("---\ntitle: x\n---\nAnna 00:00:01: hello\n")
    monkeypatch.setenv("QUOTEBOT_TRANSCRIBE_MODEL", str(model_path))
    assert main(["transcribe", str(tmp_path / "a.wav"), "-o", str(target)]) == 2
    assert "not written by quotebot transcribe" in capsys.readouterr().err


def test_audio_missing_at_its_url_is_one_line_naming_the_url(
    audio_url: str,
    model_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 404 from the podcast host: exit 2, one line, nothing written."""
    monkeypatch.setenv("QUOTEBOT_TRANSCRIBE_MODEL", str(model_path))
    missing = audio_url.rsplit("/", 1)[0] + "/gone.mp3"
    assert main(["transcribe", missing, "-o", str(tmp_path / "gone.md")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{missing}: could not download the audio" in err
    assert list(tmp_path.iterdir()) == []


def test_a_metadata_sidecar_gets_the_speakers_mapping_below_what_it_says(
    dialogue: tuple[Path, list], model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed's `ep.yaml` (episode metadata) keeps its keys and gains `speakers:`."""
    (tmp_path / "ep.yaml").write_text("episode_title: Bees\nepisode_url: https://x.test/ep")
    monkeypatch.setenv("QUOTEBOT_TRANSCRIBE_MODEL", str(model_path))
    assert main(["transcribe", str(dialogue[0]), "-o", str(tmp_path / "ep.md")]) == 0
    sidecar = yaml.safe_load((tmp_path / "ep.yaml").read_text())
    assert sidecar == {
        "episode_title": "Bees",
        "episode_url": "https://x.test/ep",
        "speakers": {"Speaker 1": None, "Speaker 2": None},
    }

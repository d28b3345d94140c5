"""Searching a corpus of every format, `quotebot check` and `quotebot convert`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import Library
from bot.cli.command import main
from bot.models import UNKNOWN_SPEAKER
from bot.transcripts.formats import parse_transcript
from bot.transcripts.markdown import parse_markdown_transcript
from bot.transcripts.markdown_writer import summarise

FIXTURES = Path(__file__).resolve().parents[1] / "transcripts" / "fixtures"
CORPUS = FIXTURES / "corpus"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "peterman-pod-2025-08-15-stefan-mai.txt"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library.load(CORPUS, tmp_path / "i.sqlite3")
    yield library
    library.close()


@pytest.mark.parametrize(
    ("query", "episode", "speaker", "section", "timestamp"),
    [
        ('"raised beds drain fast"', "garden-talk", "Rosa Diaz", "Soil mixes", "00:02:15"),
        # The passage starts in the VTT turn's second cue: its timestamp is that cue's.
        ('"pollinator corridors"', "bees", "Tom Okafor", "Welcome", "00:00:12"),
        # A chapter split Tom's turn at the cue where "Swarm season" starts.
        ("swarming beekeeping", "bees", "Tom Okafor", "Swarm season", "00:01:00"),
        ('"compost thermometer"', "compost", "Jonas Berg", "", "00:00:09"),
        ('"mycorrhizal networks"', "soil", "Ben", "Fungi", "00:00:22"),
        ('"black gold"', "worms", "Sam Ortiz", "", "00:00:02"),
    ],
)
def test_search_mixed_corpus(
    library: Library, query: str, episode: str, speaker: str, section: str, timestamp: str
) -> None:
    """Search over VTT, SRT, JSON and markdown finds each with its speaker, section and time."""
    assert library.errors == ()
    hit = library.search(query).hits[0]
    assert (hit.episode.id, hit.speaker, hit.section, hit.timestamp) == (
        episode,
        speaker,
        section,
        timestamp,
    )


def test_mixed_corpus_episodes_and_links(library: Library) -> None:
    """Each format's episode gets its title; a sidecar's URL becomes a deep link at the time."""
    titles = {e.id: e.title for e in library.episodes()}
    assert titles == {
        "garden-talk": "Raised Beds for Beginners",
        "bees": "Bees on the Roof",
        "compost": "Hot Compost",
        "soil": "soil",
        "worms": "Worm Bins",
    }
    hit = library.search('"pollinator corridors"').hits[0]
    assert hit.url == "https://example.com/bees?t=12"


def test_unknown_speaker_is_nobody_in_filters(library: Library) -> None:
    """Voiceless cues belong to “Unknown speaker”, whom no speaker filter picks by accident."""
    unknown = next(s for s in library.speakers() if s.name == UNKNOWN_SPEAKER)
    assert unknown.aliases == ()
    hits = library.search("applause", speaker="unknown").hits
    assert [h.speaker for h in hits] == [UNKNOWN_SPEAKER]
    assert {h.speaker for h in library.search("bees", speaker="tom").hits} == {"Tom Okafor"}
    assert library.search("applause", speaker="tom").hits == ()


def test_check_reports_format_companions_and_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`quotebot check` shows each file's format, companions and counts, and the totals."""
    assert main(["check", str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert "bees.vtt  [webvtt + sidecar + chapters] 2 sections, 6 turns, speakers: " in out
    assert "compost.srt  [srt + sidecar] 0 sections, 6 turns" in out
    assert "soil.json  [podcasting2-json + chapters] 2 sections, 5 turns" in out
    assert "garden-talk.md  [markdown] 2 sections, 4 turns" in out
    assert "chapters.json" not in out and ".yaml" not in out
    assert out.strip().endswith("5 episodes, 6 sections, 24 turns, 9 speakers")


def test_round_trip_markdown_convert_parse(tmp_path: Path) -> None:
    """A seed transcript converted to markdown reads back to the same turns and metadata."""
    out = tmp_path / "seed.md"
    assert main(["convert", str(SEED), "--to", "md", "-o", str(out)]) == 0
    before = parse_transcript(SEED, "seed")
    after = parse_markdown_transcript(out, "seed")
    assert [summarise(t) for t in after.turns] == [summarise(t) for t in before.turns]
    assert after.episode.title == before.episode.title
    assert after.episode.sections == before.episode.sections
    assert after.episode.metadata == before.episode.metadata


@pytest.mark.parametrize("name", ["bees.vtt", "compost.srt", "soil.json", "worms.json"])
def test_convert_subtitle_formats_to_markdown(tmp_path: Path, name: str) -> None:
    """A subtitle transcript converted to markdown reads back to the same turns and title."""
    out = tmp_path / "out.md"
    assert main(["convert", str(CORPUS / name), "-o", str(out)]) == 0
    before = parse_transcript(CORPUS / name, "x")
    after = parse_markdown_transcript(out, "x")
    assert [summarise(t) for t in after.turns] == [summarise(t) for t in before.turns]
    assert after.episode.title == before.episode.title


def test_convert_writes_the_seed_format(capsys: pytest.CaptureFixture[str]) -> None:
    """`convert --to md` writes front matter, `### Section` headings and `Name HH:MM:SS:` turns."""
    assert main(["convert", str(CORPUS / "bees.vtt"), "--to", "md"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("---\npodcast_name: Garden Hour\nepisode_title: Bees on the Roof\n")
    assert "\n### Swarm season\n\nTom Okafor 00:01:00:\n\nSwarming season is" in text
    assert "\nUnknown speaker 00:01:03:\n" in text


def test_convert_warns_when_text_would_read_as_a_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Convert exits 1 with a warning when its output would read back differently."""
    path = tmp_path / "tricky.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nANN: Fine.\n\n"
        "2\n00:00:04,000 --> 00:00:06,000\n>>\n# of people went up.\n",
        encoding="utf-8",
    )
    assert main(["convert", str(path)]) == 1
    assert "does not read back the same" in capsys.readouterr().err


def test_convert_rejects_non_transcripts(capsys: pytest.CaptureFixture[str]) -> None:
    """Convert refuses a companion file (chapters) with exit 2 and says why."""
    assert main(["convert", str(CORPUS / "bees.chapters.json")]) == 2
    assert "not a transcript file" in capsys.readouterr().err


def test_copying_the_corpus_keeps_ids(tmp_path: Path) -> None:
    """Episode ids come from file names, so a copied corpus keeps them."""
    shutil.copytree(CORPUS, tmp_path / "c")
    library = Library.load(tmp_path / "c", tmp_path / "i.sqlite3")
    assert sorted(e.id for e in library.episodes()) == [
        "bees",
        "compost",
        "garden-talk",
        "soil",
        "worms",
    ]
    library.close()

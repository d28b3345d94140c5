"""Lines that look like a turn header in another style are named, not silently folded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Library
from bot.cli.command import main
from bot.transcripts.markdown import parse_markdown_transcript

REPO = Path(__file__).resolve().parents[2]
SEED = next((REPO / "seeds").glob("*.txt"))
FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
HEAD = "---\nepisode_title: Test\n---\n### Start\nRyan 00:00:05: Welcome to the show.\n"


def warnings_for(line: str) -> list[str]:
    transcript = parse_markdown_transcript(Path("t.md"), "t", HEAD + line + "\n")
    return [str(warning) for warning in transcript.warnings]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Sam (00:01:00): That is my point.", "Sam"),
        ("[00:01:00] Sam: That is my point.", "Sam"),
        ("00:01:00 - Sam Smith: That is my point.", "Sam Smith"),
        ("**Sam** 00:01:00", "Sam"),
        ("Sam 00:01:00", "Sam"),
        ("Sam - 00:01:00 - That is my point.", "Sam"),
        ("Dr. Alice Smith [01:02:03] That is my point.", "Dr. Alice Smith"),
        ("Speaker 2 (01:00): That is my point.", "Speaker 2"),
        ("sam 00:01:00: That is my point.", "sam"),
    ],
)
def test_a_turn_header_in_another_style_is_warned_about_by_line(line: str, name: str) -> None:
    """The warning names the file, the line, who it seems to be and whose turn took it."""
    assert warnings_for(line) == [
        f"t.md:6: “{line}” looks like a turn of {name} but is not a `Speaker 00:01:23:` "
        "line: its words are read as Ryan's"
    ]


def test_a_known_speaker_named_inside_another_turn_is_warned_about() -> None:
    """`Stefan: …` inside Ryan's turn, when Stefan speaks in the file, is a lost header."""
    text = HEAD + "Stefan 00:00:09: Thanks.\nRyan 00:00:12: So.\nStefan: I joined in 2004.\n"
    transcript = parse_markdown_transcript(Path("t.md"), "t", text)
    assert [(w.line, "Stefan" in w.message) for w in transcript.warnings] == [(8, True)]


def test_a_lookalike_before_any_turn_says_its_words_are_not_served() -> None:
    """A lookalike before any turn says its words are not served."""
    text = "---\ntitle: T\n---\nSam (00:00:01): Hello.\nRyan 00:00:05: Hi.\n"
    (warning,) = parse_markdown_transcript(Path("t.md"), "t", text).warnings
    assert warning.message.endswith("its words are not served")


@pytest.mark.parametrize(
    "line",
    [
        "We met at 10:30 and talked.",
        "The meeting at 10:30: it went fine.",
        "Note: 10:30 is late for a standup.",
        "So: here we are at 10:30.",
        "Monday 10:30",
        "Chapter 3 (10:30)",
        "Call me at 10:30:",
        "The ratio was 3:1, which surprised me.",
        "John 3:16 says so.",
        "Around 10:30: we left.",
        "the meeting at 10:30: it went fine.",
        "it ran until 01:30:00: late.",
        "Priya: a name that speaks nowhere in this file is prose.",
    ],
)
def test_ordinary_speech_with_times_and_colons_raises_no_warning(line: str) -> None:
    """Ordinary speech with times and colons raises no warning."""
    assert warnings_for(line) == []


@pytest.mark.parametrize("path", [SEED, *FIXTURES.glob("*.md")])
def test_the_bundled_transcripts_raise_no_warning(path: Path) -> None:
    """The bundled transcripts raise no warning."""
    assert parse_markdown_transcript(path, "x").warnings == ()


def test_check_prints_the_warning_and_still_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warning is not an error: the file is served, `check` exits 0 and counts it."""
    path = tmp_path / "ep.md"
    path.write_text(HEAD + "Sam (00:01:00): That is my point.\n", encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"warn   {path}:6: “Sam (00:01:00): That is my point.” looks like a turn" in out
    assert out.splitlines()[-1].endswith("; 1 warning")


def test_indexing_reports_the_lookalike_too(tmp_path: Path) -> None:
    """The library's warnings (logged by the bots, printed by the CLI) carry it as well."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ep.md").write_text(HEAD + "Sam (00:01:00): That is my point.\n", encoding="utf-8")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [(w.source, w.line) for w in library.warnings] == [(str(corpus / "ep.md"), 6)]

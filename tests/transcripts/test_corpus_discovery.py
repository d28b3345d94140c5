"""What a corpus folder holds: hidden folders skipped, one episode in two files served once,
and a corpus with nothing to serve explained."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import Library
from bot.cli.command import main
from bot.transcripts.corpus import discover

REPO = Path(__file__).resolve().parents[2]
SEED = next((REPO / "seeds").glob("*.txt"))
FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def bees(folder: Path) -> Path:
    """The WebVTT fixture with its sidecar and chapters, copied into `folder`."""
    folder.mkdir(exist_ok=True)
    for companion in FIXTURES.glob("bees.*"):
        shutil.copy(companion, folder / companion.name)
    return folder


def convert(source: Path, target: Path) -> None:
    assert main(["convert", str(source), "-o", str(target)]) == 0


def test_transcripts_in_hidden_folders_are_not_episodes(tmp_path: Path) -> None:
    """A copy under `.git/` (or any dot folder) is neither indexed nor reported."""
    corpus = bees(tmp_path / "corpus")
    (corpus / ".git" / "objects").mkdir(parents=True)
    shutil.copy(SEED, corpus / ".git" / "objects" / "old.txt")
    assert [path.name for _, path in discover(corpus).files] == ["bees.vtt"]
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [episode.id for episode in library.episodes()] == ["bees"]


def test_a_converted_copy_beside_its_original_is_served_once(tmp_path: Path) -> None:
    """Every quote appears once, and the copy is named in a warning with the file kept."""
    corpus = bees(tmp_path / "corpus")
    convert(corpus / "bees.vtt", corpus / "bees-edited.md")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert len(library.search("swarming").hits) == 1
    assert [episode.source for episode in library.episodes()] == [str(corpus / "bees-edited.md")]
    assert [str(warning) for warning in library.warnings] == [
        f"{corpus / 'bees.vtt'}: not served: the same episode as {corpus / 'bees-edited.md'} "
        "(the same words); only that file is searched. Remove one of the two (a converted "
        "copy belongs instead of its original)."
    ]


def test_the_copy_is_still_named_when_nothing_changed(tmp_path: Path) -> None:
    """A second start, which reads nothing again, still warns about the copy."""
    corpus = bees(tmp_path / "corpus")
    convert(corpus / "bees.vtt", corpus / "bees-edited.md")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    again = Library.load(corpus, tmp_path / "i.sqlite3")
    assert again.report.parsed == 0
    assert [warning.source for warning in again.warnings] == [str(corpus / "bees.vtt")]
    assert len(again.search("swarming").hits) == 1


def test_removing_the_kept_file_serves_the_other_again(tmp_path: Path) -> None:
    """The copy comes back on the next start once the file preferred to it is gone."""
    corpus = bees(tmp_path / "corpus")
    convert(corpus / "bees.vtt", corpus / "bees-edited.md")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    (corpus / "bees-edited.md").unlink()
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [episode.source for episode in library.episodes()] == [str(corpus / "bees.vtt")]
    assert library.warnings == ()
    assert len(library.search("swarming").hits) == 1


def test_a_copy_added_later_replaces_nothing_twice(tmp_path: Path) -> None:
    """An indexed episode whose converted copy appears later is still served once."""
    corpus = bees(tmp_path / "corpus")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    convert(corpus / "bees.vtt", corpus / "bees.md")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert len(library.search("swarming").hits) == 1
    assert len(library.episodes()) == 1
    assert [warning.source for warning in library.warnings] == [str(corpus / "bees.vtt")]


def test_same_title_and_date_in_two_files_is_one_episode(tmp_path: Path) -> None:
    """Two transcriptions of one episode (same podcast, title and date) are served once."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / "episode.txt")
    edited = SEED.read_text(encoding="utf-8").replace("Kaggle", "Kagel")
    (corpus / "episode-fixed.txt").write_text(edited, encoding="utf-8")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert len(library.episodes()) == 1
    assert "(the same podcast, title and date)" in str(library.warnings[0])


def test_check_names_the_copy_and_counts_the_episode_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quotebot check` warns about the copy and does not count it."""
    corpus = bees(tmp_path / "corpus")
    convert(corpus / "bees.vtt", corpus / "bees.md")
    capsys.readouterr()
    assert main(["check", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert f"warn   {corpus / 'bees.vtt'}: not served: the same episode as" in out
    assert out.splitlines()[-1].startswith("1 episodes, 2 sections, 6 turns")


@pytest.mark.parametrize(
    ("names", "found"),
    [
        ((), "no transcripts found (the folder is empty)"),
        (
            ("episode 1.pdf", "episode 2.pdf", "notes.docx"),
            "no transcripts found, only files quotebot does not read (2 .pdf, 1 .docx)",
        ),
    ],
)
def test_a_corpus_with_nothing_to_serve_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], names: tuple[str, ...], found: str
) -> None:
    """An empty corpus, or one of PDFs, is a warning naming the formats quotebot reads."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in names:
        (corpus / name).write_bytes(b"%PDF-1.4")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    (warning,) = library.warnings
    assert str(warning).startswith(f"{corpus}: {found}. Transcripts are read from .txt .md")
    assert ".vtt (webvtt), .srt (srt), .json (podcasting2-json)" in str(warning)
    assert main(["check", str(corpus)]) == 1
    assert f"warn   {corpus}: {found}" in capsys.readouterr().out


def test_check_takes_the_corpus_as_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`quotebot check --corpus DIR`, like every other command, checks that folder."""
    assert main(["check", "--corpus", str(FIXTURES)]) == 0
    assert f"ok     {FIXTURES / 'bees.vtt'}" in capsys.readouterr().out


def test_a_preferred_copy_under_another_name_takes_over_the_indexed_one(tmp_path: Path) -> None:
    """An indexed WebVTT episode whose markdown copy appears later (another name) leaves the
    index for it, and stays out on the next start."""
    corpus = bees(tmp_path / "corpus")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    convert(corpus / "bees.vtt", corpus / "a-bees.md")
    for _ in range(2):
        library = Library.load(corpus, tmp_path / "i.sqlite3")
        assert [episode.id for episode in library.episodes()] == ["a-bees"]
        assert [warning.source for warning in library.warnings] == [str(corpus / "bees.vtt")]
        assert len(library.search("swarming").hits) == 1
        library.close()

"""Mixed-format corpora: episode ids, malformed files, and re-indexing when companions change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot import Library
from bot.transcripts.corpus import transcript_files

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
MALFORMED = FIXTURES / "malformed"


def load(folder: Path, tmp_path: Path) -> Library:
    return Library.load(folder, tmp_path / "i.sqlite3")


def touch_later(path: Path) -> None:
    """Make sure a rewrite is seen even on file systems with coarse mtimes."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_ids_companions_skipped_and_markdown_keeps_its_id(tmp_path: Path) -> None:
    """Companions are not transcripts; markdown keeps the id a same-named VTT or SRT loses."""
    for name in ("bees.vtt", "bees.yaml", "bees.chapters.json"):
        shutil.copy(CORPUS / name, tmp_path / name)
    shutil.copy(CORPUS / "garden-talk.md", tmp_path / "bees.md")
    shutil.copy(CORPUS / "compost.srt", tmp_path / "bees.srt")
    files = {path.name: episode_id for episode_id, path in transcript_files(tmp_path)}
    # The markdown file claims the bare id whatever else shares its name.
    assert files == {"bees.md": "bees", "bees.srt": "bees-srt", "bees.vtt": "bees-vtt"}


@pytest.mark.parametrize(
    ("name", "where", "message"),
    [
        ("bad-timing.vtt", "bad-timing.vtt", (6, "cue 2 cannot be read")),
        ("no-header.vtt", "no-header.vtt", (1, "not a WebVTT file")),
        ("garbled.srt", "garbled.srt", (6, "cannot read “00:00:03,000 -> 00:00:05,000”")),
        ("arrow-typo.vtt", "arrow-typo.vtt", (6, "“00:00:10.000 -> 00:00:12.000” looks like")),
        ("ends-first.vtt", "ends-first.vtt", (8, "the cue ends at 00:00:02.000, before it")),
        ("ends-early.srt", "ends-early.srt", (6, "the cue ends at 00:00:02.000, before it")),
        ("ends-before.json", "ends-before.json", (4, "segment 2 ends at 2s, before it starts")),
        ("backwards.srt", "backwards.srt", (6, "before the cue above it")),
        ("broken-syntax.json", "broken-syntax.json", (6, "not valid JSON")),
        ("no-start.json", "no-start.json", (5, "segment 2: startTime must be a number")),
        ("not-a-transcript.json", "not-a-transcript.json", (1, "not a Podcasting 2.0")),
        ("bad-chapters.vtt", "bad-chapters.chapters.json", (5, "chapter 2: startTime")),
        ("bad-sidecar.srt", "bad-sidecar.yaml", (3, "sidecar metadata is not valid YAML")),
    ],
)
def test_malformed_file_reported_by_file_and_line_rest_loads(
    tmp_path: Path, name: str, where: str, message: tuple[int, str]
) -> None:
    """A malformed file is reported by file and line while the rest of the corpus loads."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "garden-talk.md", corpus)
    stem = name.rsplit(".", 1)[0]
    for companion in MALFORMED.glob(f"{stem}.*"):
        shutil.copy(companion, corpus)
    for attempt in range(2):  # the second load answers from the cached failure
        library = load(corpus, tmp_path)
        try:
            assert [e.id for e in library.episodes()] == ["garden-talk"], attempt
            (error,) = library.errors
            assert Path(error.source).name == where
            assert error.line == message[0]
            assert message[1] in error.message
        finally:
            library.close()


def test_sidecar_and_chapters_changes_reindex_their_transcript(tmp_path: Path) -> None:
    """Adding, editing or removing a sidecar or chapters file re-indexes only its transcript."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("bees.vtt", "garden-talk.md"):
        shutil.copy(CORPUS / name, corpus)
    library = load(corpus, tmp_path)
    assert library.episode("bees").title == "bees"
    assert library.report.parsed == 2
    library.close()

    # A sidecar appears: the transcript is read again, the markdown file is not.
    shutil.copy(CORPUS / "bees.yaml", corpus)
    library = load(corpus, tmp_path)
    assert (library.report.parsed, library.report.unchanged) == (1, 1)
    assert library.episode("bees").title == "Bees on the Roof"
    assert {s.name for s in library.speakers()} >= {"Maya Lin", "Tom Okafor"}
    library.close()

    # The sidecar is edited.
    sidecar = corpus / "bees.yaml"
    sidecar.write_text(sidecar.read_text().replace("Bees on the Roof", "Roof Bees"))
    touch_later(sidecar)
    library = load(corpus, tmp_path)
    assert library.report.parsed == 1
    assert library.episode("bees").title == "Roof Bees"
    library.close()

    # Chapters appear, then change.
    chapters = corpus / "bees.chapters.json"
    shutil.copy(CORPUS / "bees.chapters.json", chapters)
    library = load(corpus, tmp_path)
    assert library.report.parsed == 1
    assert [s.title for s in library.sections() if s.episode_id == "bees"] == [
        "Welcome",
        "Swarm season",
    ]
    library.close()
    chapters.write_text(chapters.read_text().replace("Swarm season", "Swarms"))
    touch_later(chapters)
    library = load(corpus, tmp_path)
    assert library.report.parsed == 1
    assert "Swarms" in library.episode("bees").sections
    library.close()

    # Touched but unchanged: nothing is parsed.
    touch_later(sidecar)
    library = load(corpus, tmp_path)
    assert (library.report.parsed, library.report.unchanged) == (0, 2)
    library.close()

    # The sidecar goes: back to the file name.
    sidecar.unlink()
    library = load(corpus, tmp_path)
    assert library.report.parsed == 1
    assert library.episode("bees").title == "bees"
    library.close()


def test_fixing_a_broken_sidecar_brings_the_episode_back(tmp_path: Path) -> None:
    """An episode skipped for a broken sidecar comes back once the sidecar is fixed."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(MALFORMED / "bad-sidecar.srt", corpus)
    shutil.copy(MALFORMED / "bad-sidecar.yaml", corpus)
    library = load(corpus, tmp_path)
    assert library.episodes() == [] and len(library.errors) == 1
    library.close()
    (corpus / "bad-sidecar.yaml").write_text("episode_title: Fixed\n")
    library = load(corpus, tmp_path)
    assert library.errors == ()
    assert library.episode("bad-sidecar").title == "Fixed"
    library.close()


def settle(folder: Path) -> None:
    """Date the folder an hour back, as a corpus that has not changed in a while is."""
    stat = folder.stat()
    os.utime(folder, ns=(stat.st_atime_ns, stat.st_mtime_ns - 3600 * 10**9))


def test_a_start_notices_transcripts_added_and_removed(tmp_path: Path) -> None:
    """Adding or deleting a transcript changes its folder, which a start compares."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "garden-talk.md", corpus)
    settle(corpus)
    load(corpus, tmp_path).close()
    shutil.copy(CORPUS / "bees.vtt", corpus)
    library = load(corpus, tmp_path)
    assert (library.report.parsed, library.report.unchanged) == (1, 1)
    library.close()
    (corpus / "garden-talk.md").unlink()
    library = load(corpus, tmp_path)
    assert library.report.removed == 1
    assert [e.id for e in library.episodes()] == ["bees"]
    library.close()


def test_a_start_reads_no_transcript_when_no_folder_changed(tmp_path: Path) -> None:
    """A start with settled folders compares folder stamps only: a file edited in place (its
    folder untouched) waits for a full check, which `quotebot index` makes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "bees.vtt", corpus)
    shutil.copy(CORPUS / "bees.yaml", corpus)
    settle(corpus)
    load(corpus, tmp_path).close()
    sidecar = corpus / "bees.yaml"
    folder = corpus.stat()
    sidecar.write_text(sidecar.read_text().replace("Bees on the Roof", "Roof Bees"))
    touch_later(sidecar)
    # Rewriting a file in place leaves its folder's stamp as it was.
    assert corpus.stat().st_mtime_ns == folder.st_mtime_ns
    library = load(corpus, tmp_path)
    assert (library.report.parsed, library.report.unchanged) == (0, 1)
    assert library.episode("bees").title == "Bees on the Roof"
    library.close()
    library = Library.load(corpus, tmp_path / "i.sqlite3", full_check=True)
    assert library.report.parsed == 1
    assert library.episode("bees").title == "Roof Bees"
    library.close()


def test_a_missing_full_text_index_is_refilled_from_the_stored_passages(tmp_path: Path) -> None:
    """Deleting the full-text folder loses nothing: the next open rebuilds it from the
    passages the SQLite file holds, without reading a transcript again."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "garden-talk.md", corpus)
    settle(corpus)
    load(corpus, tmp_path).close()
    shutil.rmtree(tmp_path / "i.sqlite3.fulltext")
    library = load(corpus, tmp_path)
    assert library.report.parsed == 0
    assert library.search("raised beds").hits
    library.close()


def test_worker_processes_index_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big corpus is read by worker processes; the index holds the same as when one
    process reads it, broken files reported the same way."""
    import bot.search.reading

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(6):
        # Each copy differs by title and a turn: copies would be one episode (identity.py).
        text = (CORPUS / "garden-talk.md").read_text().replace("Beginners", f"Beginners {number}")
        extra = f"\n\nRosa 00:09:{number:02}:\n\nThat was take number {number}.\n"
        (corpus / f"garden-{number}.md").write_text(text + extra)
    shutil.copy(MALFORMED / "no-header.vtt", corpus)
    answers = []
    for threshold in (1_000_000, 2):
        monkeypatch.setattr(bot.search.reading, "POOL_THRESHOLD", threshold)
        library = Library.load(corpus, tmp_path / f"i-{threshold}.sqlite3")
        answers.append(
            (
                [e.id for e in library.episodes()],
                [(h.key, round(h.score, 6), h.highlights) for h in library.search("beds").hits],
                [(Path(e.source).name, e.line) for e in library.errors],
                sorted(library.engine.speller.counts.items()),
            )
        )
        library.close()
    assert answers[0] == answers[1]
    assert len(answers[0][0]) == 6 and answers[0][2] == [("no-header.vtt", 1)]

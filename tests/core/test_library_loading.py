"""Loading a corpus: the index is reused, refreshed per changed file, and bad files skipped."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot import Library

SEED = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def corpus_with_seed(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / "first.txt")
    return corpus


def write_another_episode(path: Path) -> None:
    """A second episode: the seed's text under another title, with one more turn (a plain copy
    would be the same episode twice, which is served once)."""
    text = SEED.read_text(encoding="utf-8").replace("episode_title:", "episode_title: Rerun of", 1)
    path.write_text(text + "\nRyan 23:59:59: One more thing for the rerun.\n", encoding="utf-8")


def test_a_second_start_reuses_the_index(tmp_path: Path) -> None:
    """Nothing is re-read when no transcript changed."""
    corpus = corpus_with_seed(tmp_path)
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    again = Library.load(corpus, tmp_path / "i.sqlite3")
    assert (again.report.parsed, again.report.unchanged) == (0, 1)
    assert again.search("layoffs").hits


def test_only_changed_transcripts_are_read_again(tmp_path: Path) -> None:
    """Editing one file re-reads that file; touching without change re-reads none."""
    corpus = corpus_with_seed(tmp_path)
    write_another_episode(corpus / "second.txt")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    os.utime(corpus / "first.txt", ns=(1, 1))
    touched = Library.load(corpus, tmp_path / "i.sqlite3")
    assert touched.report.parsed == 0
    touched.close()
    text = (corpus / "second.txt").read_text().replace("Kaggle", "Zanzibar")
    (corpus / "second.txt").write_text(text)
    edited = Library.load(corpus, tmp_path / "i.sqlite3")
    assert edited.report.parsed == 1
    assert {h.episode.id for h in edited.search("zanzibar").hits} == {"second"}


def test_removed_transcripts_leave_the_index(tmp_path: Path) -> None:
    """A deleted file's episode and passages are gone on the next load."""
    corpus = corpus_with_seed(tmp_path)
    write_another_episode(corpus / "second.txt")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    (corpus / "second.txt").unlink()
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert library.report.removed == 1
    assert [e.id for e in library.episodes()] == ["first"]
    assert {h.episode.id for h in library.search("layoffs", limit=50).hits} == {"first"}


def test_a_broken_file_is_reported_and_the_rest_served(tmp_path: Path) -> None:
    """A malformed transcript is named with its line; the good ones still answer."""
    corpus = corpus_with_seed(tmp_path)
    (corpus / "broken.txt").write_text("no front matter here\n")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [(Path(e.source).name, e.line) for e in library.errors] == [("broken.txt", 1)]
    assert library.search("layoffs").hits
    library.close()
    again = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [Path(e.source).name for e in again.errors] == ["broken.txt"]


def test_a_file_that_breaks_stops_being_served(tmp_path: Path) -> None:
    """A transcript that was good and is now broken is reported and no longer quoted."""
    corpus = corpus_with_seed(tmp_path)
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    (corpus / "first.txt").write_text("---\n---\n")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert library.errors and library.episodes() == []


def test_episode_ids_come_from_file_names(tmp_path: Path) -> None:
    """Episode ids are slugs of the file names, stable across loads."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / "001 Stefan Maï.txt")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [e.id for e in library.episodes()] == ["001-stefan-mai"]


def test_non_transcript_files_are_ignored(tmp_path: Path) -> None:
    """README files and YAML files in the corpus folder are not transcripts."""
    corpus = corpus_with_seed(tmp_path)
    (corpus / "README.md").write_text("# notes\n")
    (corpus / "advice.yaml").write_text("include: []\n")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert library.errors == () and len(library.episodes()) == 1


def test_podcast_defaults_give_episodes_their_links(tmp_path: Path) -> None:
    """podcasts.yaml gives every episode of a podcast a link template; editing it relinks."""
    corpus = corpus_with_seed(tmp_path)
    (corpus / "podcasts.yaml").write_text(
        '"The Peterman Pod":\n  episode_url: "https://video.example/{episode_id}?start={seconds}"\n'
    )
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    hit = library.search("layoffs").hits[0]
    assert hit.url == f"https://video.example/first?start={hit.seconds}"
    library.close()
    (corpus / "podcasts.yaml").write_text(
        '"the peterman pod":\n  episode_url: "https://audio.example/{episode_id}"\n'
    )
    relinked = Library.load(corpus, tmp_path / "i.sqlite3")
    assert relinked.report.parsed == 1
    assert relinked.search("layoffs").hits[0].url.startswith("https://audio.example/first?t=")


def test_a_broken_podcasts_file_is_reported_and_ignored(tmp_path: Path) -> None:
    """A podcasts.yaml that is not valid YAML is named with its line; search still works."""
    corpus = corpus_with_seed(tmp_path)
    (corpus / "podcasts.yaml").write_text("a: [unclosed")
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert [(Path(e.source).name, e.line) for e in library.errors] == [("podcasts.yaml", 1)]
    assert library.search("layoffs").hits


def test_an_unchanged_corpus_loads_while_another_process_writes(tmp_path: Path) -> None:
    """A start with nothing to re-read takes no write lock, so it is not held up by another
    process rebuilding (or holding) the index."""
    import sqlite3

    corpus = corpus_with_seed(tmp_path)
    (corpus / "broken.txt").write_text("no front matter\n")
    Library.load(corpus, tmp_path / "i.sqlite3").close()
    writer = sqlite3.connect(tmp_path / "i.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        library = Library.load(corpus, tmp_path / "i.sqlite3")
        assert library.report.unchanged == 1
        assert [Path(e.source).name for e in library.errors] == ["broken.txt"]
        assert library.search("layoffs").hits
        library.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_an_index_from_an_older_version_is_rebuilt(tmp_path: Path) -> None:
    """An index file left by an earlier quotebot (here: the FTS5 layout of version 7) is
    dropped and built again on the first start, with nothing to do by hand."""
    import sqlite3

    corpus = corpus_with_seed(tmp_path)
    old = sqlite3.connect(tmp_path / "i.sqlite3")
    old.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    old.execute("INSERT INTO meta VALUES ('version', '7')")
    old.execute("CREATE TABLE passages (id INTEGER PRIMARY KEY, text TEXT)")
    old.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(text)")
    old.commit()
    old.close()
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    assert library.report.parsed == 1
    assert library.search("layoffs").hits
    library.close()
    tables = sqlite3.connect(tmp_path / "i.sqlite3").execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'passages_fts%'"
    )
    assert tables.fetchall() == []

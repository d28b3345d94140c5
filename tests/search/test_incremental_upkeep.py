"""A feed's new episode is an incremental update: no whole-index upkeep, listeners told of it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from bot import Library
from bot.models import Episode, Passage

GARDEN = Path(__file__).parents[1] / "transcripts" / "fixtures" / "corpus" / "garden-talk.md"


def episode_file(corpus: Path, number: int) -> Path:
    """The garden fixture as its own episode: its own title and a closing turn of its own."""
    text = GARDEN.read_text().replace("Beginners", f"Beginners {number}")
    extra = f"\n\nRosa 00:09:{number:02}:\n\nThat was take number {number}.\n"
    path = corpus / f"garden-{number}.md"
    path.write_text(text + extra)
    return path


def corpus_of(folder: Path, episodes: int) -> Path:
    folder.mkdir()
    for number in range(episodes):
        episode_file(folder, number)
    return folder


class Heard:
    """Records what a sync tells its listener."""

    def __init__(self) -> None:
        self.indexed: list[str] = []
        self.removed: list[str] = []
        self.finished = 0

    def sync_started(self, files: int) -> None:
        pass

    def episode_indexed(
        self, episode: Episode, fingerprint: str, passages: Sequence[Passage]
    ) -> None:
        self.indexed.append(episode.id)

    def episode_removed(self, episode_id: str) -> None:
        self.removed.append(episode_id)

    def sync_finished(self) -> None:
        self.finished += 1


def test_one_new_episode_in_a_big_catalogue_leaves_the_write_ahead_log_alone(
    tmp_path: Path,
) -> None:
    """A refresh adding one episode of twelve does not force a TRUNCATE checkpoint (it waits
    for every reader); the build of the whole catalogue does."""
    corpus = corpus_of(tmp_path / "corpus", 12)
    index = tmp_path / "index.sqlite3"
    wal = Path(f"{index}-wal")
    library = Library.load(corpus, index)
    try:
        assert not wal.exists() or wal.stat().st_size == 0
        episode_file(corpus, 12)
        report = library.refresh()
        assert report.parsed == 1
        assert wal.stat().st_size > 0
        assert library.search("take number 12").total == 1
    finally:
        library.close()


def test_a_refresh_tells_its_listener_of_the_new_and_the_removed_episode(tmp_path: Path) -> None:
    """A refresh tells its listener of the new and the removed episode."""
    corpus = corpus_of(tmp_path / "corpus", 3)
    library = Library.load(corpus, tmp_path / "index.sqlite3")
    try:
        episode_file(corpus, 3)
        os.remove(corpus / "garden-0.md")
        heard = Heard()
        library.refresh(listener=heard)
        assert (heard.indexed, heard.removed, heard.finished) == (["garden-3"], ["garden-0"], 1)
    finally:
        library.close()


def test_a_copy_of_an_indexed_episode_is_not_announced_to_the_listener(tmp_path: Path) -> None:
    """The same episode in a second file is a duplicate: not served, so not scored either."""
    corpus = corpus_of(tmp_path / "corpus", 2)
    library = Library.load(corpus, tmp_path / "index.sqlite3")
    try:
        (corpus / "garden-copy.md").write_text((corpus / "garden-1.md").read_text())
        heard = Heard()
        report = library.refresh(listener=heard)
        assert heard.indexed == [] and heard.removed == []
        assert [w.source for w in report.warnings] == [str(corpus / "garden-copy.md")]
    finally:
        library.close()

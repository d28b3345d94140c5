"""Advice candidates are scored when an episode is indexed, kept beside the index, and only
the episodes that changed are scored again."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot import Library
from bot.advice.candidates import CandidateStore, load_library, store_path
from bot.advice.pool import build_pool

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = next(SEEDS.glob("*.txt"))


def corpus_of(folder: Path, copies: int) -> Path:
    """The seed transcript `copies` times, under different episode ids (no advice.yaml)."""
    folder.mkdir()
    for n in range(copies):
        copy_seed(folder / f"episode-{n}.txt")
    return folder


def copy_seed(target: Path) -> None:
    """The seed as another episode: its title and last word made its own, so that the index
    does not take it for the same episode twice (see bot/transcripts/identity.py)."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("episode_title: ", f"episode_title: {target.stem} ", 1)
    head, _, tail = text.rpartition(" the ")
    target.write_text(f"{head} the {target.stem} {tail}", encoding="utf-8")


def test_indexing_scores_each_new_episode_once(tmp_path: Path) -> None:
    """The first load scores both episodes during the index sync; a second load scores none
    and the pool is the same."""
    corpus = corpus_of(tmp_path / "corpus", 2)
    index = tmp_path / "index.sqlite3"
    scored: list[tuple[int, int]] = []
    library, store = load_library(
        corpus, index, progress=lambda done, total: scored.append((done, total))
    )
    assert scored == [(1, 2), (2, 2)]
    assert Path(store_path(index)).is_file()
    first = len(build_pool(library, store=store))
    assert first > 10 and store.catch_up(library) == 0
    store.close()
    library.close()
    scored.clear()
    library, store = load_library(corpus, index, progress=lambda d, t: scored.append((d, t)))
    again = build_pool(library, store=store)
    assert scored == [] and len(again) == first
    store.close()
    library.close()


def test_adding_one_episode_scores_only_that_episode(tmp_path: Path) -> None:
    """A third transcript is scored alone, and its candidates join the pool."""
    corpus = corpus_of(tmp_path / "corpus", 2)
    index = tmp_path / "index.sqlite3"
    library, store = load_library(corpus, index)
    before = len(build_pool(library, store=store))
    store.close()
    library.close()
    copy_seed(corpus / "episode-new.txt")
    scored: list[tuple[int, int]] = []
    library, store = load_library(corpus, index, progress=lambda d, t: scored.append((d, t)))
    assert scored == [(1, 3)]
    pool = build_pool(library, store=store)
    assert len(pool) == before * 3 // 2
    assert any(c.passage.episode.id == "episode-new" for c in pool.candidates)
    store.close()
    library.close()


def test_an_index_synced_without_the_store_is_caught_up_per_episode(tmp_path: Path) -> None:
    """An index built by a tool that did not score (or an older version) is caught up at the
    next pool load, episode by episode: an edited transcript alone is scored again, a deleted
    one leaves the pool."""
    corpus = corpus_of(tmp_path / "corpus", 3)
    index = tmp_path / "index.sqlite3"
    Library.load(corpus, index).close()
    library = Library.load(corpus, index)
    store = CandidateStore.beside(index)
    assert store.catch_up(library) == 3
    library.close()
    edited = corpus / "episode-1.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    (corpus / "episode-2.txt").unlink()
    library = Library.load(corpus, index)
    assert store.stale_episodes(library) == (["episode-1"], ["episode-2"])
    pool = build_pool(library, store=store)
    assert store.stale_episodes(library) == ([], [])
    assert {c.passage.episode.id for c in pool.candidates} == {"episode-0", "episode-1"}
    store.close()
    library.close()


def test_both_speaker_modes_read_the_same_stored_scores(tmp_path: Path) -> None:
    """`any` adds the host's advice to the guests' without scoring anything again."""
    corpus = corpus_of(tmp_path / "corpus", 1)
    library, store = load_library(corpus, tmp_path / "index.sqlite3")
    guests = {c.id for c in build_pool(library, "guests", store=store).candidates}
    anyone = {c.id for c in build_pool(library, "any", store=store).candidates}
    assert guests < anyone
    store.close()
    library.close()


def test_a_pool_sees_episodes_another_process_scored(tmp_path: Path) -> None:
    """A running bot's pool re-reads the store's summaries when another process (a feed sync,
    `quotebot search`) scored new episodes: no restart needed."""
    corpus = corpus_of(tmp_path / "corpus", 1)
    index = tmp_path / "index.sqlite3"
    library, store = load_library(corpus, index)
    pool = build_pool(library, store=store)
    before = len(pool)
    copy_seed(corpus / "episode-later.txt")
    other_library, other_store = load_library(corpus, index)
    assert len(pool) == 2 * before
    # This process's library does not know the new episode yet: its days go to the next pick.
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(60)]
    assert {pool.advice_for("C1", day).passage.episode.id for day in days} == {"episode-0"}
    for closing in (store, other_store, library, other_library):
        closing.close()


def test_a_deleted_transcript_leaves_the_store_during_the_sync(tmp_path: Path) -> None:
    """The index tells the store about a removed episode as it drops it: nothing is left for a
    catch-up to find, and its excerpts are out of the pool."""
    corpus = corpus_of(tmp_path / "corpus", 2)
    index = tmp_path / "index.sqlite3"
    library, store = load_library(corpus, index)
    library.close()
    (corpus / "episode-0.txt").unlink()
    library, store_again = load_library(corpus, index)
    assert store_again.stale_episodes(library) == ([], [])
    pool = build_pool(library, store=store_again)
    assert {c.passage.episode.id for c in pool.candidates} == {"episode-1"}
    for closing in (store, store_again, library):
        closing.close()

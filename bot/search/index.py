"""The index of one corpus: a SQLite file of passages plus a full-text folder beside it.

`<path>` holds episodes, passages, tallies and the vocabulary; `<path>.fulltext/` holds the
tantivy index. Both are caches of the corpus: a new INDEX_VERSION, a missing or unreadable
full-text folder, or the two disagreeing on the passage count rebuilds what is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .analysis import Terms
from .fulltext import FullTextIndex
from .hooks import EpisodeListener
from .store import PassageStore
from .sync import Syncer, SyncReport, fingerprint

# Bump when parsing, passage building or the schema changes: every cache is then rebuilt.
INDEX_VERSION = "11"
FULLTEXT_SUFFIX = ".fulltext"

__all__ = ["INDEX_VERSION", "SearchIndex", "SyncReport", "fulltext_folder"]


def fulltext_folder(path: Path | str) -> Path:
    return Path(f"{path}{FULLTEXT_SUFFIX}")


class SearchIndex:
    """Opens the store and the full-text index together and keeps them in step."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.store = PassageStore(path)
        self.terms = Terms()
        folder = fulltext_folder(path)
        if self.store.ensure_schema(INDEX_VERSION):
            shutil.rmtree(folder, ignore_errors=True)
        self.fulltext = FullTextIndex(folder, self.terms)
        self.syncer = Syncer(self.store, self.fulltext, INDEX_VERSION)
        if self.store.meta("passages") not in ("", str(self.fulltext.doc_count())):
            self.syncer.refill_fulltext()

    def close(self) -> None:
        self.store.close()

    def sync(
        self, corpus: Path, full: bool = False, listener: EpisodeListener | None = None
    ) -> SyncReport:
        """Bring the index up to date with `corpus`; `listener` hears of every episode
        (re)indexed or dropped (see hooks.py)."""
        return self.syncer.sync(corpus, full, listener)

    def fingerprints(self) -> dict[str, str]:
        """Each indexed episode's fingerprint, as listeners were given it: one row each."""
        defaults = self.store.meta("podcast_defaults")
        return {
            episode_id: fingerprint(INDEX_VERSION, defaults, digest)
            for episode_id, digest in self.store.digests()
        }

    def passage_count(self) -> int:
        return int(self.store.meta("passages") or 0)

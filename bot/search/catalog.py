"""The episodes of an index, loaded when asked for: a start reads their ids, not their records.

At 10,000 episodes decoding every record (sections, speakers, metadata) costs a good part of a
second; a search needs only the episodes of the passages it shows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping

from ..models import Episode
from .store import PassageStore


class EpisodeCatalog(Mapping[str, Episode]):
    """episode id -> Episode, in the index's order (by date, then id); thread-safe."""

    def __init__(self, store: PassageStore) -> None:
        self._store = store
        self._ids = store.episode_ids()
        self._known = frozenset(self._ids)
        self._loaded: dict[str, Episode] = {}
        self._complete = False
        self._lock = threading.Lock()

    def __getitem__(self, episode_id: str) -> Episode:
        episode = self._loaded.get(episode_id)
        if episode is not None:
            return episode
        if episode_id not in self._known:
            raise KeyError(episode_id)
        with self._lock:
            episode = self._store.episode(episode_id)
            self._loaded[episode_id] = episode
        return episode

    def __contains__(self, episode_id: object) -> bool:
        return episode_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def all(self) -> list[Episode]:
        """Every episode, in order (read in one pass the first time)."""
        with self._lock:
            if not self._complete:
                found = {e.id: e for e in self._store.episodes()}
                self._loaded.update({i: found[i] for i in self._ids if i in found})
                self._complete = True
        return [self._loaded[i] for i in self._ids if i in self._loaded]

    def titles(self) -> list[tuple[str, str]]:
        """(id, title) of every episode, in order, without decoding whole records."""
        return self._store.episode_titles()

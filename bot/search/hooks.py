"""The narrow hook through which other wings follow the index as it changes, episode by episode.

An index sync tells a listener about each episode it (re)indexes or drops, so that work which
grows with the catalogue (advice scoring) happens once per changed transcript, at indexing,
instead of at every start. The listener lives in a wing above; this module only names the calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..models import Episode, Passage


class EpisodeListener(Protocol):
    """Told about every change a sync makes; called inside the sync, in corpus order."""

    def sync_started(self, files: int) -> None:
        """A sync that will change something begins; `files` transcripts are in the corpus."""

    def episode_indexed(
        self, episode: Episode, fingerprint: str, passages: Sequence[Passage]
    ) -> None:
        """An episode was (re)indexed: its passages as search serves them. `fingerprint` changes
        whenever anything the passages depend on changes (see `SearchIndex.fingerprints`)."""

    def episode_removed(self, episode_id: str) -> None:
        """An episode left the index (its transcript went away, changed, or no longer parses)."""

    def sync_finished(self) -> None:
        """The sync is over (committed or not): the listener may commit its own writes."""

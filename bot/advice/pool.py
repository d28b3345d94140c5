"""The advice pool: the candidates a channel's daily advice is drawn from, and the day's pick.

`build_pool` is what the bots and the CLI call: it brings the stored candidates up to date
(`candidates.py`; only episodes the index changed without telling it are scored), applies the
curation file on top (`curation.py`) and returns a `StoredPool`, which reads per-episode
summaries at start and one episode's candidates per pick. `AdvicePool` holds candidates in
memory (tests, small pools). Both pick through `rotation.py`.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from ..errors import QueryError, QuotebotError
from ..library import Library
from ..models import Hit
from .candidates import CandidateStore, Progress
from .curation import CURATION_FILE, CuratedPool, apply_curation, load_curation
from .rotation import EpisodeRotation, RotationEpisode, rotation_index
from .scoring import SPEAKER_MODES, Candidate

log = logging.getLogger(__name__)

EMPTY = "The advice pool is empty: nothing in the library reads as advice."
MEMBER_CACHE = 512
SKIP_UNREADABLE = 7


class AdvicePool:
    """Candidates grouped by episode, and the advice a channel gets on a day."""

    def __init__(self, candidates: Iterable[Candidate] = (), source: str = "heuristic") -> None:
        self.source = source
        by_episode: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            by_episode.setdefault(candidate.passage.episode.id, []).append(candidate)
        self._by_episode = {eid: _in_order(members) for eid, members in by_episode.items()}
        self._use(
            [
                RotationEpisode(eid, _main_speaker(members), _date(members[0].passage.episode.date))
                for eid, members in self._by_episode.items()
            ],
            sum(len(members) for members in self._by_episode.values()),
        )

    def _use(self, episodes: Sequence[RotationEpisode], count: int) -> None:
        self._rotation = EpisodeRotation(episodes)
        self._count = count

    def __len__(self) -> int:
        return self._count

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """Every member (this walks the whole pool: for listings, not for picking)."""
        return tuple(c for members in self._by_episode.values() for c in members)

    def members(self, episode_id: str) -> list[Candidate]:
        """One episode's members, in a stable order."""
        return self._by_episode.get(episode_id, [])

    def advice_for(self, channel: str, day: date) -> Hit:
        """Today's advice for a channel: stable for (channel, day); see rotation.py for the
        guarantees (no repeat sooner than about half the pool, speakers apart, fresh lane)."""
        rotation = self._current()
        if not len(rotation):
            raise QuotebotError(EMPTY)
        # An episode this process cannot read (indexed by another process since it loaded)
        # has no members here: take the next day's pick rather than fail the post.
        for ahead in range(SKIP_UNREADABLE):
            index, visit, fresh = rotation.pick(channel, day + timedelta(days=ahead))
            episode_id = rotation.episodes[index].episode_id
            members = self.members(episode_id)
            if members:
                break
        else:
            raise QuotebotError(EMPTY)
        if fresh:
            best = min(members, key=lambda c: (-c.score, c.id))
            return best.hit()
        ids = [c.id for c in members]
        return members[rotation_index(ids, f"{channel}\0{episode_id}", visit)].hit()

    def _current(self) -> EpisodeRotation:
        return self._rotation


class StoredPool(AdvicePool):
    """The pool over the candidate store: start-up reads one summary row per episode; a pick
    reads one episode's candidates. Re-reads the summaries when the store changes."""

    def __init__(
        self,
        library: Library,
        store: CandidateStore,
        speakers: str = "guests",
        curated: CuratedPool | None = None,
        source: str = "heuristic",
    ) -> None:
        self.source = source
        self.library = library
        self.store = store
        self.speakers = speakers
        self.curated = curated
        self._lock = threading.Lock()
        self._cache: dict[str, list[Candidate]] = {}
        self._generation: tuple[int, int] | None = None
        self._load()

    def _load(self) -> None:
        self._generation = self.store.generation()
        self._cache.clear()
        curated = self.curated
        summaries = self.store.summaries(self.speakers) if not curated or curated.heuristic else []
        touched = _touched(curated) if curated else set()
        episodes = [
            RotationEpisode(s.episode_id, s.speaker, s.date)
            for s in summaries
            if s.episode_id not in touched
        ]
        count = sum(s.count for s in summaries if s.episode_id not in touched)
        for episode_id in sorted(touched):
            members = self.members(episode_id)
            if members:
                when = _date(members[0].passage.episode.date)
                episodes.append(RotationEpisode(episode_id, _main_speaker(members), when))
                count += len(members)
        self._use(episodes, count)

    def __len__(self) -> int:
        self._current()
        return self._count

    def _current(self) -> EpisodeRotation:
        with self._lock:
            if self.store.generation() != self._generation:
                self._load()
            return self._rotation

    def members(self, episode_id: str) -> list[Candidate]:
        if episode_id in self._cache:
            return self._cache[episode_id]
        curated = self.curated
        members: list[Candidate] = []
        if not curated or curated.heuristic:
            for stored in self.store.ranked(episode_id, self.speakers):
                if curated and (stored.key in curated.excluded or stored.key in curated.replaced):
                    continue
                try:
                    passage = self.library.passage(stored.key)
                except QueryError:
                    continue  # indexed by another process since this one loaded
                members.append(Candidate(passage, stored.score, stored.reasons))
        if curated:
            members.extend(c for c in curated.included if c.passage.episode.id == episode_id)
        members = _in_order(members)
        if len(self._cache) >= MEMBER_CACHE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[episode_id] = members
        return members

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        rotation = self._current()
        return tuple(c for e in rotation.episodes for c in self.members(e.episode_id))


def build_pool(
    library: Library,
    speakers: str = "guests",
    curation_file: Path | str | None = None,
    store: CandidateStore | None = None,
    progress: Progress | None = None,
) -> StoredPool:
    """The advice pool for a library: the stored heuristic candidates (scoring only episodes
    the store has not seen), with the curation file on top when there is one
    (`curation_file`, or `advice.yaml` beside the transcripts)."""
    if speakers not in SPEAKER_MODES:
        raise QuotebotError(f"advice speakers must be one of {', '.join(SPEAKER_MODES)}")
    store = store or CandidateStore.for_library(library)
    store.catch_up(library, progress)
    path = Path(curation_file) if curation_file else None
    if path is None and library.corpus.is_dir() and (library.corpus / CURATION_FILE).is_file():
        path = library.corpus / CURATION_FILE
    if path is None:
        return StoredPool(library, store, speakers)
    curated = apply_curation(library, load_curation(path))
    return StoredPool(library, store, speakers, curated, str(path))


def _touched(curated: CuratedPool) -> set[str]:
    """Episodes whose members the curation changes: they are read whole at load (few)."""
    keys = {*curated.excluded, *curated.replaced}
    episodes = {key.rpartition(":")[0] for key in keys}
    return episodes | {c.passage.episode.id for c in curated.included}


def _in_order(members: Iterable[Candidate]) -> list[Candidate]:
    unique = {c.id: c for c in members}
    return sorted(unique.values(), key=lambda c: c.id)


def _main_speaker(members: Sequence[Candidate]) -> str:
    counts = Counter(c.passage.speaker for c in members)
    return min(counts, key=lambda name: (-counts[name], name)) if counts else ""


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None

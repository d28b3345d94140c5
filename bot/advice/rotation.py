"""Which advice a channel gets on a day: pure functions of the pool, the channel and the date.

Replicas agree without talking because nothing here reads a clock, a database or a random
source. The rotation has two levels so that it costs the same at 10 or 10,000 episodes:

1. **Episodes.** Day n (counted from `EPOCH`) falls in cycle k = n // E at position n % E,
   E being the number of episodes with advice. Each cycle shows every episode once. Its order
   is `cycle_order`: the episodes are split, per channel and for good, into two halves; every
   cycle shows the first half (shuffled for that cycle) then the second (shuffled again). An
   episode therefore never comes back sooner than about E / 2 days, across cycle seams too.
   Within each half, an episode whose main speaker spoke yesterday swaps with the next one
   who did not, so a channel does not hear the same person two days running when the pool
   has anyone else.
2. **Excerpts within an episode.** The k-th visit to an episode shows its members in the
   same two-halves order (keyed by channel and episode), so an excerpt returns no sooner than
   about half its episode's excerpts visits later.

A one-episode pool (the seed) is level 2 alone: its m excerpts rotate one a day, none back
sooner than about m / 2 days.

**Fresh lane.** An episode whose date is within the last `FRESH_DAYS` days gets one day in
that window per channel (spread by a hash of channel and episode) on which the channel sees
its best excerpt; the regular rotation takes the other days. New episodes therefore reach
every channel within a week of their date, long before their first turn in a big pool.

A change of pool size re-bases the positions (n % E), so right after an episode arrives a
small pool may show an episode again sooner than E / 2 days; at thousands of episodes (E
larger than the days since `EPOCH`) positions do not move at all.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

EPOCH = date(2024, 1, 1)
FRESH_DAYS = 7
ORDER_BUDGET = 8_000_000  # episode slots kept in cached cycle orders, all channels together
LAST_CACHE = 65_536


def _rank(*parts: object) -> bytes:
    return hashlib.blake2b("\0".join(map(str, parts)).encode(), digest_size=8).digest()


def _shuffled(members: Sequence[int], ids: Sequence[str], *seed: object) -> list[int]:
    """`members` in the order of a keyed hash of their ids: a shuffle any replica repeats."""
    prefix = "\0".join(map(str, (*seed, ""))).encode()
    blake2b = hashlib.blake2b
    return sorted(members, key=lambda i: blake2b(prefix + ids[i].encode(), digest_size=8).digest())


def halves(ids: Sequence[str], key: str) -> tuple[list[int], list[int]]:
    """The fixed split of members into a first and a second half, for this key (channel)."""
    fixed = _shuffled(range(len(ids)), ids, key, "half")
    middle = (len(ids) + 1) // 2
    return fixed[:middle], fixed[middle:]


def cycle_order(
    ids: Sequence[str], key: str, cycle: int, split: tuple[list[int], list[int]] | None = None
) -> list[int]:
    """Member indexes in the order cycle `cycle` shows them: the first half shuffled, then the
    second half shuffled. A member sits in the same half every cycle, so between two of its
    showings there are at least the other half's members: about len(ids) / 2 days."""
    first, second = split or halves(ids, key)
    return _shuffled(first, ids, key, cycle) + _shuffled(second, ids, key, cycle)


def rotation_index(
    ids: Sequence[str],
    key: str,
    step: int,
    order_of: Callable[[str, int], Sequence[int]] | None = None,
) -> int:
    """Which member the `step`-th showing for `key` picks: cycles of len(ids) steps, each in
    `cycle_order`. A `date` counts as its day number since EPOCH."""
    if isinstance(step, date):
        step = (step - EPOCH).days
    size = len(ids)
    if size <= 2:
        return step % size
    cycle, position = divmod(step, size)
    order = order_of(key, cycle) if order_of else cycle_order(ids, key, cycle)
    return order[position]


def apart_by_speaker(
    order: Sequence[int], speakers: Sequence[str], half: int, before: str = ""
) -> list[int]:
    """`order` with, inside each half, a member whose speaker spoke the day before swapped with
    the next one of someone else (when there is one left in that half)."""
    result = list(order)
    for start, end in ((0, half), (half, len(result))):
        left = Counter(speakers[i] for i in result[start:end])
        remaining = end - start
        last = before if start == 0 else speakers[result[start - 1]]
        # Where the last search for someone other than a speaker stopped: the positions before
        # it held that speaker, and swaps only move that speaker further on, so the next
        # search for the same speaker starts there (one pool dominated by a host stays linear).
        searched: dict[str, int] = {}
        for i in range(start, end):
            who = speakers[result[i]]
            if who and who == last and remaining > left[who]:
                for j in range(max(i + 1, searched.get(who, 0)), end):
                    if speakers[result[j]] != last:
                        result[i], result[j] = result[j], result[i]
                        searched[who] = j
                        break
            who = speakers[result[i]]
            left[who] -= 1
            remaining -= 1
            last = who
    return result


@dataclass(frozen=True)
class RotationEpisode:
    """An episode as the rotation sees it."""

    episode_id: str
    speaker: str
    date: date | None


class EpisodeRotation:
    """Level 1 (and the fresh lane) over a fixed list of episodes, cached per (channel, cycle)."""

    def __init__(self, episodes: Sequence[RotationEpisode], cache: int = 256) -> None:
        """`cache`: channels whose halves are kept (cycle orders: see ORDER_BUDGET)."""
        self.episodes = tuple(sorted(episodes, key=lambda e: e.episode_id))
        self._ids = [e.episode_id for e in self.episodes]
        self._speakers = [e.speaker for e in self.episodes]
        self._orders: dict[tuple[str, int], array[int]] = {}
        self._lasts: dict[tuple[str, int], int] = {}
        self._splits: dict[str, tuple[list[int], list[int]]] = {}
        self._cache = cache
        # A cycle order is needed once per channel per day; recomputing it costs about 0.1 s
        # at 10,000 episodes, so keep as many as fit in ~32 MB (4 bytes an episode).
        self._capacity = max(cache, ORDER_BUDGET // max(1, len(self.episodes)))
        dated = [(e.date, e.episode_id, n) for n, e in enumerate(self.episodes) if e.date]
        self._dated = sorted(dated)
        self._dates = [when for when, _, _ in self._dated]

    def __len__(self) -> int:
        return len(self.episodes)

    def pick(self, channel: str, day: date) -> tuple[int, int, bool]:
        """(episode index, visit number, fresh): which episode the channel sees on `day`, how
        many times the rotation showed it before, and whether it is a fresh-lane day."""
        fresh = self.fresh_episode(channel, day)
        step = (day - EPOCH).days
        size = len(self.episodes)
        cycle, position = divmod(step, size)
        if fresh is not None:
            return fresh, cycle, True
        return self.order(channel, cycle)[position], cycle, False

    def order(self, channel: str, cycle: int) -> Sequence[int]:
        """Cycle `cycle`'s episode order for a channel, speakers kept apart."""
        key = (channel, cycle)
        if key not in self._orders:
            _bounded(self._orders, self._capacity)
            self._orders[key] = array("I", self._order(channel, cycle))
        return self._orders[key]

    def _order(self, channel: str, cycle: int) -> list[int]:
        raw = cycle_order(self._ids, channel, cycle, self._split(channel))
        if len(raw) <= 2:
            return raw
        half = (len(raw) + 1) // 2
        # The seam: yesterday was the previous cycle's last day.
        before = self._speakers[self._plain_last(channel, cycle - 1)]
        return apart_by_speaker(raw, self._speakers, half, before)

    def _plain_last(self, channel: str, cycle: int) -> int:
        """The last episode of a cycle as ordered without its own seam repair (which only ever
        touches its first days): always computed the same way, so every replica agrees."""
        key = (channel, cycle)
        if key not in self._lasts:
            raw = cycle_order(self._ids, channel, cycle, self._split(channel))
            half = (len(raw) + 1) // 2
            _bounded(self._lasts, LAST_CACHE)
            self._lasts[key] = apart_by_speaker(raw, self._speakers, half)[-1]
        return self._lasts[key]

    def _split(self, channel: str) -> tuple[list[int], list[int]]:
        if channel not in self._splits:
            _bounded(self._splits, self._cache)
            self._splits[channel] = halves(self._ids, channel)
        return self._splits[channel]

    def fresh_episode(self, channel: str, day: date) -> int | None:
        """The episode whose fresh-lane day this is for the channel, if any."""
        if not self._dated:
            return None
        since = day - timedelta(days=2 * FRESH_DAYS)
        # Few: a podcast publishes a handful a week (earlier windows may push later ones).
        recent = self._dated[bisect_left(self._dates, since) : bisect_left(self._dates, day)]
        taken: dict[date, int] = {}
        for when, episode_id, n in recent:
            window = [when + timedelta(days=d) for d in range(1, FRESH_DAYS + 1)]
            offset = int.from_bytes(_rank(channel, "fresh", episode_id), "big") % FRESH_DAYS
            for slot in window[offset:] + window[:offset]:
                if slot not in taken:
                    taken[slot] = n
                    break
        return taken.get(day)


def _bounded(cache: dict, limit: int) -> None:
    """Make room for one more entry by dropping the oldest (insertion order)."""
    while cache and len(cache) >= limit:
        cache.pop(next(iter(cache)))

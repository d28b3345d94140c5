"""Resolving `speaker:`, `section:` and `episode:` values to what the library holds."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from ..text import fold

FUZZY_CUTOFF = 80


class Choices:
    """The values one filter can take, folded once so that each query only compares."""

    def __init__(self, options: Sequence[str], labels: Sequence[str] | None = None) -> None:
        self.options = list(options)
        self.folded = [fold(label) for label in (labels or options)]
        # An option typed out in full (an episode id) is found without scanning the others:
        # the scans below cost a few milliseconds per query at 10,000 episodes.
        self.exact = {fold(option): option for option in self.options}

    def resolve(self, value: str) -> list[str]:
        """Options matching `value`: exact, then word prefix, then substring, then a word (or
        the whole label) within a typo or two (`stefen`, `stfan`), then fuzzy."""
        wanted = fold(value).strip()
        if wanted in self.exact:
            return [self.exact[wanted]]
        for test in (
            lambda f: f == wanted,
            lambda f: f.startswith(wanted) or any(w.startswith(wanted) for w in f.split()),
            lambda f: wanted in f,
        ):
            found = _unique([self.options[i] for i, f in enumerate(self.folded) if test(f)])
            if found:
                return found
        found = self._within_typos(wanted)
        if found:
            return found
        matches = process.extract(
            wanted, self.folded, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=None
        )
        ranked = sorted(matches, key=lambda m: (-m[1], m[2]))
        return _unique([self.options[index] for _, _, index in ranked])

    def _within_typos(self, wanted: str) -> list[str]:
        """Options with a word, a word's start or the whole label nearest to `wanted` by edits
        (a swap of two letters is one edit), within the edits its length allows."""
        allowed = typo_edits(wanted)
        if not allowed:
            return []
        best, found = allowed + 1, []
        for option, label in zip(self.options, self.folded, strict=True):
            words = label.split()
            candidates = [label, *words]
            if len(wanted) >= 4:
                candidates += [word[: len(wanted)] for word in words]
            distance = min(OSA.distance(wanted, c, score_cutoff=allowed + 1) for c in candidates)
            if distance < best:
                best, found = distance, [option]
            elif distance == best and distance <= allowed:
                found.append(option)
        return _unique(found) if best <= allowed else []


def typo_edits(value: str) -> int:
    """Edits forgiven in a filter value: none in one or two letters, one up to seven, then two."""
    if len(value) <= 2:
        return 0
    return 1 if len(value) <= 7 else 2


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

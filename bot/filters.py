"""Resolving `speaker:`, `section:` and `episode:` values to what the library holds."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from .text import fold

FUZZY_CUTOFF = 80


def resolve(value: str, options: Sequence[str], labels: Sequence[str] | None = None) -> list[str]:
    """Options matching `value`: exact, then word prefix, then substring, then fuzzy.

    `labels` are the texts matched against (defaults to the options themselves); the options
    are returned, so an episode can be found by its title and returned by its id.
    """
    labels = list(labels or options)
    wanted = fold(value).strip()
    folded = [fold(label) for label in labels]
    for test in (
        lambda f: f == wanted,
        lambda f: f.startswith(wanted) or any(w.startswith(wanted) for w in f.split()),
        lambda f: wanted in f,
    ):
        found = _unique([options[i] for i, f in enumerate(folded) if test(f)])
        if found:
            return found
    matches = process.extract(
        wanted, folded, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=None
    )
    return _unique([options[index] for _, _, index in sorted(matches, key=lambda m: (-m[1], m[2]))])


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

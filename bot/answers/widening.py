"""How much of a widened quote ("More context") to show: which neighbours fit."""

from __future__ import annotations

from collections.abc import Callable

from ..models import Context


def fitted_context(context: Context, fits: Callable[[Context], bool]) -> Context:
    """The widest part of `context` that `fits` (a front end's size check): neighbours are
    added nearest first, the one before ahead of the one after, until the next does not fit,
    so what is shown is one unbroken stretch around the passage."""
    steps = []
    for distance in range(1, max(len(context.before), len(context.after)) + 1):
        if distance <= len(context.before):
            steps.append((1, 0))
        if distance <= len(context.after):
            steps.append((0, 1))
    before = after = 0
    for more_before, more_after in steps:
        trial = _part(context, before + more_before, after + more_after)
        if not fits(trial):
            break
        before, after = before + more_before, after + more_after
    return _part(context, before, after)


def _part(context: Context, before: int, after: int) -> Context:
    return Context(
        context.passage,
        context.before[len(context.before) - before :],
        context.after[:after],
    )

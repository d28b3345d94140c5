"""More context: which neighbours of a quote are shown, decided once for both chat platforms."""

from __future__ import annotations

from bot import Context, Library, fitted_context


def test_neighbours_are_added_nearest_first_while_they_fit(seed_library: Library) -> None:
    """With room for three neighbours, the two nearest before and the nearest after are shown."""
    hit = seed_library.search("layoffs", limit=1).hits[0]
    context = seed_library.context(hit, before=3, after=3)
    assert len(context.before) == 3 and len(context.after) == 3
    shown = fitted_context(context, lambda part: len(part.passages) <= 4)
    assert shown.before == context.before[1:] and shown.after == context.after[:1]


def test_a_neighbour_that_does_not_fit_ends_the_widening(seed_library: Library) -> None:
    """Widening stops at the first neighbour that does not fit, so the stretch is unbroken."""
    hit = seed_library.search("layoffs", limit=1).hits[0]
    context = seed_library.context(hit, before=2, after=2)
    too_long = context.before[-1]
    shown = fitted_context(context, lambda part: too_long not in part.before)
    assert shown == Context(context.passage, (), ())

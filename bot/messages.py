"""The core's sentences for users, each written once and named. Front ends show them as they
come (inside QueryError) or lay them out; their own wording lives in their messages module."""

from __future__ import annotations

QUOTE_GONE = "That quote is no longer in the library."
LIBRARY_EMPTY = "The library is empty: no transcripts are loaded."
# Shown above the last page when a page past the end was asked for.
PAST_THE_END = "There are fewer matches now: this is the last of them."
SHOWING_RESULTS_FOR = "Showing results for: {query}"
LEFT_OUT = "No match for: {words} (left out)"
NO_MATCH = "No quotes match “{query}”."
WORDS_NOWHERE = "These words appear nowhere: {words}."

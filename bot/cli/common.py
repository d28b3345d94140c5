"""What every `quotebot` subcommand shares: exit codes and opening the library."""

from __future__ import annotations

import argparse
import sys

from ..advice.candidates import CandidateStore, load_library
from ..library import Library
from .progress import progress_bar

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2


def open_library(args: argparse.Namespace) -> Library:
    """Load the library for a command, reporting skipped transcripts on stderr (advice
    candidates of any transcript it re-reads are scored on the way)."""
    library, store = open_library_and_candidates(args)
    store.close()
    return library


def open_library_and_candidates(args: argparse.Namespace) -> tuple[Library, CandidateStore]:
    """The library and its advice candidate store, kept in step by the same sync."""
    library, store = load_library(args.corpus, args.index, progress_bar("indexing"))
    for error in library.errors:
        print(f"quotebot: skipped {error}", file=sys.stderr)
    return library, store

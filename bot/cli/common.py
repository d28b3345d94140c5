"""What every `quotebot` subcommand shares: exit codes and opening the library."""

from __future__ import annotations

import argparse
import sys

from ..advice.candidates import CandidateStore, load_library
from ..library import Library
from .progress import progress_bar

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2


def open_library(args: argparse.Namespace, full_check: bool = False) -> Library:
    """Load the library for a command, reporting skipped transcripts on stderr (advice
    candidates of any transcript it re-reads are scored on the way)."""
    library, store = open_library_and_candidates(args, full_check)
    store.close()
    return library


def open_library_and_candidates(
    args: argparse.Namespace, full_check: bool = False
) -> tuple[Library, CandidateStore]:
    """The library and its advice candidate store, kept in step by the same sync;
    `full_check` compares every transcript file, not only changed folders."""
    library, store = load_library(
        args.corpus, args.index, progress_bar("indexing"), full_check=full_check
    )
    for error in library.errors:
        print(f"quotebot: skipped {error}", file=sys.stderr)
    for warning in library.warnings:
        print(f"quotebot: warning: {warning}", file=sys.stderr)
    return library, store

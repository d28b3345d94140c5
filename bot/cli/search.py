"""`quotebot search`, `sections`, `speakers`, `episodes`: the library from a terminal."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from typing import Any

from ..models import Hit, SearchResult
from .common import EXIT_NO_RESULTS, EXIT_OK, open_library

BOLD, PLAIN = "\033[1m", "\033[0m"


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    search = commands.add_parser(
        "search",
        parents=[corpus_options],
        help="find quotes",
        description=SEARCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", nargs="+", help='words, "phrases" and filters')
    search.add_argument("--limit", type=int, default=5, help="how many quotes (default 5)")
    search.add_argument("--offset", type=int, default=0, help="skip this many (for paging)")
    search.add_argument("--speaker", help="only this speaker (prefix or fuzzy match)")
    search.add_argument("--section", help="only sections matching this")
    search.add_argument("--episode", help="only episodes matching this (id or title)")
    search.add_argument("--json", action="store_true", help="print a JSON array of hits")
    search.set_defaults(handler=run_search)

    for name, help_text, handler in (
        ("sections", "list the sections of every episode", run_sections),
        ("speakers", "list the speakers", run_speakers),
        ("episodes", "list the episodes", run_episodes),
    ):
        sub = commands.add_parser(name, parents=[corpus_options], help=help_text)
        sub.add_argument("--json", action="store_true", help="print JSON")
        sub.set_defaults(handler=handler)


SEARCH_HELP = """\
Find the passages that best match a query.

  quotebot search WORDS                  passages with the words, best first
  quotebot search '"EXACT PHRASE"'       the words in that order
  quotebot search speaker:NAME WORDS     only what one speaker said (quotebot speakers)
  quotebot search in:TITLE WORDS         only sections whose title matches (quotebot sections)
  quotebot search episode:TITLE WORDS    only matching episodes (quotebot episodes)

Filters (speaker:, section: or in:, episode:) take one word or a "quoted value" and match
by prefix, ignoring case and accents. Misspelled words are corrected to the nearest word
the podcast uses. Exit status: 0 quotes found, 1 none found, 2 bad query or input."""


def run_search(args: argparse.Namespace) -> int:
    library = open_library(args)
    result = library.search(
        " ".join(args.query),
        limit=args.limit,
        offset=args.offset,
        speaker=args.speaker,
        section=args.section,
        episode=args.episode,
    )
    if args.json:
        if result.corrected_query:
            print(f"quotebot: showing results for: {result.corrected_query}", file=sys.stderr)
        print(json.dumps([hit.to_dict() for hit in result.hits], ensure_ascii=False, indent=2))
    else:
        print_result(result)
    return EXIT_OK if result.hits else EXIT_NO_RESULTS


def print_result(result: SearchResult) -> None:
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = min(100, shutil.get_terminal_size((88, 24)).columns)
    if result.corrected_query:
        print(f"Showing results for: {result.corrected_query}\n")
    if result.ignored_words and result.hits:
        print(f"No match for: {', '.join(result.ignored_words)} (left out)\n")
    if not result.hits:
        print(f"No quotes match “{result.query.text}”.")
        return
    for hit in result.hits:
        print(
            textwrap.fill(
                _emphasised(hit, color), width=width, initial_indent="  “", subsequent_indent="   "
            )
            + "”"
        )
        print(f"  — {attribution(hit)}")
        if hit.url:
            print(f"    {hit.url}")
        print()
    shown_to = result.offset + len(result.hits)
    print(f"{result.offset + 1}–{shown_to} of {result.total_label}")


def attribution(hit: Hit) -> str:
    """`Speaker · Section · HH:MM:SS · Podcast — Episode`, leaving out what is unknown."""
    episode = hit.episode
    title = " — ".join(part for part in (episode.podcast, episode.title) if part)
    return " · ".join(part for part in (hit.speaker, hit.section, hit.timestamp, title) if part)


def _emphasised(hit: Hit, color: bool) -> str:
    if not color or not hit.highlights:
        return hit.text
    text, out, position = hit.text, [], 0
    for start, end in hit.highlights:
        out.append(text[position:start] + BOLD + text[start:end] + PLAIN)
        position = end
    out.append(text[position:])
    return "".join(out)


def run_sections(args: argparse.Namespace) -> int:
    library = open_library(args)
    sections = library.sections()
    if args.json:
        print(json.dumps([s.__dict__ for s in sections], ensure_ascii=False, indent=2))
        return EXIT_OK
    many = len(library.episodes()) > 1
    for section in sections:
        suffix = f"  ({section.episode_id})" if many else ""
        print(f"{section.title}{suffix}")
    return EXIT_OK


def run_speakers(args: argparse.Namespace) -> int:
    library = open_library(args)
    speakers = library.speakers()
    if args.json:
        print(json.dumps([s.__dict__ for s in speakers], ensure_ascii=False, indent=2))
        return EXIT_OK
    for speaker in speakers:
        print(f"{speaker.name}  ({speaker.passages} passages)")
    return EXIT_OK


def run_episodes(args: argparse.Namespace) -> int:
    library = open_library(args)
    episodes = library.episodes()
    if args.json:
        print(json.dumps([e.to_dict() | {"url": e.url} for e in episodes], indent=2))
        return EXIT_OK
    for episode in episodes:
        print(f"{episode.id}  {episode.date or '????-??-??'}  {episode.podcast} — {episode.title}")
    return EXIT_OK

"""`quotebot search`, `sections`, `speakers`, `episodes`: the library from a terminal."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from typing import Any

from .. import messages
from ..answers import Excerpt, NoMatch, Page, no_match, page_at, quote_of
from ..models import Hit
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
    page = page_at(
        library,
        " ".join(args.query),
        args.offset,
        limit=args.limit,
        speaker=args.speaker,
        section=args.section,
        episode=args.episode,
    )
    result = page.result
    if args.json:
        for note in _notes(page):
            print(f"quotebot: {note}", file=sys.stderr)
        print(json.dumps([_as_json(hit) for hit in result.hits], ensure_ascii=False, indent=2))
    elif page.found:
        print_page(page)
    else:
        print_no_match(no_match(library, result))
    return EXIT_OK if result.hits else EXIT_NO_RESULTS


def print_page(page: Page) -> None:
    """The quotes of a page as the chat adapters show them (the core's excerpt and
    attribution), matched words in bold on a colour terminal, then `1–5 of 12`."""
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = min(100, shutil.get_terminal_size((88, 24)).columns)
    for note in _notes(page):
        print(note + "\n")
    for hit in page.hits:
        quote = quote_of(hit)
        print(
            textwrap.fill(
                _laid_out(quote.excerpt, color),
                width=width,
                initial_indent="  “",
                subsequent_indent="   ",
            )
            + "”"
        )
        print(f"  — {quote.attribution.text()}")
        if hit.url:
            print(f"    {hit.url}")
        print()
    shown_to = page.index + len(page.hits)
    print(f"{page.index + 1}–{shown_to} of {page.total_label}")


def print_no_match(answer: NoMatch) -> None:
    """The core's no-match answer: the query back, words found nowhere, nearest sections."""
    print(messages.NO_MATCH.format(query=answer.query))
    if answer.ignored_words:
        print(messages.WORDS_NOWHERE.format(words=", ".join(answer.ignored_words)))
    if answer.sections:
        sections = ", ".join(f"“{title}”" for title in answer.sections)
        print(messages.NEAREST_SECTIONS.format(sections=sections))


def _notes(page: Page) -> list[str]:
    result = page.result
    notes = [messages.PAST_THE_END] if page.moved_back else []
    if result.corrected_query:
        notes.append(messages.SHOWING_RESULTS_FOR.format(query=result.corrected_query))
    if result.ignored_words and result.hits:
        notes.append(messages.LEFT_OUT.format(words=", ".join(result.ignored_words)))
    return notes


def _as_json(hit: Hit) -> dict[str, Any]:
    """The documented hit fields, plus what the chat adapters show of it."""
    quote = quote_of(hit)
    shown = quote.excerpt
    return hit.to_dict() | {
        "excerpt": {
            "text": shown.text,
            "highlights": [list(span) for span in shown.highlights],
            "cut_before": shown.cut_before,
            "cut_after": shown.cut_after,
        },
        "attribution": quote.attribution.text(),
    }


def _laid_out(shown: Excerpt, color: bool) -> str:
    text, out, position = shown.text, [], 0
    if color:
        for start, end in shown.highlights:
            out.append(text[position:start] + BOLD + text[start:end] + PLAIN)
            position = end
    out.append(text[position:])
    return ("… " if shown.cut_before else "") + "".join(out) + (" …" if shown.cut_after else "")


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

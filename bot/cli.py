"""The `quotebot` command: search the transcripts from a terminal, check them, run the bots."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .corpus import default_corpus, transcript_files
from .errors import QuotebotError, TranscriptError
from .library import Library
from .models import Hit, SearchResult
from .transcript_formats import format_of, parse_transcript

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2
BOLD, PLAIN = "\033[1m", "\033[0m"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotebot",
        description="Quote what was actually said on the podcast.",
        epilog="Example: quotebot search layoffs",
    )
    corpus_options = argparse.ArgumentParser(add_help=False)
    corpus_options.add_argument(
        "--corpus",
        type=Path,
        help="folder of transcripts (default: $QUOTEBOT_CORPUS or the bundled seeds)",
    )
    corpus_options.add_argument(
        "--index", type=Path, help="index cache file (default: $QUOTEBOT_INDEX or ~/.cache)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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

    check = commands.add_parser("check", help="validate a folder (or file) of transcripts")
    check.add_argument("path", nargs="?", type=Path, help="default: the configured corpus")
    check.set_defaults(handler=run_check)

    slack = commands.add_parser(
        "slack",
        parents=[corpus_options],
        help="run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)",
    )
    slack.add_argument("--port", type=int, help="HTTP port (default: $QUOTEBOT_PORT or 3000)")
    slack.add_argument("--host", help="HTTP address (default: $QUOTEBOT_HOST or 0.0.0.0)")
    slack.set_defaults(handler=run_slack)
    return parser


SEARCH_HELP = """\
Find the passages that best match a query.

  quotebot search layoffs
  quotebot search '"stack ranking"'            exact phrase
  quotebot search speaker:stefan writing       only what Stefan said
  quotebot search in:pip get out               only sections matching "pip"
  quotebot search episode:peterman promo       only matching episodes

Filters (speaker:, section: or in:, episode:) take one word or a "quoted value" and match
by prefix, ignoring case and accents. Misspelled words are corrected to the nearest word
the podcast uses. Exit status: 0 quotes found, 1 none found, 2 bad query or input."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except QuotebotError as exc:
        print(f"quotebot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as exc:
        print(f"quotebot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `quotebot search x | head` closing the pipe early is not an error.
        sys.stderr.close()
        return EXIT_OK


def open_library(args: argparse.Namespace) -> Library:
    """Load the library for a command, reporting skipped transcripts on stderr."""
    library = Library.load(args.corpus, args.index)
    for error in library.errors:
        print(f"quotebot: skipped {error}", file=sys.stderr)
    return library


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
    print(f"{result.offset + 1}–{shown_to} of {result.total}")


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


def run_slack(args: argparse.Namespace) -> int:
    """Serve Slack; imported here so the core never loads a chat SDK unless asked to."""
    from adapters.slack.main import run

    return run(args)


def run_check(args: argparse.Namespace) -> int:
    """Validate transcripts without touching the index: what each file holds, or its error."""
    root = args.path or default_corpus()
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {root}")
    totals = {"episodes": 0, "sections": 0, "turns": 0}
    speakers: set[str] = set()
    errors: list[TranscriptError] = []
    for episode_id, path in transcript_files(root):
        try:
            transcript = parse_transcript(path, episode_id)
        except TranscriptError as exc:
            errors.append(exc)
            print(f"error  {exc}")
            continue
        episode = transcript.episode
        totals["episodes"] += 1
        totals["sections"] += len(episode.sections)
        totals["turns"] += len(transcript.turns)
        speakers.update(episode.speakers)
        print(
            f"ok     {path}  [{format_of(path)}] {len(episode.sections)} sections, "
            f"{len(transcript.turns)} turns, speakers: {', '.join(episode.speakers)}"
        )
    summary = (
        f"{totals['episodes']} episodes, {totals['sections']} sections, {totals['turns']} turns, "
        f"{len(speakers)} speakers"
    )
    if errors:
        summary += f"; {len(errors)} file{'s' if len(errors) != 1 else ''} with errors"
    print(summary)
    return EXIT_NO_RESULTS if errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

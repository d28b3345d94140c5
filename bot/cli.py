"""The `quotebot` command: search the transcripts from a terminal, check them, run the bots."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import textwrap
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from .advice import AdvicePool, build_pool
from .advice_service import AdviceService, create_advice_service
from .corpus import default_corpus, episode_id_for, transcript_files
from .delivery import AdviceSender, load_senders
from .errors import QuotebotError, TranscriptError
from .library import Library
from .markdown_writer import round_trip_difference, to_markdown
from .models import Hit, SearchResult
from .scheduler import TickReport
from .settings import Settings
from .transcript_formats import FORMATS, companions_of, format_of, parse_transcript

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

    config = commands.add_parser(
        "config", help="print the effective configuration (secrets masked)"
    )
    config.add_argument("--config", type=Path, help="YAML file (default: $QUOTEBOT_CONFIG)")
    config.set_defaults(handler=run_config)

    index = commands.add_parser(
        "index",
        parents=[corpus_options],
        help="build or refresh the search index now (e.g. at image build time)",
    )
    index.set_defaults(handler=run_index)
    advice = commands.add_parser(
        "advice",
        parents=[corpus_options],
        help="advice of the day: print it, list the pool, post what is due",
        description=ADVICE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    advice.add_argument(
        "action",
        nargs="?",
        choices=["show", "post-due", "status"],
        default="show",
        help="show (default): print the advice; post-due: post what is due now (cron); "
        "status: list subscriptions",
    )
    advice.add_argument("--date", type=_date, help="the day (default: today, UTC)")
    advice.add_argument("--channel", default="", help="the channel id the rotation is for")
    advice.add_argument("--json", action="store_true", help="print JSON (a search hit's fields)")
    advice.add_argument("--list", action="store_true", help="print the whole pool with scores")
    advice.set_defaults(handler=run_advice)

    check = commands.add_parser("check", help="validate a folder (or file) of transcripts")
    check.add_argument("path", nargs="?", type=Path, help="default: the configured corpus")
    check.set_defaults(handler=run_check)

    convert = commands.add_parser(
        "convert",
        help="write a transcript (VTT, SRT, JSON, markdown) in the markdown format",
        description=CONVERT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert.add_argument("file", type=Path, help="a transcript file (.vtt, .srt, .json, .md …)")
    convert.add_argument("--to", choices=["md"], default="md", help="output format (md)")
    convert.add_argument("-o", "--output", type=Path, help="write here (default: stdout)")
    convert.set_defaults(handler=run_convert)

    discord = commands.add_parser(
        "discord",
        parents=[corpus_options],
        help="run the Discord bot (needs DISCORD_TOKEN)",
        description="Run the Discord bot: /quote, /quote-random, /quote-help.",
    )
    discord.add_argument(
        "--sync", action="store_true", help="sync the slash commands even if they did not change"
    )
    discord.add_argument(
        "--shards", metavar="auto|N", help="run sharded (default: $QUOTEBOT_DISCORD_SHARDS)"
    )
    discord.add_argument(
        "--shard-ids", metavar="0,1", help="run only these shards (needs --shards N)"
    )
    discord.set_defaults(handler=run_discord)

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


CONVERT_HELP = """\
Write a transcript in the markdown format the seeds use (front matter, ### sections,
`Speaker HH:MM:SS:` turns), with its <name>.yaml sidecar and <name>.chapters.json read, so
it can be edited by hand. Timestamps become one per turn. Exit status 1 (with a warning) when
the result would not read back as the same turns, 2 when the file cannot be read."""
ADVICE_HELP = """\
Advice of the day: one excerpt per channel per day, chosen from the transcripts.

  quotebot advice                          today's advice (for --channel, default none)
  quotebot advice --date 2025-12-24 --channel C0123
  quotebot advice --list                   the whole pool, best first, with scores
  quotebot advice post-due                 post what is due now to subscribed channels (cron)
  quotebot advice status                   subscriptions, next posts, broken channels

The pool comes from QUOTEBOT_ADVICE_FILE (or advice.yaml beside the transcripts) when there is
one, else from the heuristic. Subscriptions live in DATABASE_URL (default: a SQLite file)."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


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


def run_index(args: argparse.Namespace) -> int:
    """Bring the index up to date and say what it holds; exit 1 if a transcript was skipped."""
    library = open_library(args)
    report = library.report
    print(
        f"{library.index.path}: {len(library.episodes())} episodes, "
        f"{library.index.passage_count()} passages ({report.parsed} read, "
        f"{report.unchanged} unchanged, {report.removed} removed in {report.seconds:.1f} s)"
    )
    return EXIT_NO_RESULTS if library.errors else EXIT_OK


def run_config(args: argparse.Namespace) -> int:
    """Every setting with its effective value and where it came from; secrets masked."""
    settings = Settings.load(config_file=args.config)
    rows = settings.describe()
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value or '(not set)':<40}  {source}")
    return EXIT_OK


def run_discord(args: argparse.Namespace) -> int:
    # Imported here so the other commands never pay for (or need) discord.py.
    from adapters.discord_bot.main import run

    return run(args)


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
        read_with = "".join(f" + {kind}" for kind, _ in companions_of(path))
        print(
            f"ok     {path}  [{format_of(path)}{read_with}] {len(episode.sections)} sections, "
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


def run_convert(args: argparse.Namespace) -> int:
    """Write one transcript in the markdown format, checking that it reads back the same."""
    path: Path = args.file
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if format_of(path) is None:
        known = ", ".join(sorted(FORMATS))
        raise QuotebotError(f"{path} is not a transcript file ({known})")
    transcript = parse_transcript(path, episode_id_for(path))
    markdown = to_markdown(transcript)
    difference = round_trip_difference(transcript, markdown, args.output or path)
    if args.output:
        args.output.write_text(markdown, encoding="utf-8")
        print(
            f"wrote {args.output}: {len(transcript.turns)} turns, "
            f"{len(transcript.episode.sections)} sections",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(markdown)
    if difference:
        print(
            f"quotebot: warning: the markdown does not read back the same: {difference}",
            file=sys.stderr,
        )
        return EXIT_NO_RESULTS
    return EXIT_OK


def run_advice(args: argparse.Namespace) -> int:
    """`quotebot advice`: today's advice, the pool, the cron step, or the subscriptions."""
    settings = Settings.load()
    library = open_library(args)
    pool = build_pool(library, settings.advice_speakers, settings.advice_file)
    if args.action == "post-due":
        return _advice_post_due(library, settings)
    if args.action == "status":
        return _advice_status(library, settings)
    if args.list:
        return _advice_list(pool, args.json)
    day = args.date or datetime.now(UTC).date()
    hit = pool.advice_for(args.channel, day)
    if args.json:
        print(json.dumps(hit.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    width = min(100, shutil.get_terminal_size((88, 24)).columns)
    print(textwrap.fill(hit.text, width=width, initial_indent="  “", subsequent_indent="   "))
    print(f"  — {attribution(hit)}")
    if hit.url:
        print(f"    {hit.url}")
    return EXIT_OK


def _advice_list(pool: AdvicePool, as_json: bool) -> int:
    ranked = sorted(pool.candidates, key=lambda c: (-c.score, c.id))
    if as_json:
        rows = [c.hit().to_dict() | {"reasons": list(c.reasons)} for c in ranked]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for candidate in ranked:
        hit = candidate.hit()
        print(f"{candidate.score:5.2f}  {hit.key}  {hit.speaker} · {hit.section} · {hit.timestamp}")
        print(textwrap.indent(textwrap.fill(hit.text, 92), "       "))
        print(f"       ({'; '.join(candidate.reasons)})")
    print(f"{len(ranked)} excerpts in the pool (from {pool.source})")
    return EXIT_OK if ranked else EXIT_NO_RESULTS


def _advice_post_due(library: Library, settings: Settings) -> int:
    """One scheduler step for cron: the same claim as the bots' loop, so mixing is safe."""
    senders, missing = load_senders(settings)
    service = create_advice_service(library, settings, senders)
    try:
        report = asyncio.run(_post_due_once(service, senders.values()))
    finally:
        service.store.close()
    for outcome in report.by_status("sent"):
        sub = outcome.subscription
        key = outcome.hit.key if outcome.hit else ""
        print(f"sent    {sub.platform}:{sub.channel} {outcome.day} ({key})")
    for outcome in report.by_status("failed"):
        sub, delivery = outcome.subscription, outcome.delivery
        reason = f"{delivery.kind}: {delivery.reason}" if delivery else "failed"
        print(f"failed  {sub.platform}:{sub.channel} {outcome.day} ({reason}; retried later)")
    waiting = report.by_status("no_sender")
    for platform in sorted({o.subscription.platform for o in waiting}):
        count = sum(1 for o in waiting if o.subscription.platform == platform)
        why = missing.get(platform, "no sender for this platform")
        print(f"unsent  {count} due post(s) on {platform} left unclaimed: {why}")
    if not report.outcomes:
        print("nothing due")
    return EXIT_NO_RESULTS if waiting or report.by_status("failed") else EXIT_OK


async def _post_due_once(service: AdviceService, senders: Iterable[AdviceSender]) -> TickReport:
    """One tick, then close the senders that hold a connection (their `aclose`, if any)."""
    try:
        return await service.scheduler.post_due()
    finally:
        for sender in senders:
            close = getattr(sender, "aclose", None)
            if close is not None:
                await close()


def _advice_status(library: Library, settings: Settings) -> int:
    service = create_advice_service(library, settings)
    try:
        replies = asyncio.run(service.statuses())
    finally:
        service.store.close()
    for reply in replies:
        sub = reply.subscription
        if sub is not None:
            state = "BROKEN" if sub.broken else "ok"
            print(f"{state:6}  {sub.platform}:{sub.channel}  {reply.text}")
    if not replies:
        print("no channels are subscribed")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""`quotebot check`, `convert`, `index`: looking after the transcripts and their index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import QuotebotError, TranscriptError
from ..library import corpus_problem
from ..transcripts.corpus import default_corpus, discover, episode_id_for
from ..transcripts.formats import FORMATS, companions_of, format_of, parse_transcript
from ..transcripts.identity import duplicate_warning, episode_keys
from ..transcripts.markdown_writer import round_trip_difference, to_markdown
from .common import EXIT_NO_RESULTS, EXIT_OK, open_library_and_candidates
from .progress import progress_bar


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    index = commands.add_parser(
        "index",
        parents=[corpus_options],
        help="build or refresh the search index now (e.g. at image build time)",
    )
    index.set_defaults(handler=run_index)

    check = commands.add_parser("check", help="validate a folder (or file) of transcripts")
    check.add_argument("path", nargs="?", type=Path, help="default: the configured corpus")
    # The other commands name the folder with --corpus, so check takes it too.
    check.add_argument("--corpus", type=Path, help="the same as PATH")
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


CONVERT_HELP = """\
Write a transcript in the markdown format the seeds use (front matter, ### sections,
`Speaker HH:MM:SS:` turns), with its <name>.yaml sidecar and <name>.chapters.json read, so
it can be edited by hand. Timestamps become one per turn. Exit status 1 (with a warning) when
the result would not read back as the same turns, 2 when the file cannot be read."""


def run_index(args: argparse.Namespace) -> int:
    """Bring the index up to date and say what it holds; exit 1 if a transcript was skipped.

    Unlike a start, this compares every transcript file, so an edit made in place (which a
    start's folder check cannot see) is picked up here."""
    library, store = open_library_and_candidates(args, full_check=True)
    report = library.report
    print(
        f"{library.index.path}: {len(library.episodes())} episodes, "
        f"{library.index.passage_count()} passages ({report.parsed} read, "
        f"{report.unchanged} unchanged, {report.removed} removed in {report.seconds:.1f} s)"
    )
    # Advice of episodes indexed before candidates were stored (an upgrade) is scored here
    # too, so that a start never has to.
    scored = store.catch_up(library, progress_bar("scoring advice"))
    if scored:
        print(f"{store.path}: advice candidates of {scored} episode(s) scored")
    store.close()
    return EXIT_NO_RESULTS if library.errors else EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """Validate transcripts without touching the index: what each file holds, or its error."""
    if args.path and args.corpus and args.path != args.corpus:
        raise QuotebotError("give the folder once: as PATH or as --corpus, not both")
    root = args.path or args.corpus or default_corpus()
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {root}")
    problem = corpus_problem(root)
    if problem:
        raise QuotebotError(problem)
    found = discover(root)
    totals = {"episodes": 0, "sections": 0, "turns": 0, "errors": len(found.errors)}
    warnings = len(found.warnings)
    speakers: set[str] = set()
    lines: dict[str, list[str]] = {error.source: [f"error  {error}"] for error in found.errors}
    # Read in order of preference, so that of one episode's files the first is the one kept;
    # shown in path order.
    kept: dict[str, Path] = {}
    for episode_id, path in sorted(found.files, key=lambda item: found.preference[item[1]]):
        shown = lines.setdefault(str(path), [])
        try:
            transcript = parse_transcript(path, episode_id)
        except TranscriptError as exc:
            totals["errors"] += 1
            shown.append(f"error  {exc}")
            continue
        keys = episode_keys(transcript)
        original = next((key for key in keys if key in kept), None)
        if original is not None:
            warnings += 1
            shown.append(f"warn   {duplicate_warning(str(path), str(kept[original]), original)}")
            continue
        kept.update((key, path) for key in keys)
        episode = transcript.episode
        totals["episodes"] += 1
        totals["sections"] += len(episode.sections)
        totals["turns"] += len(transcript.turns)
        speakers.update(episode.speakers)
        read_with = "".join(f" + {kind}" for kind, _ in companions_of(path))
        shown.append(
            f"ok     {path}  [{format_of(path)}{read_with}] {len(episode.sections)} sections, "
            f"{len(transcript.turns)} turns, speakers: {', '.join(episode.speakers)}"
        )
        warnings += len(transcript.warnings)
        shown.extend(f"warn   {warning}" for warning in transcript.warnings)
    for source in sorted(lines):
        print("\n".join(lines[source]))
    for warning in found.warnings:
        print(f"warn   {warning}")
    summary = (
        f"{totals['episodes']} episodes, {totals['sections']} sections, {totals['turns']} turns, "
        f"{len(speakers)} speakers"
    )
    if totals["errors"]:
        summary += f"; {_count(totals['errors'], 'file')} with errors"
    if warnings:
        summary += f"; {_count(warnings, 'warning')}"
    print(summary)
    # Nothing to serve is as much a failure as a broken file.
    return EXIT_NO_RESULTS if totals["errors"] or not totals["episodes"] else EXIT_OK


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


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

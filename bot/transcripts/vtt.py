"""Parser for WebVTT transcripts (`.vtt`), the Podcasting 2.0 `text/vtt` transcript.

webvtt-py reads the file structure (header, cue blocks, timings, NOTE, STYLE and REGION
blocks). On top of it this module

- takes speakers from `<v Speaker>` voice spans (any line of a cue, several per cue allowed);
  a cue without one is spoken by UNKNOWN_SPEAKER,
- strips the other cue markup (`<c>`, `<i>`, `<b>`, `<u>`, `<lang>`, `<ruby>`, inline
  `<00:00:01.000>` timestamps) and decodes `&amp;`-style entities,
- gives each cue the line of its timings, and reports cues webvtt-py could not read (it skips
  them silently) by line, instead of losing them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp

from ..errors import TranscriptError
from ..models import UNKNOWN_SPEAKER, Transcript
from .cues import Cue, check_order, check_timings, transcript_from_cues
from .reading import read_text

VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
TAG = re.compile(r"</?[^>]*>")
# What follows `-->` on a timings line: the end time, then cue settings.
END_TIME = re.compile(r"\s*([\d:.]+)")
# A line that starts like cue timings (a time with milliseconds, then an arrow-like mark or a
# second time), e.g. `00:00:10.000 -> 00:00:12.000`. webvtt-py drops such a cue silently.
TIMING_LIKE = re.compile(
    r"^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*(?:[-–—=~<>]+\s*|\s)\s*(?:\d+:)?\d{1,2}:\d{2}"
    r"|^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}\s*[-–—=~]*>"
)


def parse_vtt_transcript(path: Path, episode_id: str, text: str | None = None) -> Transcript:
    source = str(path)
    text = read_text(path) if text is None else text
    try:
        captions = webvtt.from_string(text).captions
    except MalformedFileError:
        raise TranscriptError(
            source, 1, "not a WebVTT file (the first line must be WEBVTT)"
        ) from None
    except MalformedCaptionError as exc:  # not raised unless strict, but be safe
        raise TranscriptError(source, 1, f"cannot read the cues: {exc}") from None
    lines = text.split("\n")
    _report_mistyped_timings(source, lines)
    timing_lines = [number for number, line in enumerate(lines, 1) if "-->" in line]
    if len(timing_lines) != len(captions):
        _report_unread_cue(source, lines, timing_lines, captions)
    cues: list[Cue] = []
    for caption, line in zip(captions, timing_lines, strict=False):
        start = caption.start_time.in_milliseconds() / 1000
        check_timings(source, line, start, caption.end_time.in_milliseconds() / 1000)
        for speaker, piece in _voiced_pieces("\n".join(caption.lines)):
            cues.append(Cue(speaker or UNKNOWN_SPEAKER, start, piece, line))
    check_order(cues, source)
    return transcript_from_cues(path, episode_id, cues)


def _voiced_pieces(raw: str) -> list[tuple[str | None, str]]:
    """(voice, clean text) for each voice span of a cue's text; voice None where untagged."""
    pieces: list[tuple[str | None, str]] = []
    voice: str | None = None
    position = 0
    for match in VOICE.finditer(raw):
        pieces.append((voice, raw[position : match.start()]))
        voice = " ".join(html.unescape(match.group(1)).split()) or None
        position = match.end()
    pieces.append((voice, raw[position:]))
    cleaned = [(who, " ".join(html.unescape(TAG.sub("", text)).split())) for who, text in pieces]
    return [(who, text) for who, text in cleaned if text]


def _report_mistyped_timings(source: str, lines: list[str]) -> None:
    """A line that looks like cue timings but has no `-->` between the times (a typo such as
    `->` or `--)`): webvtt-py would drop its cue without a word, so report it by line."""
    in_note = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            in_note = False
            continue
        # A NOTE block is a comment: times written in it are not timings.
        if line.startswith("NOTE") and (number == 1 or not lines[number - 2].strip()):
            in_note = True
        if not in_note and "-->" not in line and TIMING_LIKE.match(line):
            raise TranscriptError(
                source,
                number,
                f"“{line.strip()}” looks like cue timings but is not `start --> end` "
                "(the arrow is two dashes and >): the cue would be lost",
            )


def _report_unread_cue(
    source: str, lines: list[str], timing_lines: list[int], captions: list
) -> None:
    """Find the timings line whose cue webvtt-py dropped, and report it."""
    read = iter(captions)
    caption = next(read, None)
    for cue_number, line in enumerate(timing_lines, 1):
        start_text, _, rest = lines[line - 1].partition("-->")
        end = END_TIME.match(rest)
        if caption is not None and end is not None:
            try:
                same = (
                    Timestamp.from_string(start_text.strip()) == caption.start_time
                    and Timestamp.from_string(end.group(1).rstrip(".")) == caption.end_time
                )
            except MalformedCaptionError:
                same = False
            if same:
                caption = next(read, None)
                continue
        raise TranscriptError(
            source,
            line,
            f"cue {cue_number} cannot be read: “{lines[line - 1].strip()}” is not "
            "`start --> end` timings (HH:MM:SS.mmm), or the cue is not a block of its own",
        )

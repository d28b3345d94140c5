"""Parser for SubRip transcripts (`.srt`), the Podcasting 2.0 `application/x-subrip` transcript.

The `srt` library reads the cues and reports unreadable input with its character position,
turned into a line here. SRT has no speaker markup, so speakers come from the text:

- a line starting `NAME:` (one to four capitalised words, e.g. `ALICE:`, `Dr. Alice Smith:`,
  `Speaker 2:`) or `>> NAME:` starts a turn of NAME, and NAME carries over to the following
  cues until the next name;
- a line starting `>>` without a name (broadcast captioning) starts a turn of an
  unknown speaker;
- cues before the first name are spoken by UNKNOWN_SPEAKER.

`[NAME]` is not read as a speaker: in subtitles brackets nearly always hold sounds
(`[laughs]`, `[MUSIC]`), which stay in the text as they were captioned.
"""

from __future__ import annotations

import re
from pathlib import Path

import srt

from ..errors import TranscriptError
from ..models import UNKNOWN_SPEAKER, Transcript
from .cues import Cue, check_order, check_timings, transcript_from_cues
from .reading import read_text

SPEAKER_LINE = re.compile(
    r"^(?P<marker>>>+\s*)?(?:(?P<name>[^\W\d_][\w'’.\-]*(?:[ \t]+[\w'’.\-]+){0,3})"
    r"[ \t]*:(?:[ \t]+|$))?(?P<rest>.*)$"
)
# Lower-case words that may stand inside a name (“Ludwig van Beethoven”).
PARTICLES = frozenset("al bin da de del der di du la le van von".split())
# Capitalised words that open sentences (“Note: …”, “So: …”) rather than name speakers.
NOT_NAMES = frozenset(
    "also and anyway basically but example here listen look news note now ok okay question "
    "remember right so then there today update warning well yes no".split()
)
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\{\\[^}]*\}")
TIMINGS = re.compile(r"\d\s*-[ -]\s*>\s*\d")


def parse_srt_transcript(path: Path, episode_id: str, text: str | None = None) -> Transcript:
    source = str(path)
    text = read_text(path) if text is None else text
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        unread = exc.unmatched_content
        position = exc.expected_start + len(unread) - len(unread.lstrip())
        shown = [line.strip() for line in unread.strip().split("\n")[:3]]
        # Past the cue number (which reads fine) to the line that does not.
        skipped = next((n for n, line in enumerate(shown) if not line.isdigit()), 0)
        first = shown[skipped]
        raise TranscriptError(
            source,
            text.count("\n", 0, position) + 1 + skipped,
            f"cannot read “{first}” as an SRT cue (expected a number, then "
            "`HH:MM:SS,mmm --> HH:MM:SS,mmm`, then the text)",
        ) from None
    except ValueError as exc:  # srt.TimestampParseError
        raise TranscriptError(source, 0, f"cannot read the cues: {exc}") from None
    lines = text.split("\n")
    timing_lines = [number for number, line in enumerate(lines, 1) if TIMINGS.search(line)]
    if len(timing_lines) != len(subtitles):
        timing_lines = [0] * len(subtitles)
    cues: list[Cue] = []
    speaker = UNKNOWN_SPEAKER
    for subtitle, line in zip(subtitles, timing_lines, strict=True):
        start = subtitle.start.total_seconds()
        check_timings(source, line, start, subtitle.end.total_seconds())
        piece: list[str] = []
        new_turn = False
        for content_line in subtitle.content.split("\n"):
            name, marked, rest = speaker_mark(MARKUP.sub("", content_line))
            if name is not None or marked:
                if piece:
                    cues.append(Cue(speaker, start, " ".join(piece), line, new_turn))
                    piece = []
                speaker = name or UNKNOWN_SPEAKER
                new_turn = marked and name is None
            if rest.strip():
                piece.append(rest)
        if piece:
            cues.append(Cue(speaker, start, " ".join(piece), line, new_turn))
    check_order(cues, source)
    return transcript_from_cues(path, episode_id, cues)


def speaker_mark(line: str) -> tuple[str | None, bool, str]:
    """(speaker named at the line start or None, whether `>>` marked a change, the rest)."""
    stripped = line.strip()
    match = SPEAKER_LINE.match(stripped)
    if match is None:  # pragma: no cover - the pattern matches any line
        return None, False, stripped
    marked = bool(match.group("marker"))
    name = match.group("name")
    if name is not None and _is_name(name.split()):
        return " ".join(name.split()), marked, match.group("rest")
    # No name, or capitalised words that open a sentence: the whole line is text.
    return None, marked, stripped.lstrip(">").strip() if marked else stripped


def _is_name(parts: list[str]) -> bool:
    """`Alice`, `DR. ALICE SMITH`, `Speaker 2`, `Ludwig van Beethoven`; not `So` or `This is`."""
    if parts[0][0].islower() or parts[0].lower().rstrip(".") in NOT_NAMES:
        return False
    return all(
        part[0].isupper() or part.isdigit() or part.lower() in PARTICLES for part in parts[1:]
    )

"""Parser for HTML transcripts (`.html`, `.htm`), the Podcasting 2.0 `text/html` transcript.

The transcript spec recommends one block per spoken segment:

    <cite>Kevin:</cite>
    <time>0:00</time>
    <p>Welcome to the show.</p>

The speaker (`<cite>`, a trailing colon dropped) and the time (`<time>`, `H:MM:SS`, `MM:SS`,
or seconds, fractions allowed) carry over to the following paragraphs until the next ones, as
hosts that write several paragraphs per speaker expect. `<cite>` and `<time>` may also stand
inside the `<p>` they label. Scripts, styles and the `<head>` are not text. A paragraph before
any `<cite>` is spoken by UNKNOWN_SPEAKER; a file with no `<time>` at all starts every
paragraph at 0.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from ..errors import TranscriptError
from ..models import UNKNOWN_SPEAKER, Transcript
from .cues import Cue, check_order, transcript_from_cues
from .markdown import read_text

TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$|^(\d+(?:[.,]\d+)?)$")
SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr"})


def parse_time(text: str) -> float | None:
    """`1:02:03.5`, `02:03`, `123.5` as seconds; None when it is not a time."""
    match = TIME.match(text.strip().replace(",", "."))
    if match is None:
        return None
    if match.group(4) is not None:
        return float(match.group(4))
    hours = int(match.group(1) or 0)
    return hours * 3600 + int(match.group(2)) * 60 + float(match.group(3))


class _Reader(HTMLParser):
    """Collects (speaker, start, text, line) for every paragraph of the document."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.cues: list[Cue] = []
        self.speaker = UNKNOWN_SPEAKER
        self.start = 0.0
        self._skip = 0
        self._field: str | None = None  # "cite" or "time" while inside one
        self._field_text: list[str] = []
        self._field_line = 0
        self._time_attr: str | None = None
        self._paragraph: list[str] | None = None
        self._paragraph_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if tag == "br" and self._paragraph is not None:
                self._paragraph.append(" ")
            return
        if tag in SKIPPED:
            self._skip += 1
        elif tag in ("cite", "time") and not self._skip:
            self._field, self._field_text, self._field_line = tag, [], self.getpos()[0]
            self._time_attr = dict(attrs).get("datetime") if tag == "time" else None
        elif tag == "p" and not self._skip:
            self._close_paragraph()
            self._paragraph, self._paragraph_line = [], self.getpos()[0]

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == self._field:
            self._close_field()
        elif tag == "p":
            self._close_paragraph()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._field is not None:
            self._field_text.append(data)
        elif self._paragraph is not None:
            self._paragraph.append(data)

    def close(self) -> None:
        super().close()
        self._close_field()
        self._close_paragraph()

    def _close_field(self) -> None:
        if self._field is None:
            return
        text = " ".join("".join(self._field_text).split())
        if self._field == "cite":
            name = text.rstrip(":").strip()
            self.speaker = name or UNKNOWN_SPEAKER
        else:
            seconds = parse_time(text)
            if seconds is None and self._time_attr:
                seconds = parse_time(self._time_attr)
            if seconds is None:
                raise TranscriptError(
                    self.source,
                    self._field_line,
                    f"“{text}” in <time> is not a time (expected H:MM:SS, MM:SS or seconds)",
                )
            self.start = seconds
        self._field = None

    def _close_paragraph(self) -> None:
        if self._paragraph is None:
            return
        text = " ".join("".join(self._paragraph).split())
        if text:
            self.cues.append(Cue(self.speaker, self.start, text, self._paragraph_line))
        self._paragraph = None


def parse_html_transcript(path: Path, episode_id: str, text: str | None = None) -> Transcript:
    source = str(path)
    text = read_text(path) if text is None else text
    reader = _Reader(source)
    reader.feed(text)
    reader.close()
    if not reader.cues:
        raise TranscriptError(
            source, 1, "no paragraphs found (an HTML transcript keeps its text in <p> elements)"
        )
    check_order(reader.cues, source, unit="paragraph")
    return transcript_from_cues(path, episode_id, reader.cues)

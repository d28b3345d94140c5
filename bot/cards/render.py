"""A quote card: a 1200×630 PNG (the OpenGraph image size) of one passage and where it was said.

Layout, top to bottom: a large opening quote mark, the quote as large as it fits (shortened at a
sentence with `…` when it is long), then the speaker, `section · timestamp`, and
`podcast — episode`, with the podcast's artwork in the corner when configured.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from ..models import Passage
from .glyphs import BOLD, REGULAR, font, runs
from .layout import ellipsize, fit
from .style import CardStyle

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BAR = 14
QUOTE_TOP = 128
QUOTE_BOTTOM = 448
QUOTE_SIZES = (60, 54, 48, 44, 40, 36, 33, 30)
SPEAKER_SIZE = 34
DETAIL_SIZE = 25
# zlib level 1: half the encoding time of the default (6) for a file about 18% larger
# (~65 KiB), and encoding is most of a card's cost. Measured in benchmarks/sharing_benchmark.py.
PNG_COMPRESSION = 1


def render_card(passage: Passage, style: CardStyle | None = None) -> bytes:
    """The card for `passage` as PNG bytes."""
    return encode(draw_card(passage, style or CardStyle()))


def encode(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESSION)
    return buffer.getvalue()


def draw_card(passage: Passage, style: CardStyle) -> Image.Image:
    """The card as an image (for tests and for callers that post-process it)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), style.background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, BAR - 1, HEIGHT), fill=style.accent)
    draw.text((MARGIN - 6, 18), "“", font=font(BOLD, 150), fill=style.accent)

    text_width = WIDTH - 2 * MARGIN
    block = fit(passage.text, REGULAR, text_width, QUOTE_BOTTOM - QUOTE_TOP, QUOTE_SIZES)
    # Centre the quote vertically in its box, so short quotes do not float at the top.
    y = QUOTE_TOP + (QUOTE_BOTTOM - QUOTE_TOP - block.height) // 2
    for line in block.lines:
        _draw_line(
            draw, (MARGIN, y + round(block.size * 0.95)), line, REGULAR, block.size, style.text
        )
        y += block.line_height

    detail_width = text_width
    if style.artwork is not None:
        left = WIDTH - MARGIN - style.artwork.width
        top = HEIGHT - 48 - style.artwork.height
        image.paste(style.artwork, (left, top), style.artwork)
        detail_width = left - MARGIN - 24
    episode = passage.episode
    where = " · ".join(part for part in (passage.section, passage.timestamp) if part)
    source = " — ".join(part for part in (episode.podcast, episode.title) if part)
    baseline = 506
    for text, face, size, colour in (
        (passage.speaker, BOLD, SPEAKER_SIZE, style.accent),
        (where, REGULAR, DETAIL_SIZE, style.text),
        (source, REGULAR, DETAIL_SIZE, style.muted),
    ):
        if text:
            shown = ellipsize(text, face, size, detail_width)
            _draw_line(draw, (MARGIN, baseline), shown, face, size, colour)
        baseline += round(size * 1.45)
    return image


def _draw_line(
    draw: ImageDraw.ImageDraw,
    origin: tuple[int, int],
    text: str,
    face: str,
    size: int,
    colour: str,
) -> None:
    """One line at a baseline, each run in the font that has its characters."""
    x: float = origin[0]
    y = origin[1]
    for name, piece in runs(text, face):
        run_font = font(name, size)
        draw.text((x, y), piece, font=run_font, fill=colour, anchor="ls")
        x += run_font.getlength(piece)

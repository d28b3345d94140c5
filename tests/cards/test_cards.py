"""Quote cards: a 1200×630 PNG of one passage, drawn with the fonts shipped in the package."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from PIL import Image

from bot import Library, Passage
from bot.cards import CardStyle, draw_card, missing_glyphs, render_card
from bot.cards.glyphs import CJK, REGULAR, font_for, font_path
from bot.cards.layout import ELLIPSIS, fit
from bot.settings import ConfigError, Settings

KEY = "peterman-pod-2025-08-15-stefan-mai:215"
FONTS = Path(__file__).resolve().parents[2] / "bot" / "cards" / "fonts"


@pytest.fixture
def passage(seed_library: Library) -> Passage:
    return seed_library.passage(KEY)


def test_a_card_is_a_1200_by_630_png(passage: Passage) -> None:
    """The card has the OpenGraph image size and is a PNG."""
    png = render_card(passage)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_a_short_quote_is_drawn_large(passage: Passage) -> None:
    """A one-sentence quote is set at a large size, not the smallest."""
    block = fit(passage.text, REGULAR, 1056, 320, (60, 48, 30))
    assert block.size == 60 and not block.shortened


def test_a_long_quote_is_shortened_at_a_sentence_with_an_ellipsis() -> None:
    """A quote too long for the card ends after a whole sentence, then `…`."""
    text = " ".join(f"Sentence number {n} says something worth keeping here." for n in range(40))
    block = fit(text, REGULAR, 1056, 320, (60, 48, 30))
    drawn = " ".join(block.lines)
    assert block.shortened and drawn.endswith("here. " + ELLIPSIS)
    assert block.height <= 320


def test_one_endless_sentence_is_cut_at_a_word() -> None:
    """A single sentence too long for the card is cut after a word, with `…`."""
    text = " ".join(["word"] * 600)
    block = fit(text, REGULAR, 1056, 320, (60, 30))
    assert block.shortened and block.lines[-1].endswith("word " + ELLIPSIS)


def test_accents_and_cjk_are_drawn_by_a_shipped_font() -> None:
    """Accented Latin comes from DejaVu, Chinese and Japanese from Droid Sans Fallback."""
    assert font_for("é") == REGULAR and font_for("Å") == REGULAR
    assert font_for("中") == CJK and font_for("語") == CJK and font_for("も") == CJK
    assert missing_glyphs("Zoë Ångström said 我们需要更好的写作。日本語も 😀") == []


def test_characters_no_shipped_font_has_are_named() -> None:
    """Hangul and most emoji are not covered: they are measured, not silently boxed."""
    assert missing_glyphs("한국어 and 👍 and 👍") == ["한", "국", "어", "👍"]


def test_cjk_text_is_drawn_without_boxes(passage: Passage) -> None:
    """A CJK quote draws real glyphs: different characters give different pixels."""
    one = dataclasses.replace(passage, text="中中中中")
    two = dataclasses.replace(passage, text="語語語語")
    assert draw_card(one, CardStyle()).tobytes() != draw_card(two, CardStyle()).tobytes()


def test_colours_come_from_the_settings(passage: Passage) -> None:
    """QUOTEBOT_CARD_BACKGROUND and _ACCENT colour the card and its bar."""
    settings = Settings.load(
        {"QUOTEBOT_CARD_BACKGROUND": "#102030", "QUOTEBOT_CARD_ACCENT": "ff0000"}
    )
    image = draw_card(passage, CardStyle.from_settings(settings))
    assert image.getpixel((600, 620)) == (0x10, 0x20, 0x30)
    assert image.getpixel((3, 300)) == (255, 0, 0)


def test_a_bad_colour_is_named_at_start() -> None:
    """A colour that is not #RRGGBB stops the start with the variable's name."""
    with pytest.raises(ConfigError, match="QUOTEBOT_CARD_TEXT"):
        Settings.load({"QUOTEBOT_CARD_TEXT": "purple"})


def test_artwork_from_the_settings_is_drawn_in_the_corner(passage: Passage, tmp_path: Path) -> None:
    """QUOTEBOT_CARD_ARTWORK is scaled into the bottom-right corner."""
    artwork = tmp_path / "art.png"
    Image.new("RGB", (400, 400), (0, 200, 0)).save(artwork)
    style = CardStyle.from_settings(Settings.load({"QUOTEBOT_CARD_ARTWORK": str(artwork)}))
    image = draw_card(passage, style)
    assert image.getpixel((1200 - 72 - 60, 630 - 48 - 60)) == (0, 200, 0)


def test_unreadable_artwork_is_named(tmp_path: Path) -> None:
    """A file that is not an image is a ConfigError naming QUOTEBOT_CARD_ARTWORK."""
    bad = tmp_path / "art.png"
    bad.write_text("not an image")
    with pytest.raises(ConfigError, match="QUOTEBOT_CARD_ARTWORK: .*not a readable image"):
        CardStyle.from_settings(Settings.load({"QUOTEBOT_CARD_ARTWORK": str(bad)}))


def test_the_fonts_ship_with_their_licences() -> None:
    """Every shipped font file is in the package, next to the licence that allows it."""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DroidSansFallbackFull.ttf"):
        assert font_path(name).is_file()
    licences = {p.name for p in FONTS.glob("LICENSE-*")}
    assert licences == {
        "LICENSE-DejaVu.txt",
        "LICENSE-DroidSansFallback.txt",
        "LICENSE-Apache-2.0.txt",
    }

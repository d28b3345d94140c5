"""How cards look: colours and the optional podcast artwork, from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from ..settings import ConfigError, Settings

ARTWORK_SIZE = 132


@dataclass(frozen=True)
class CardStyle:
    """Colours of a card, and the artwork shown in its corner (already scaled) if any."""

    background: str = "#1d2330"
    text: str = "#f7f4ec"
    accent: str = "#f2b33d"
    muted: str = "#a9b0bf"
    artwork: Image.Image | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> CardStyle:
        """The configured style; ConfigError naming QUOTEBOT_CARD_ARTWORK for an unreadable
        image (read and scaled once, here, not for every card)."""
        path = settings.card_artwork
        return cls(
            background=settings.card_background,
            text=settings.card_text,
            accent=settings.card_accent,
            artwork=load_artwork(Path(path).expanduser()) if path else None,
        )


def load_artwork(path: Path) -> Image.Image:
    """The artwork scaled to the card's corner; ConfigError when it is not a readable image."""
    try:
        with Image.open(path) as image:
            image.load()
            artwork = image.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        reason = "not found" if isinstance(exc, FileNotFoundError) else "not a readable image"
        raise ConfigError(f"QUOTEBOT_CARD_ARTWORK: {path}: {reason}") from None
    artwork.thumbnail((ARTWORK_SIZE, ARTWORK_SIZE), Image.Resampling.LANCZOS)
    return artwork

"""Episodes and passages as the SQLite store keeps them, and back."""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Episode, Passage

# The passage columns every read selects, in this order.
PASSAGE_COLUMNS = "p.id, p.episode_id, p.ordinal, p.section, p.speaker, p.seconds, p.text"


def passage_from_row(row: tuple, episodes: Mapping[str, Episode]) -> Passage:
    """A Passage from a row of PASSAGE_COLUMNS."""
    _, episode_id, ordinal, section, speaker, seconds, text = row
    return Passage(
        key=f"{episode_id}:{ordinal}",
        episode=episodes[episode_id],
        ordinal=ordinal,
        section=section,
        speaker=speaker,
        seconds=seconds,
        text=text,
    )


def episode_record(episode: Episode) -> dict:
    return {
        "id": episode.id,
        "title": episode.title,
        "podcast": episode.podcast,
        "date": episode.date,
        "url": episode.url,
        "source": episode.source,
        "metadata": episode.metadata,
        "sections": list(episode.sections),
        "speakers": list(episode.speakers),
    }


def episode_from_record(record: dict) -> Episode:
    return Episode(
        id=record["id"],
        title=record["title"],
        podcast=record["podcast"],
        date=record["date"],
        url=record["url"],
        source=record["source"],
        metadata=record["metadata"],
        sections=tuple(record["sections"]),
        speakers=tuple(record["speakers"]),
    )

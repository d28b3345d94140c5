"""Per-podcast defaults from `podcasts.yaml` in the corpus folder: the episode link template.

    "The Peterman Pod":
      episode_url: "https://www.youtube.com/watch?v={youtube_id}&t={seconds}"

`{key}` is filled from the episode's front matter (plus `episode_id`); `{seconds}` and
`{timestamp}` from each passage. An episode's own `episode_url` always wins.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..errors import TranscriptError
from ..models import Episode
from ..text import fold
from .metadata import fill_template
from .reading import read_bytes

PODCASTS_FILE = "podcasts.yaml"


@dataclass(frozen=True)
class PodcastDefaults:
    """Link templates by podcast name, and a digest that changes when the file does."""

    url_templates: dict[str, str] = field(default_factory=dict)
    digest: str = ""

    def apply(self, episode: Episode) -> Episode:
        """The episode with a link from its podcast's template, where it has none of its own."""
        if episode.url or not episode.podcast:
            return episode
        template = self.url_templates.get(fold(episode.podcast))
        url = (
            fill_template(template, {**episode.metadata, "episode_id": episode.id})
            if template
            else None
        )
        return replace(episode, url=url) if url else episode


def load_podcast_defaults(corpus: Path) -> PodcastDefaults:
    """Read `podcasts.yaml` beside the transcripts; none is fine, a bad one is a TranscriptError."""
    folder = corpus.parent if corpus.is_file() else corpus
    path = folder / PODCASTS_FILE
    if not path.is_file():
        return PodcastDefaults()
    raw = read_bytes(path)
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig")) or {}
    except (yaml.YAMLError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise TranscriptError(str(path), line, "not valid YAML") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise TranscriptError(str(path), 1, "expected `Podcast name: {episode_url: …}` entries")
    templates = {
        fold(str(name)): str(entry["episode_url"])
        for name, entry in data.items()
        if entry.get("episode_url")
    }
    return PodcastDefaults(templates, hashlib.blake2b(raw, digest_size=16).hexdigest())

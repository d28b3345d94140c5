"""Embed rendering: hostile transcript text, Discord's size limits, links, autocomplete limits."""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest
from discord_fakes import button, write_transcript

from adapters.discord_bot import answers
from adapters.discord_bot.answers import Quoter
from adapters.discord_bot.embeds import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    excerpt,
    hit_embed,
)
from bot import Episode, Hit, Library, Passage
from bot.text import fold

HOSTILE = (
    "### Intro\n"
    "Mallory 00:00:05:\n"
    "Hey @everyone and @here, ping <@123456789012345678> and <@&223456789012345678> in "
    "<#323456789012345678>, it's **layoffs** time, _really_ ~~not~~ `code` || spoiler || "
    "[click me](https://evil.example) </quote:1> <t:1700000000:R>.\n"
)


@pytest.fixture
def hostile_library(tmp_path):
    write_transcript(tmp_path / "corpus", "hostile", HOSTILE, episode_url="https://pod.example/ep1")
    library = Library.load(tmp_path / "corpus", tmp_path / "index.sqlite3")
    yield library
    library.close()


async def test_hostile_transcript_text_is_shown_not_executed(harness, hostile_library, fake):
    """Mentions, channel links and markdown in a transcript are shown as typed, never pinged."""
    client = await harness.start(hostile_library)
    await harness.command(client, "quote", query="layoffs")

    data = fake.callbacks[-1].data
    assert data["allowed_mentions"] == {"parse": []}
    description = data["embeds"][0]["description"]
    for raw in ("@everyone", "@here", "<@1", "<@&", "<#", "</quote", "<t:"):
        assert raw not in description
    for shown in ("@\u200beveryone", "<\u200b@123456789012345678>", "<\u200b#323456789012345678>"):
        assert shown in description
    assert "\\*\\***layoffs**\\*\\*" in description  # the match is bold, its asterisks escaped
    assert "\\_really\\_" in description and "\\~\\~not\\~\\~" in description
    assert "\\`code\\`" in description and "\\|\\| spoiler \\|\\|" in description
    assert "\\[click me](https://evil.example)" in description


async def test_timestamp_links_to_the_episode_when_it_has_a_url(harness, hostile_library, fake):
    """With an episode URL the author line and a Listen line link to that second."""
    client = await harness.start(hostile_library)
    await harness.command(client, "quote", query="layoffs")

    embed = fake.callbacks[-1].data["embeds"][0]
    assert embed["author"]["url"] == "https://pod.example/ep1?t=5"
    assert embed["description"].endswith(
        "\n\n▶ [Listen from 00:00:05](https://pod.example/ep1?t=5)"
    )
    assert embed["author"]["name"] == "Mallory · Intro · 00:00:05 · Test Pod — Test Episode"


def _hit(text: str, word: str, url: str | None = None) -> Hit:
    episode = Episode("ep", "Title " * 60, "Podcast", None, url, "ep.txt")
    passage = Passage("ep:1", episode, 1, "Section " * 40, "Speaker", 3725, text)
    start = text.index(word)
    return Hit(passage, 1.0, ((start, start + len(word)),))


def test_long_excerpt_is_trimmed_at_a_sentence_within_the_limits():
    """A very long excerpt is cut at sentence ends around the match; the embed fits Discord."""
    sentences = [f"Sentence number {n} is about nothing much at all, really." for n in range(150)]
    sentences[90] = "Here the layoffs finally come up, in sentence ninety."
    hit = _hit(" ".join(sentences), "layoffs", url="https://pod.example/ep?x=1")

    embed = hit_embed(hit, footer="Result 1 of 1 · /quote layoffs")
    description = embed.description
    assert len(description) <= DESCRIPTION_LIMIT
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert len(embed.author.name) <= 256
    assert "Here the **layoffs** finally come up" in description
    assert description.startswith("“… Sentence number")
    assert "really. …”" in description  # ends on a whole sentence
    assert description.endswith("(https://pod.example/ep?x=1&t=3725)")


def test_one_huge_sentence_is_cut_at_a_word_keeping_the_match():
    """A single sentence longer than the limit is cut at a word, the match still in view."""
    text = "word " * 3000 + "layoffs " + "word " * 3000
    rendered = excerpt(text, ((text.index("layoffs"), text.index("layoffs") + 7),), 1000)
    assert len(rendered) <= 1000
    assert "**layoffs**" in rendered
    assert rendered.startswith("…") and rendered.endswith("…")


def test_embed_total_stays_under_6000_with_a_huge_footer():
    """Description budget shrinks so that the whole embed stays within 6,000 characters."""
    hit = _hit("A long one. " * 600 + "The layoffs.", "layoffs")
    embed = hit_embed(hit, footer="x" * 2000)
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert isinstance(embed, discord.Embed) and embed.footer.text == "x" * 2000


@pytest.fixture
def crowded_library(tmp_path):
    sections = "".join(
        f"### Section {n:02d} about {'a very long topic name ' * 6}\n"
        f"Speaker{n:02d} 00:{n:02d}:00:\nWe talked about layoffs in part {n}.\n\n"
        for n in range(40)
    )
    write_transcript(tmp_path / "corpus", "crowded", sections)
    library = Library.load(tmp_path / "corpus", tmp_path / "index.sqlite3")
    yield library
    library.close()


async def test_autocomplete_returns_at_most_25_short_choices(harness, crowded_library):
    """With 40 sections autocomplete offers 25 choices, names and values at most 100 chars."""
    client = await harness.start(crowded_library)
    choices = await harness.autocomplete(client, "section", "")
    assert len(choices) == 25
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)

    choices = await harness.autocomplete(client, "section", "section 3")
    assert [c["name"][:10] for c in choices] == [f"Section 3{n}" for n in range(10)]


async def test_autocomplete_filters_by_what_was_typed(harness, bot):
    """Speaker, section and episode choices match what was typed, prefix matches first."""
    assert await harness.autocomplete(bot, "speaker", "st") == [
        {"name": "Stefan Mai", "value": "Stefan Mai"}
    ]
    sections = await harness.autocomplete(bot, "section", "amazon")
    assert [c["name"] for c in sections] == [
        "Amazon vs Meta culture",
        "Amazon vs Meta performance",
        "Early career at Amazon",
        "Growth to eng manager at Amazon",
        "Why he left Amazon",
    ]
    [episode] = await harness.autocomplete(bot, "episode", "peterman")
    assert episode["value"] == "peterman-pod-2025-08-15-stefan-mai"
    assert episode["name"].startswith("2025-08-15 — The Peterman Pod — Intern to Microsoft")
    assert len(episode["name"]) <= 100
    assert await harness.autocomplete(bot, "speaker", "@everyone") == []


async def test_autocomplete_matches_without_accents_or_case(harness, tmp_path):
    """Typing `zoe` or `ÅNG` finds "Zoë Ångström"; the choice keeps the name as written."""
    write_transcript(
        tmp_path / "corpus",
        "accents",
        "### Intro\nZoë Ångström 00:00:01:\nWe talked about layoffs.\n\n"
        "Bob 00:00:09:\nLayoffs are hard.\n",
    )
    library = Library.load(tmp_path / "corpus", tmp_path / "index.sqlite3")
    client = await harness.start(library)
    zoe = {"name": "Zoë Ångström", "value": "Zoë Ångström"}
    assert await harness.autocomplete(client, "speaker", "zoe") == [zoe]
    assert await harness.autocomplete(client, "speaker", "ÅNG") == [zoe]
    assert await harness.autocomplete(client, "speaker", "ZOË  ang") == [zoe]
    # Folded as the core folds (compatibility forms decomposed, then lower-cased).
    assert await harness.autocomplete(client, "speaker", "𝐙𝐎𝐄") == [zoe]
    library.close()


def test_autocomplete_folds_the_options_once_not_per_keystroke(monkeypatch):
    """Options are folded when loaded; a keystroke folds only what was typed, so 20,000
    sections cost string comparisons on the event loop, not 40,000 Unicode normalisations."""
    titles = [f"Séction {n:05d}" for n in range(20_000)]
    library = SimpleNamespace(section_titles=lambda: list(titles))
    quoter = Quoter(library)  # type: ignore[arg-type]
    folded: list[str] = []

    def counting_fold(text: str) -> str:
        folded.append(text)
        return fold(text)

    monkeypatch.setattr(answers, "fold", counting_fold)
    first = quoter.choices("section", "section 1999")
    assert len(folded) == 1 + 2 * len(titles)  # what was typed, then each name and value once
    folded.clear()
    for typed in ("s", "se", "sec", "section 1999", "ction 0000", "zzz"):
        quoter.choices("section", typed)
    assert folded == ["s", "se", "sec", "section 1999", "ction 0000", "zzz"]
    assert [c.name for c in first] == [f"Séction 1999{n}" for n in range(10)]
    assert [c.name for c in quoter.choices("section", "ction 0000")] == [
        f"Séction 0000{n}" for n in range(10)
    ]


async def test_context_button_on_a_hostile_transcript_stays_inert(harness, hostile_library, fake):
    """More context on hostile text renders the same neutralised text."""
    client = await harness.start(hostile_library)
    await harness.command(client, "quote", query="layoffs")
    first = harness.last_message()
    await harness.click(client, button(first, "More context")["custom_id"], first)
    description = harness.last_message()["embeds"][0]["description"]
    assert "@everyone" not in description and "<@1" not in description

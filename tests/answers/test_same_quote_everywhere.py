"""One query through the CLI, the Slack app and the Discord command tree: the same excerpt,
highlights and attribution on all three, decided once by the core.

The fixture's passages both name "Dr. Alvarez"; the second is longer than an excerpt, so its
excerpt ends at a sentence, which must not be the one "Dr." seems to end. The second is also
what a page past the end shows.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.discord_bot.views import b36
from adapters.slack import create_app, create_web_app
from adapters.slack.state import View
from bot import Library, messages, page_at, quote_of
from bot.cli.command import main
from tests.discord.discord_fakes import OWNER_ID, FakeDiscord, Harness, button
from tests.slack.slack_bench import (
    FakeSlack,
    SlackHarness,
    context_texts,
    section_texts,
    slack_settings,
)

CORPUS = Path(__file__).parent / "fixtures" / "doctor"
QUERY = "alvarez layoffs"
PAST_THE_END = 9


@dataclass(frozen=True)
class Shown:
    """What a reader sees of one quote, read back from a front end's output."""

    text: str
    bold: tuple[str, ...]
    cut_before: bool
    cut_after: bool
    attribution: str


def read_marked(rendered: str, bold: str, unescape) -> tuple[str, tuple[str, ...], bool, bool]:
    """Plain text, bold words and cut marks of an excerpt laid out with `bold` markers."""
    cut_before, cut_after = rendered.startswith("… "), rendered.endswith(" …")
    rendered = rendered.removeprefix("… ").removesuffix(" …")
    parts = [unescape(part) for part in rendered.split(bold)]
    return "".join(parts), tuple(parts[1::2]), cut_before, cut_after


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """The fixture corpus: one episode whose two "layoffs" passages name Dr. Alvarez."""
    library = Library.load(CORPUS, tmp_path / "index.sqlite3")
    yield library
    library.close()


def cli_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str], offset: int) -> Shown:
    """`quotebot search QUERY --json --limit 1 --offset N`, read back."""
    index = str(tmp_path / "cli-index.sqlite3")
    args = ["search", "--corpus", str(CORPUS), "--index", index, "--json", "--limit", "1"]
    assert main([*args, "--offset", str(offset), QUERY]) == 0
    [hit] = json.loads(capsys.readouterr().out)
    shown = hit["excerpt"]
    bold = tuple(shown["text"][start:end] for start, end in shown["highlights"])
    return Shown(shown["text"], bold, shown["cut_before"], shown["cut_after"], hit["attribution"])


def slack_shows(message: dict) -> Shown:
    """A Slack preview, read back: the block quote with *bold* words, the attribution line."""
    [body] = section_texts(message)
    text, bold, before, after = read_marked(body.removeprefix(">"), "*", html.unescape)
    [attribution] = [line for line in context_texts(message) if " · " in line]
    return Shown(text, bold, before, after, html.unescape(attribution))


def discord_shows(data: dict) -> Shown:
    """A Discord answer, read back: the description with **bold** words, the embed author."""
    [embed] = data["embeds"]
    quoted = embed["description"].split("\n\n▶")[0].removeprefix("“").removesuffix("”")
    text, bold, before, after = read_marked(quoted, "**", lambda s: re.sub(r"\\(\W)", r"\1", s))
    return Shown(text, bold, before, after, embed["author"]["name"])


async def test_one_query_shows_the_same_quote_in_the_cli_slack_and_discord(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first answer and a page past the end read the same on all three front ends."""
    first = quote_of(page_at(library, QUERY, 0).hit)
    last = quote_of(page_at(library, QUERY, PAST_THE_END).hit)
    assert "Dr. Alvarez" in first.excerpt.text and "Dr. Alvarez" in last.excerpt.text
    # The long passage's excerpt ends at a sentence, never after "Dr.".
    assert (
        last.excerpt.text == "It was Monday. Then I met Dr. Alvarez, who said layoffs were coming."
    )
    assert last.excerpt.cut_after and not last.excerpt.cut_before
    expected = [
        Shown(
            q.excerpt.text,
            tuple(q.excerpt.highlighted_words()),
            q.excerpt.cut_before,
            q.excerpt.cut_after,
            q.attribution.text(),
        )
        for q in (first, last)
    ]

    cli = [cli_shows(tmp_path, capsys, 0), cli_shows(tmp_path, capsys, PAST_THE_END)]

    fake_slack = FakeSlack()
    await fake_slack.start()
    slack = SlackHarness(
        fake_slack, create_web_app(create_app(library, slack_settings(fake_slack)))
    )
    await slack.start()
    try:
        slack_first = await slack.ask(QUERY)
        stale_next = {
            "action_id": "quote_next",
            "value": View(QUERY, PAST_THE_END).encode(),
            "text": {"type": "plain_text", "text": "Next"},
        }
        before = len(fake_slack.responses)
        await slack.press(stale_next)
        slack_last = (await fake_slack.wait_for_responses(before + 1))[before].body
    finally:
        await slack.close()
        await fake_slack.close()
    assert messages.PAST_THE_END in context_texts(slack_last)

    fake_discord = FakeDiscord()
    discord = Harness(fake_discord, tmp_path)
    try:
        bot = await discord.start(library)
        await discord.command(bot, "quote", query=QUERY)
        discord_first = fake_discord.callbacks[-1].data
        # A Next button made when there were more matches than there are now.
        answer = discord.last_message()
        stale = f"qb:next:{b36(OWNER_ID)}:{b36(PAST_THE_END)}"
        button(answer, "Next")["custom_id"] = stale
        await discord.click(bot, stale, answer)
        discord_last = fake_discord.callbacks[-1].data
    finally:
        await discord.close()
    assert discord_last["content"].startswith(messages.PAST_THE_END)

    assert cli == expected
    assert [slack_shows(slack_first), slack_shows(slack_last)] == expected
    assert [discord_shows(discord_first), discord_shows(discord_last)] == expected

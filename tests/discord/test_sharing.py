"""Sharing on Discord: /quote anywhere (user installs), suggestions as you type, the quote
card, links to quote pages, and a gateway that asks for little."""

from __future__ import annotations

import copy
import io

from discord_fakes import EPHEMERAL, OWNER_ID, button, buttons, load_payload
from PIL import Image

from adapters.discord_bot.answers import PICKED_FOOTER
from bot import Library

KEY = "peterman-pod-2025-08-15-stefan-mai:215"
PUBLIC = "https://quotes.example.com"


def synced(fake) -> dict[str, dict]:
    """The command definitions the bot sent to Discord, by name."""
    [sync] = fake.find("PUT", "/commands")
    return {command["name"]: command for command in sync.payload}


async def test_quote_is_user_installable_everywhere(bot, fake):
    """/quote, /quote-random and /quote-help are registered for server and user installs, in
    servers, the bot's DM and group DMs."""
    commands = synced(fake)
    for name in ("quote", "quote-random", "quote-help"):
        assert sorted(commands[name]["integration_types"]) == [0, 1], name
        assert sorted(commands[name]["contexts"]) == [0, 1, 2], name


async def test_quote_daily_stays_guild_only(bot, fake):
    """/quote-daily is for servers that installed the bot: a user install cannot post there."""
    daily = synced(fake)["quote-daily"]
    assert daily["integration_types"] == [0] and daily["contexts"] == [0]


async def test_typing_a_query_suggests_the_best_quotes(harness, bot):
    """Typing `layo` suggests matching quotes as `Speaker · HH:MM:SS · text`, best first."""
    choices = await harness.autocomplete(bot, "query", "layo")
    first = choices[0]
    assert first["name"].startswith("Stefan Mai · 00:40:49 · I think if the assumption is during")
    assert first["name"].endswith("…") and len(first["name"]) <= 100
    assert first["value"] == f"quote:{KEY}"
    assert len(choices) == 3


async def test_suggestions_respect_discords_limits(harness, bot):
    """A common word gives at most 25 choices, each name and value within 100 characters."""
    choices = await harness.autocomplete(bot, "query", "the")
    assert len(choices) == 25
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert len({c["value"] for c in choices}) == 25


async def test_nothing_typed_or_nothing_found_suggests_nothing(harness, bot):
    """One letter, or words the podcast never used, give an empty list rather than an error."""
    assert await harness.autocomplete(bot, "query", "l") == []
    assert await harness.autocomplete(bot, "query", "kubernetes") == []


async def test_picking_a_suggestion_answers_with_exactly_that_passage(
    harness, bot, fake, seed_library: Library
):
    """The value of a picked suggestion brings back that passage, not a new search."""
    passage = seed_library.passage("peterman-pod-2025-08-15-stefan-mai:208")
    await harness.command(bot, "quote", query=f"quote:{passage.key}")
    data = fake.callbacks[-1].data
    [embed] = data["embeds"]
    assert embed["description"].startswith("“" + passage.text[:40])
    assert embed["footer"]["text"] == PICKED_FOOTER
    assert [b.get("label") for b in buttons(data)] == ["More context", "Post to channel", "Card"]


async def test_a_typed_quote_prefix_that_is_no_key_is_searched(harness, bot, fake):
    """`quote:` followed by something that is no passage key is an ordinary query."""
    await harness.command(bot, "quote", query="quote:layoffs")
    embed = fake.callbacks[-1].data["embeds"][0]
    assert embed["footer"]["text"].endswith("/quote quote:layoffs")


async def test_card_posts_the_png_for_everyone_with_the_quote_as_text(harness, bot, fake):
    """Card answers publicly with the 1200×630 PNG attached as the embed's image."""
    await harness.command(bot, "quote", query="layoffs")
    answer = harness.last_message()
    await harness.click(bot, button(answer, "Card")["custom_id"], answer)
    call = fake.callbacks[-1]
    data = call.data
    assert call.payload["type"] == 4 and not data.get("flags", 0) & EPHEMERAL
    assert data["content"] == f"Shared by <@{OWNER_ID}>"
    assert data["allowed_mentions"] == {"parse": []}
    [embed] = data["embeds"]
    assert embed["image"]["url"] == "attachment://quote.png"
    assert "during layoffs, are you less likely" in embed["description"]
    [(name, png)] = call.files
    assert name == "quote.png"
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


async def test_card_twice_posts_once(harness, bot, fake):
    """A second press of Card on the same answer says it is already posted."""
    await harness.command(bot, "quote", query="layoffs")
    answer = harness.last_message()
    card = button(answer, "Card")["custom_id"]
    await harness.click(bot, card, answer)
    await harness.click(bot, card, answer)
    assert sum(1 for c in fake.callbacks if c.files) == 1
    repeat = fake.callbacks[-1].data
    assert repeat["flags"] & EPHEMERAL and "already posted" in repeat["content"]


async def test_answers_link_their_page_when_a_public_url_is_set(harness, seed_library, fake):
    """With QUOTEBOT_PUBLIC_URL the embed links the quote's page."""
    bot = await harness.start(seed_library, env={"QUOTEBOT_PUBLIC_URL": PUBLIC})
    await harness.command(bot, "quote", query="layoffs")
    description = fake.callbacks[-1].data["embeds"][0]["description"]
    assert f"[Quote page]({PUBLIC}/q/{KEY})" in description


async def test_answers_say_nothing_about_pages_without_a_public_url(harness, bot, fake):
    """Without QUOTEBOT_PUBLIC_URL no answer mentions a page."""
    await harness.command(bot, "quote", query="layoffs")
    assert "Quote page" not in fake.callbacks[-1].data["embeds"][0]["description"]


async def test_post_where_only_the_member_installed_the_bot_answers_publicly(harness, bot, fake):
    """In a server that did not add the bot (a user install) Post to channel cannot send to
    the channel; it answers the press publicly instead."""
    await harness.command(bot, "quote", query="layoffs")
    answer = harness.last_message()
    payload = copy.deepcopy(load_payload("button_click"))
    payload["id"] = "1310000000000009999"
    payload["data"]["custom_id"] = button(answer, "Post to channel")["custom_id"]
    payload["message"] = answer
    payload["authorizing_integration_owners"] = {"1": str(OWNER_ID)}
    await harness.dispatch(bot, payload)
    assert fake.find("POST", "/channels/{channel_id}/messages") == []
    shared = fake.callbacks[-1]
    assert shared.payload["type"] == 4 and not shared.data.get("flags", 0) & EPHEMERAL
    assert shared.data["content"] == f"Shared by <@{OWNER_ID}>"

"""The answer's buttons, pressed through the real view store with real component interactions."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord_fakes import (
    ALL_POST_PERMISSIONS,
    CHANNEL_ID,
    EPHEMERAL,
    OWNER_ID,
    STRANGER_ID,
    button,
    buttons,
    http_error,
)

from adapters.discord_bot.replies import UNKNOWN_INTERACTION
from bot import Library


async def ask(harness, client, **options):
    """Run /quote and return the message object the member now sees."""
    await harness.command(client, "quote", **options)
    return harness.last_message()


async def test_next_and_previous_page_through_the_matches(harness, bot, fake):
    """Next shows result 2 in place; Previous goes back to result 1."""
    first = await ask(harness, bot, query="layoffs")
    total = first["embeds"][0]["footer"]["text"].split(" of ")[1].split(" ")[0]

    await harness.click(bot, button(first, "Next")["custom_id"], first)
    update = fake.callbacks[-1]
    assert update.payload["type"] == 7  # edits the message the button is on
    second = harness.last_message()
    assert second["embeds"][0]["footer"]["text"] == f"Result 2 of {total} · /quote layoffs"
    assert second["embeds"][0]["description"] != first["embeds"][0]["description"]
    assert "**layoffs**" in second["embeds"][0]["description"]
    assert button(second, "Previous")["disabled"] is False
    assert button(second, f"2 of {total}")["disabled"] is True
    assert update.payload["data"]["allowed_mentions"] == {"parse": []}

    await harness.click(bot, button(second, "Previous")["custom_id"], second)
    back = harness.last_message()
    assert back["embeds"][0] == first["embeds"][0]


async def test_next_is_disabled_on_the_last_match(harness, bot, fake):
    """On the last match Next is disabled."""
    message = await ask(harness, bot, query="layoffs", speaker="Ryan Peterman")
    while not button(message, "Next").get("disabled"):
        await harness.click(bot, button(message, "Next")["custom_id"], message)
        message = harness.last_message()
    footer = message["embeds"][0]["footer"]["text"]
    position, total = footer.removeprefix("Result ").split(" · ")[0].split(" of ")
    assert position == total


async def test_more_context_widens_the_quote_until_the_limit(harness, bot, fake):
    """More context shows neighbours around the quote, wider on each press, up to three a side."""
    first = await ask(harness, bot, query="layoffs")

    await harness.click(bot, button(first, "More context")["custom_id"], first)
    context = harness.last_message()
    description = context["embeds"][0]["description"]
    assert "> I think if the assumption is during **layoffs**" in description
    assert description.startswith("**Stefan Mai** · 00:40:49\nIt's part of why leadership")
    assert "\nMost companies are going to target a specific ratio" in description
    assert len(description) > len(first["embeds"][0]["description"])
    assert context["embeds"][0]["footer"] == first["embeds"][0]["footer"]
    assert ":2:" in button(context, "More context")["custom_id"]

    message = context
    for _ in range(3):
        await harness.click(bot, button(message, "More context")["custom_id"], message)
        message = harness.last_message()
    assert button(message, "More context")["disabled"] is True
    assert len(message["embeds"][0]["description"]) >= len(description)


async def test_post_to_channel_shares_without_pinging(harness, bot, fake):
    """Post to channel sends the embed to the channel "shared by" the member, pinging no one."""
    first = await ask(harness, bot, query="layoffs")

    await harness.click(
        bot,
        button(first, "Post to channel")["custom_id"],
        first,
        app_permissions=ALL_POST_PERMISSIONS,
    )
    [post] = fake.find("POST", "/channels/{channel_id}/messages")
    assert post.url.endswith(f"/channels/{CHANNEL_ID}/messages")
    assert post.payload["content"] == f"Shared by <@{OWNER_ID}>"
    assert post.payload["allowed_mentions"] == {"parse": []}
    assert post.payload["embeds"][0]["description"] == first["embeds"][0]["description"]
    assert fake.callbacks[-1].payload == {"type": 6}  # acknowledged without a new message
    edited = harness.last_message()
    assert button(edited, "Posted")["disabled"] is True


async def test_post_to_channel_twice_posts_once(harness, bot, fake):
    """A second press of Post to channel (a double click) does not post the answer again."""
    first = await ask(harness, bot, query="layoffs")
    post = button(first, "Post to channel")["custom_id"]

    for _ in range(2):
        await harness.click(bot, post, first, app_permissions=ALL_POST_PERMISSIONS)
    assert len(fake.find("POST", "/channels/{channel_id}/messages")) == 1
    repeat = fake.callbacks[-1].data
    assert repeat["flags"] & EPHEMERAL
    assert repeat["content"] == "This answer is already posted in the channel."


async def test_post_to_channel_pressed_again_while_posting_posts_once(harness, bot, fake):
    """Two presses that overlap (the first still waiting on Discord) make one channel message."""
    first = await ask(harness, bot, query="layoffs")
    post = button(first, "Post to channel")["custom_id"]
    posting, finish = asyncio.Event(), asyncio.Event()
    answer = bot.http.request

    async def slow_channel_post(route, **kwargs):
        if route.path == "/channels/{channel_id}/messages" and not posting.is_set():
            posting.set()  # the first post waits until the second press has been handled
            await finish.wait()
        return await answer(route, **kwargs)

    bot.http.request = slow_channel_post
    pressed = asyncio.create_task(
        harness.click(bot, post, first, app_permissions=ALL_POST_PERMISSIONS)
    )
    await asyncio.wait_for(posting.wait(), timeout=5)
    await harness.click(bot, post, first, app_permissions=ALL_POST_PERMISSIONS)
    finish.set()
    await pressed
    assert len(fake.find("POST", "/channels/{channel_id}/messages")) == 1
    assert button(harness.last_message(), "Posted")["disabled"] is True


async def test_failed_post_to_channel_can_be_retried(harness, bot, fake):
    """A post Discord refused does not block the next press: it posts."""
    first = await ask(harness, bot, query="layoffs")
    post = button(first, "Post to channel")["custom_id"]
    route = ("POST", "/channels/{channel_id}/messages")
    fake.failures[route] = http_error(discord.HTTPException, 500, 0, "Internal Server Error")
    await harness.click(bot, post, first, app_permissions=ALL_POST_PERMISSIONS)
    assert fake.calls[-1].payload["content"].startswith("Discord refused that answer")

    del fake.failures[route]
    await harness.click(bot, post, first, app_permissions=ALL_POST_PERMISSIONS)
    failed, posted = fake.find(*route)
    assert posted.payload["content"] == f"Shared by <@{OWNER_ID}>"
    assert button(harness.last_message(), "Posted")["disabled"] is True


async def test_post_without_permission_explains_what_is_missing(harness, bot, fake):
    """Without Send Messages and Embed Links the member is told which permissions to grant."""
    first = await ask(harness, bot, query="layoffs")

    await harness.click(
        bot, button(first, "Post to channel")["custom_id"], first, app_permissions="1024"
    )
    assert not fake.find("POST", "/channels/")
    data = fake.callbacks[-1].data
    assert data["flags"] & EPHEMERAL
    assert data["content"] == (
        "I can't post in this channel: a server admin needs to give me Send Messages, "
        "Embed Links here."
    )


async def test_post_refused_by_discord_is_explained_and_logged(harness, bot, fake, caplog):
    """A 403 from Discord on posting becomes a private explanation and a warning log line."""
    first = await ask(harness, bot, query="layoffs")
    fake.failures[("POST", "/channels/{channel_id}/messages")] = http_error(
        discord.Forbidden, 403, 50013, "Missing Permissions"
    )

    with caplog.at_level(logging.WARNING, logger="adapters.discord_bot"):
        await harness.click(
            bot,
            button(first, "Post to channel")["custom_id"],
            first,
            app_permissions=ALL_POST_PERMISSIONS,
        )
    followup = fake.calls[-1]
    assert followup.path == "/webhooks/{webhook_id}/{webhook_token}"
    assert followup.payload["flags"] & EPHEMERAL
    assert followup.payload["content"].startswith("I'm not allowed to post in this channel.")
    assert "Send Messages" in followup.payload["content"]
    [record] = [r for r in caplog.records if r.name == "adapters.discord_bot.replies"]
    assert "discord refused" in record.getMessage() and "Missing Permissions" in record.getMessage()


async def test_a_stranger_cannot_page_a_private_answer(harness, bot, fake):
    """Someone else pressing Next gets a polite private refusal and the answer is unchanged."""
    first = await ask(harness, bot, query="layoffs")
    calls = len(fake.calls)

    for label in ("Next", "More context", "Post to channel"):
        await harness.click(bot, button(first, label)["custom_id"], first, user_id=STRANGER_ID)
        [refusal] = fake.calls[calls:]
        calls = len(fake.calls)
        assert refusal.payload["type"] == 4
        assert refusal.data["flags"] & EPHEMERAL
        assert refusal.data["content"].startswith(
            "Only the member who asked can use these buttons."
        )


async def test_buttons_work_after_a_restart(harness, seed_library, fake):
    """A button from before a restart works on a new client: its state is all in the custom_id."""
    before = await harness.start(seed_library)
    first = await ask(harness, before, query="layoffs")
    await before.close()

    after = await harness.start(seed_library)
    await harness.click(after, button(first, "Next")["custom_id"], first)
    second = harness.last_message()
    assert second["embeds"][0]["footer"]["text"].startswith("Result 2 of ")
    await harness.click(after, button(second, "More context")["custom_id"], second)
    assert "> " in harness.last_message()["embeds"][0]["description"]


async def test_custom_ids_stay_short_for_long_episode_ids(harness, tmp_path, fake):
    """Buttons of a passage from an episode with a very long id still fit in 100 characters."""
    from discord_fakes import write_transcript

    from bot import Library

    name = "the-podcast-" + "a-very-long-episode-title-" * 6 + "2025"
    write_transcript(
        tmp_path / "corpus",
        name,
        "### Intro\nAlice 00:00:01:\nWe talked about layoffs and what they do to teams.\n\n"
        "Bob 00:00:09:\nLayoffs are hard on everyone who stays.\n",
    )
    library = Library.load(tmp_path / "corpus", tmp_path / "index.sqlite3")
    client = await harness.start(library)
    first = await ask(harness, client, query="layoffs")
    assert len(name) > 100
    assert all(len(b["custom_id"]) <= 100 for b in buttons(first))
    await harness.click(client, button(first, "More context")["custom_id"], first)
    assert "**Bob** · 00:00:09" in harness.last_message()["embeds"][0]["description"]
    library.close()


async def test_expired_interaction_is_logged_and_the_bot_keeps_running(harness, bot, fake, caplog):
    """Unknown interaction (10062) is logged without a reply attempt; the next command works."""
    fake.failures[("POST", "/interactions/{webhook_id}/{webhook_token}/callback")] = http_error(
        discord.NotFound, 404, UNKNOWN_INTERACTION, "Unknown interaction"
    )
    with caplog.at_level(logging.WARNING, logger="adapters.discord_bot"):
        await harness.command(bot, "quote", query="layoffs")
    assert len(fake.callbacks) == 1  # no second attempt to answer a dead interaction
    assert any("Unknown interaction" in r.getMessage() for r in caplog.records)

    del fake.failures[("POST", "/interactions/{webhook_id}/{webhook_token}/callback")]
    await harness.command(bot, "quote", query="layoffs")
    assert fake.callbacks[-1].data["embeds"]


def test_only_typed_queries_count_as_discord_searches(seed_library) -> None:
    """Paging through an answer is labelled as a button press, not counted as a new search."""
    from adapters.discord_bot.answers import BUTTON_SOURCE, Quoter

    seen: list[str] = []
    observed = Library.load(
        seed_library.corpus,
        seed_library.index.path,
        search_observer=lambda source, seconds, hits: seen.append(source),
    )
    try:
        quoter = Quoter(observed)
        quoter.page("layoffs", 0)
        quoter.page("layoffs", 1, BUTTON_SOURCE)
    finally:
        observed.close()
    assert seen == ["discord", "discord-button"]

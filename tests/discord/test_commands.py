"""/quote, /quote-help and /quote-random driven through the real command tree."""

from __future__ import annotations

from discord_fakes import EPHEMERAL, OWNER_ID, button, buttons

from adapters.discord_bot.answers import NEAREST_SECTIONS
from bot import messages, nearest_sections

NO_PINGS = {"parse": []}


async def test_quote_layoffs_answers_privately_with_the_best_excerpt(harness, bot, fake):
    """`/quote layoffs` answers privately: bold match, attribution, footer, four buttons."""
    await harness.command(bot, "quote", query="layoffs")

    [call] = fake.calls[1:]  # the first call is the command sync
    assert call.path.endswith("/callback") and call.payload["type"] == 4
    data = call.data
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == NO_PINGS
    [embed] = data["embeds"]
    assert "**layoffs**" in embed["description"]
    assert embed["description"].startswith("“I think if the assumption is during **layoffs**")
    assert embed["author"]["name"] == (
        "Stefan Mai · Are managers harder to layoff? · 00:40:49 · The Peterman Pod — "
        "Intern to Microsoft Distinguished Engineer in 11 Promotions (Career Story)"
    )
    assert "url" not in embed["author"]  # the seed has no episode URL
    total = int(embed["footer"]["text"].split(" of ")[1].split(" ")[0])
    assert total > 2
    assert embed["footer"]["text"] == f"Result 1 of {total} · /quote layoffs"
    labels = [b.get("label") for b in buttons(data)]
    assert labels == ["Previous", f"1 of {total}", "Next", "More context", "Post to channel"]
    assert button(data, "Previous")["disabled"] is True
    assert button(data, f"1 of {total}")["disabled"] is True
    assert button(data, "Next")["custom_id"] == f"qb:next:{_b36(OWNER_ID)}:1"
    assert all(len(b["custom_id"]) <= 100 for b in buttons(data))


async def test_speaker_option_filters_the_answer(harness, bot, fake):
    """The speaker option limits answers to that speaker and is kept in the footer."""
    await harness.command(bot, "quote", query="layoffs", speaker="Ryan Peterman")

    embed = fake.callbacks[-1].data["embeds"][0]
    assert embed["author"]["name"].startswith("Ryan Peterman · ")
    assert embed["footer"]["text"].endswith('/quote layoffs speaker:"Ryan Peterman"')


async def test_inline_filters_in_the_query_work(harness, bot, fake):
    """The core's inline filters (`speaker:ryan layoffs`) work in the query text."""
    await harness.command(bot, "quote", query="speaker:ryan layoffs")

    embed = fake.callbacks[-1].data["embeds"][0]
    assert embed["author"]["name"].startswith("Ryan Peterman · ")


async def test_no_match_is_a_friendly_private_message_with_suggestions(harness, bot, fake):
    """A query matching nothing gets a private message with things to try, no embed."""
    await harness.command(bot, "quote", query="xyzzyqqq")

    data = fake.callbacks[-1].data
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith(messages.NO_MATCH.format(query="xyzzyqqq"))
    assert "`/quote-random`" in data["content"]
    assert NEAREST_SECTIONS not in data["content"]  # nothing resembles it
    assert "embeds" not in data and "components" not in data


async def test_no_match_suggests_the_cores_nearest_sections(harness, bot, fake, seed_library):
    """With no match, the sections offered are the core's nearest ones, as Slack offers."""
    await harness.command(bot, "quote", query='"meta culture amazon"')

    data = fake.callbacks[-1].data
    nearest = nearest_sections(seed_library, '"meta culture amazon"')
    assert nearest[0] == "Amazon vs Meta culture"
    assert NEAREST_SECTIONS + "“" + nearest[0] + "”" in data["content"]
    assert "embeds" not in data and "components" not in data


async def test_unknown_speaker_lists_the_known_speakers(harness, bot, fake):
    """An unknown speaker option is answered privately with the speakers the library knows."""
    await harness.command(bot, "quote", query="layoffs", speaker="Zelda")

    data = fake.callbacks[-1].data
    assert data["flags"] & EPHEMERAL
    assert (
        data["content"] == "No speaker matches “Zelda”. Known speakers: Ryan Peterman, Stefan Mai"
    )


async def test_public_setting_answers_in_the_channel_without_post_button(
    harness, seed_library, fake
):
    """With QUOTEBOT_DISCORD_PUBLIC answers are public and have no Post button."""
    client = await harness.start(seed_library, {"QUOTEBOT_DISCORD_PUBLIC": "true"})
    await harness.command(client, "quote", query="layoffs")

    data = fake.callbacks[-1].data
    assert not data.get("flags", 0) & EPHEMERAL
    assert "Post to channel" not in [b.get("label") for b in buttons(data)]

    await harness.command(client, "quote", query="xyzzyqqq")
    assert fake.callbacks[-1].data["flags"] & EPHEMERAL  # "no match" stays private


async def test_help_explains_usage_privately(harness, bot, fake):
    """/quote-help answers privately with the query syntax and the buttons."""
    await harness.command(bot, "quote-help")

    data = fake.callbacks[-1].data
    assert data["flags"] & EPHEMERAL
    assert "speaker:stefan" in data["content"] and "More context" in data["content"]


async def test_random_quote_has_context_and_post_but_no_paging(harness, bot, fake):
    """/quote-random shows one excerpt with More context and Post to channel."""
    await harness.command(bot, "quote-random")

    data = fake.callbacks[-1].data
    [embed] = data["embeds"]
    assert embed["footer"]["text"] == "/quote-random"
    assert len(embed["description"]) > 20
    assert [b.get("label") for b in buttons(data)] == ["More context", "Post to channel"]


async def test_slow_search_defers_then_follows_up(harness, bot, fake):
    """When the search is slow the command defers privately, then sends the answer as follow-up."""
    bot.quoter.defer_after = 0.0
    await harness.command(bot, "quote", query="layoffs")

    defer, followup = fake.calls[-2:]
    assert defer.payload == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert followup.method == "POST" and followup.path == "/webhooks/{webhook_id}/{webhook_token}"
    assert "**layoffs**" in followup.payload["embeds"][0]["description"]
    assert followup.payload["allowed_mentions"] == NO_PINGS


async def test_hostile_query_is_shown_not_executed(harness, bot, fake):
    """Mentions and markdown typed into a query never ping and are shown as typed."""
    await harness.command(bot, "quote", query="@everyone <@1000000000000000009> **zzqx** @here")

    data = fake.callbacks[-1].data
    assert data["allowed_mentions"] == NO_PINGS
    footer = data["embeds"][0]["footer"]["text"]
    assert footer.endswith(
        " · /quote @\u200beveryone <\u200b@1000000000000000009> **zzqx** @\u200bhere"
    )
    assert data["content"] == "No match for: 1000000000000000009, zzqx (left out)"

    await harness.command(
        bot, "quote", query="<@1000000000000000009> **zzqx** <#1110000000000000000>"
    )
    data = fake.callbacks[-1].data
    assert data["allowed_mentions"] == NO_PINGS
    assert data["content"].startswith(
        "No quotes match “<\u200b@1000000000000000009> \\*\\*zzqx\\*\\* "
        "<\u200b#1110000000000000000>”."
    )


async def test_hostile_filter_value_is_shown_not_executed(harness, bot, fake):
    """An unknown filter value full of mentions is echoed without rendering them."""
    await harness.command(bot, "quote", query="layoffs", speaker="@everyone <@&123456789012345678>")

    content = fake.callbacks[-1].data["content"]
    assert "@everyone" not in content and "<@&" not in content


def _b36(number: int) -> str:
    from adapters.discord_bot.views import b36

    return b36(number)


async def test_slow_public_no_match_stays_private(harness, seed_library, fake):
    """A public defer is deleted before a private "no match", so it never shows in the channel."""
    client = await harness.start(seed_library, {"QUOTEBOT_DISCORD_PUBLIC": "1"})
    client.quoter.defer_after = 0.0
    await harness.command(client, "quote", query="xyzzyqqq")

    defer, delete, followup = fake.calls[-3:]
    assert defer.payload == {"type": 5}
    assert delete.method == "DELETE" and delete.path.endswith("/messages/@original")
    assert followup.payload["flags"] & EPHEMERAL
    assert followup.payload["content"].startswith("No quotes match")

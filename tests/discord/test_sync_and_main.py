"""Command sync only on change, and `quotebot discord` start-up checks."""

from __future__ import annotations

import json

import discord
import pytest
from discord_fakes import APP_ID

from adapters.discord_bot import QuoteBot, ShardedQuoteBot, create_bot
from adapters.discord_bot.startup_checks import check_token
from bot.cli.command import main as cli_main
from bot.settings import Settings

GLOBAL = "/applications/{application_id}/commands"
GUILD = "/applications/{application_id}/guilds/{guild_id}/commands"
TOKEN = "MTIwMDAwMDAwMDAwMDAwMDAwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


async def test_commands_sync_once_then_only_when_changed(harness, seed_library, fake, tmp_path):
    """The first start syncs globally; an unchanged restart does not; a changed command does."""
    await harness.start(seed_library)
    [first] = fake.find("PUT", "/commands")
    assert first.path == GLOBAL
    assert sorted(c["name"] for c in first.payload) == [
        "quote",
        "quote-daily",
        "quote-help",
        "quote-random",
    ]
    state = json.loads((tmp_path / "sync.json").read_text())
    assert list(state) == [f"{APP_ID}:global"]

    await harness.start(seed_library)
    assert len(fake.find("PUT", "/commands")) == 1

    client = await harness.start(seed_library, force_sync=True)
    assert len(fake.find("PUT", "/commands")) == 2

    client.tree.get_command("quote").description = "Changed"
    await client.setup_hook()
    assert len(fake.find("PUT", "/commands")) == 3


async def test_guild_id_syncs_to_that_guild_only(harness, seed_library, fake):
    """With DISCORD_GUILD_ID the commands are synced to that guild (instant, for development)."""
    await harness.start(seed_library, {"DISCORD_GUILD_ID": "1100000000000000000"})
    [sync] = fake.find("PUT", "/commands")
    assert sync.path == GUILD and "/guilds/1100000000000000000/" in sync.url


async def test_failed_sync_is_logged_and_retried_next_start(harness, seed_library, fake, caplog):
    """A refused sync does not stop the bot, and is tried again on the next start."""
    from discord_fakes import http_error

    fake.failures[("PUT", GLOBAL)] = http_error(discord.Forbidden, 403, 50001, "Missing Access")
    await harness.start(seed_library)
    assert "could not sync slash commands" in caplog.text
    del fake.failures[("PUT", GLOBAL)]
    await harness.start(seed_library)
    assert len(fake.find("PUT", "/commands")) == 2


def test_client_asks_only_for_the_guilds_intent_and_never_pings(seed_library):
    """The gateway is asked for guild events only (no messages, typing, reactions, members),
    and the client allows no mentions."""
    client = create_bot(seed_library, Settings.load(environ={}))
    assert isinstance(client, QuoteBot)
    assert client.intents == discord.Intents(guilds=True)
    assert not client.intents.guild_messages and not client.intents.message_content
    assert not client.intents.guild_typing and not client.intents.guild_reactions
    assert client.allowed_mentions.to_dict() == {"parse": []}


def test_shards_choose_the_auto_sharded_client(seed_library):
    """`--shards auto` or a count builds an AutoShardedClient; shard ids split the work."""
    auto = create_bot(seed_library, Settings.load(environ={}), shards="auto")
    assert isinstance(auto, ShardedQuoteBot) and auto.shard_count is None
    split = create_bot(seed_library, Settings.load(environ={}), shards=4, shard_ids=[0, 1])
    assert split.shard_count == 4 and split.shard_ids == [0, 1]
    configured = create_bot(seed_library, Settings.load(environ={"QUOTEBOT_DISCORD_SHARDS": "2"}))
    assert isinstance(configured, ShardedQuoteBot) and configured.shard_count == 2


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "quotebot discord: DISCORD_TOKEN is not set"),
        ("   ", "quotebot discord: DISCORD_TOKEN is not set"),
        ("Bot " + TOKEN, "quotebot discord: DISCORD_TOKEN must be the bare token"),
        ("not-a-token", "quotebot discord: DISCORD_TOKEN does not look like a bot token"),
    ],
)
def test_missing_or_malformed_token_is_one_line_exit_2(token, message, monkeypatch, capsys):
    """A missing or malformed DISCORD_TOKEN is a one-line error naming it, exit status 2."""
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    if token is not None:
        monkeypatch.setenv("DISCORD_TOKEN", token)
    assert cli_main(["discord"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_bad_shards_option_is_a_usage_error(monkeypatch, capsys):
    """`--shards lots` is refused before anything starts."""
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    assert cli_main(["discord", "--shards", "lots"]) == 2
    assert (
        capsys.readouterr().err
        == "quotebot discord: --shards: expected auto or a shard count, got “lots”\n"
    )


def test_well_formed_token_passes_the_check():
    """A token of three dot-separated parts passes, surrounding spaces removed."""
    assert check_token(f"  {TOKEN}\n") == TOKEN

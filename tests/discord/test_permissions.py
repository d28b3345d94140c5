"""What the bot needs to post in a channel: one list for the buttons and the daily advice."""

from __future__ import annotations

import discord

from adapters.discord_bot.permissions import missing, missing_text

VIEW, SEND, EMBED, SEND_IN_THREADS = 1024, 2048, 16384, 274877906944


def test_a_channel_needs_view_send_and_embed_links():
    """Posting needs View Channel, Send Messages and Embed Links; the missing ones are named."""
    assert missing(discord.Permissions(VIEW | SEND | EMBED)) == []
    assert missing(discord.Permissions(VIEW)) == ["Send Messages", "Embed Links"]
    assert missing(discord.Permissions(0)) == ["View Channel", "Send Messages", "Embed Links"]


def test_a_thread_needs_send_messages_in_threads_instead_of_send_messages():
    """In a thread, Send Messages in Threads is needed instead of Send Messages."""
    assert missing(discord.Permissions(VIEW | SEND_IN_THREADS | EMBED), thread=True) == []
    assert missing(discord.Permissions(VIEW | SEND | EMBED), thread=True) == [
        "Send Messages in Threads"
    ]


def test_missing_text_names_what_to_grant():
    """The refusal text names the permissions to grant, or is None when nothing is missing."""
    assert missing_text(discord.Permissions(VIEW | SEND | EMBED)) is None
    assert missing_text(discord.Permissions(VIEW | SEND)) == (
        "I need Embed Links in this channel. A server admin can grant it in the channel's "
        "settings (Edit Channel → Permissions → quotebot)."
    )
    assert missing_text(discord.Permissions(VIEW | EMBED), thread=True).startswith(
        "I need Send Messages in Threads in this channel. A server admin can grant it "
    )

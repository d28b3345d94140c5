"""What the bot needs to post in a channel, and Discord's errors for not having it.

Answers are interaction responses and need no channel permission; a channel message (Post to
channel, the daily advice) needs View Channel, Send Messages (Send Messages in Threads in a
thread) and Embed Links. Both the buttons and the daily advice ask here.
"""

from __future__ import annotations

import discord

# Discord's JSON error codes for a channel that will not take our posts
# (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
MISSING_ACCESS = 50001
CANNOT_SEND_IN_CHANNEL = 50008
MISSING_PERMISSIONS = 50013

POST_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
PERMISSION_NAMES = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "embed_links": "Embed Links",
}


def needed(thread: bool = False) -> list[str]:
    """The permissions (discord.py attribute names) a channel message needs, in order."""
    send = "send_messages_in_threads" if thread else "send_messages"
    return [send if name == "send_messages" else name for name in POST_PERMISSIONS]


def missing(permissions: discord.Permissions, thread: bool = False) -> list[str]:
    """The names, as Discord shows them, of the permissions a channel message still needs."""
    return [PERMISSION_NAMES[name] for name in needed(thread) if not getattr(permissions, name)]


def missing_in_interaction(interaction: discord.Interaction) -> list[str]:
    """What the bot lacks to post in the interaction's channel (nothing outside servers)."""
    if interaction.guild_id is None:
        return []
    return missing(interaction.app_permissions, isinstance(interaction.channel, discord.Thread))


def missing_text(permissions: discord.Permissions, thread: bool = False) -> str | None:
    """What a server admin must grant so the bot can post here, or None when nothing."""
    names = missing(permissions, thread)
    if not names:
        return None
    return (
        f"I need {', '.join(names)} in this channel. A server admin can grant "
        f"{'it' if len(names) == 1 else 'them'} in the channel's settings "
        "(Edit Channel → Permissions → quotebot)."
    )

"""Every sentence the Slack front end writes to a person, each once and named (the core's own
sentences are in `bot.messages`). Written as Slack mrkdwn; `{…}` fields are filled in safe."""

from __future__ import annotations

EXPIRED = "This preview has expired. Run `/quote` again."
APOLOGY = "Sorry, something went wrong on my side. Please try again."
PRIVATE_PREVIEW = "You see a private preview first; *Send* shares it with the channel."
TRY_OTHER_WORDS = "Try fewer or other words, or `{command} help` for examples."
ADVICE_HEADER = "Advice of the day"

# Daily advice.
DAILY_NOT_ENABLED = "Daily advice is not enabled on this bot. Ask whoever runs it to turn it on."
DAILY_ONE_TIME = "Give one time, like `09:00`."
DAILY_ONE_ZONE = "Give one time zone, like `Europe/Berlin`."
DAILY_GUESTS_REFUSED = "Sorry, guests can't change this channel's daily advice."
DAILY_ADMINS_ONLY = (
    "Sorry, only workspace admins and owners can change this channel's daily advice. "
    "Ask one of them, or see the schedule with `/quote-daily status`."
)
DAILY_LOOKUP_FAILED = " (I couldn't look you up: `{error}`.)"

# Posting a quote (Send): what each Web API error means for the person who pressed it.
CONNECTION_FAILED = "connection_failed"
POST_ERRORS = {
    "not_in_channel": (
        "I can't post in this channel because I'm not a member. "
        "Add me with `/invite @quotebot`, then press *Send* again."
    ),
    "channel_not_found": (
        "I can't see this channel: private channels and group messages need me added first "
        "(`/invite @quotebot`)."
    ),
    "is_archived": "This channel is archived, so nothing can be posted to it.",
    "ratelimited": "Slack is asking me to slow down. Please press *Send* again in a minute.",
    "restricted_action": "This workspace's settings don't allow me to post in this channel.",
    "msg_too_long": "That quote is too long for one Slack message.",
    "msg_blocks_too_long": "That quote is too long for one Slack message.",
    CONNECTION_FAILED: "I couldn't reach Slack just now. Please try again in a moment.",
}
# The bot token itself is refused: no retry helps until an admin reinstalls the app.
TOKEN_REJECTED = (
    "Slack no longer accepts my token (`{code}`), so I can't post. Please ask a workspace "
    "admin to reinstall the app; trying again won't help until then."
)
POST_REFUSED = "Slack didn't accept the message (`{error}`). Please try again in a moment."

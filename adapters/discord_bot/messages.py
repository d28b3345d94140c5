"""Every sentence the Discord front end writes to a member, each once and named (the core's own
sentences are in `bot.messages`). Written as Discord markdown; `{…}` fields are filled in safe."""

from __future__ import annotations

# Buttons.
STRANGER = "Only the member who asked can use these buttons. Try `/quote` to get your own answer."
STALE = "This answer is too old for its buttons. Run `/quote` again."
ALREADY_SHARED = "This answer is already posted in the channel."
ALREADY_CARDED = "The card of this answer is already posted."
CANNOT_POST_MISSING = (
    "I can't post in this channel: a server admin needs to give me {missing} here."
)
SHARED_BY = "Shared by {member}"

# No match.
TRY = "Try:"
TRY_TIPS = (
    "fewer or different words (`layoffs`, `promotion`)",
    'an exact phrase in quotes (`"stack ranking"`)',
    "no `speaker:`, `section:` or `episode:` filter",
    "`/quote-random` for a surprise",
)

# Failures.
SLOW_DOWN_FOR = "Discord asked me to slow down. Please try again in {seconds:.0f} seconds."
RATE_LIMITED = "Discord is rate limiting me right now. Please try again in a minute."
NOT_ALLOWED_TO_POST = (
    "I'm not allowed to post in this channel. A server admin can give me {needed} here."
)
REFUSED = "Discord refused that answer (error {code}). Please try again."
CHECK_FAILED = "You can't use that here."
SOMETHING_WENT_WRONG = "Something went wrong on my side; it has been logged. Please try again."

# Daily advice.
ADVICE_TITLE = "Advice of the day"
ADVICE_FOOTER = "Advice of the day · /quote-daily"
DAILY_NOT_ENABLED = (
    "Daily advice is not enabled on this bot. The bot's operator can turn it on "
    "(it needs a database; see the README's “Advice of the day”)."
)
DAILY_REFUSAL = (
    "Sorry, only members who can manage this channel (the Manage Channels permission) can "
    "change its daily advice. Anyone can see it with `/quote-daily status`."
)
DAILY_GUILD_ONLY = "Daily advice is for server channels, not direct messages."
DAILY_NO_ZONE_NOTE = (
    " Discord servers have no time zone setting, so this uses {zone}; "
    "add `timezone:` (like Europe/Berlin) to pick yours."
)

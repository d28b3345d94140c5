"""Making user and transcript text safe to put in Slack's mrkdwn.

Two steps, always both, for every text that came from a user or a transcript:

1. `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;` (Slack's own rule). That is what stops
   `<!channel>`, `<!here>`, `<@U123>` and `<https://evil|innocent>` from meaning anything.
2. mrkdwn's formatting characters cannot be escaped at all, so a transcript saying
   `*really*` or `_init_` would turn bold or italic, and a stray backtick would open code.
   We neutralise them by substituting look-alike characters: `*` → `∗` (U+2217),
   `_` → `ˍ` (U+02CD), `~` → `∼` (U+223C), `` ` `` → `ˋ` (U+02CB). The quote reads the same;
   only the formatting we add ourselves (bold matched words, the block quote) is formatting.
   Copying the text out of Slack gives the look-alikes, a trade we accept for transcripts,
   where these characters are rare.

Text in `plain_text` objects is never parsed by Slack, so it needs neither step; this adapter
puts no user text there anyway. Escaping does not stop Slack auto-linking a bare URL or a
#channel name in mrkdwn: `blocks` sends every mrkdwn text object with `verbatim: true` for that.
"""

from __future__ import annotations

import re

_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def escape(text: str) -> str:
    """`&`, `<`, `>` as Slack entities, so no text can mention, link or break out."""
    return text.translate(_ENTITIES)


def neutralise(text: str) -> str:
    """mrkdwn's `* _ ~ \\`` replaced by look-alikes, so no text can switch formatting on."""
    return text.translate(_LOOKALIKES)


def mrkdwn(text: str) -> str:
    """User or transcript text made inert for a mrkdwn field: escaped, then neutralised."""
    return neutralise(escape(text))


def link(url: str, label: str) -> str:
    """A mrkdwn link `<url|label>`; the label is made inert, the URL cannot close the link."""
    safe_url = escape(url).replace("|", "%7C")
    return f"<{safe_url}|{mrkdwn(label)}>"


def mention(user_id: str) -> str:
    """`<@U123>` for a real Slack user id from a payload; anything else is shown as inert text."""
    if _USER_ID.match(user_id or ""):
        return f"<@{user_id}>"
    return mrkdwn(user_id or "someone")

"""The pieces: escaping, excerpts, button state, redelivery keys, channel messages, delivery."""

from __future__ import annotations

import json
import re

import pytest
from slack_bench import CHANNEL, context_texts, mrkdwn_objects, section_texts, slack_settings

from adapters.slack import Delivered, DeliveryFailed, create_client, hit_message, post_message
from adapters.slack.answers import _cap
from adapters.slack.blocks import (
    advice_message,
    context_excerpt,
    emphasised,
    excerpt,
    help_message,
    no_match_message,
    notice,
    preview,
)
from adapters.slack.dedupe import delivery_key
from adapters.slack.escaping import escape, link, mention, mrkdwn, neutralise
from adapters.slack.state import MAX_QUERY_CHARS, View
from bot import Hit, Library, NoMatch


def test_escape_turns_control_characters_into_entities() -> None:
    """`&`, `<`, `>` become entities, so `<!channel>` and `<@U1>` are shown, not acted on."""
    assert escape("a & <!channel> <@U123> b>c") == "a &amp; &lt;!channel&gt; &lt;@U123&gt; b&gt;c"


def test_neutralise_replaces_mrkdwn_markers_with_lookalikes() -> None:
    """`* _ ~ \\`` become ∗ ˍ ∼ ˋ, so transcript text cannot switch formatting on."""
    assert neutralise("*bold* _it_ ~s~ `c`") == "∗bold∗ ˍitˍ ∼s∼ ˋcˋ"
    assert mrkdwn("*<!here>*") == "∗&lt;!here&gt;∗"


def test_link_keeps_its_url_inside_the_link() -> None:
    """A URL with `&`, `|` or `>` cannot end the link early; the label is inert."""
    assert link("https://x.test/?a=1&b=2|3>", "*00:01*") == (
        "<https://x.test/?a=1&amp;b=2%7C3&gt;|∗00:01∗>"
    )


def test_mention_only_for_real_user_ids() -> None:
    """A payload's user id becomes a mention; anything else stays inert text."""
    assert mention("U2147483697") == "<@U2147483697>"
    assert mention("<!channel>") == "&lt;!channel&gt;"


def test_excerpt_fits_the_limit_even_when_escaping_grows_the_text() -> None:
    """`&` is five characters once escaped: the excerpt is trimmed to fit after escaping."""
    text = "Salt & pepper & oil. " * 200
    rendered = excerpt(text.strip(), limit=3000)
    assert len(rendered) <= 3000
    assert rendered.endswith("&amp; oil. …")
    assert rendered.startswith(">Salt &amp; pepper")


def test_emphasised_bolds_highlighted_words_only() -> None:
    """Highlighted spans are bold; the rest is escaped text."""
    assert emphasised("cats & dogs", [(0, 4), (7, 11)]) == "*cats* &amp; *dogs*"
    assert emphasised("a*b", [(0, 3)]) == "*a∗b*"


def test_context_names_speakers_when_they_change(seed_library: Library) -> None:
    """Widened across a change of speaker, each passage is labelled with who said it."""
    passages = list(seed_library.passages())
    turn = next(
        i for i in range(1, len(passages)) if passages[i].speaker != passages[i - 1].speaker
    )
    hit = Hit(passages[turn], 0.0)
    context = seed_library.context(hit, before=1, after=0)
    rendered = context_excerpt(hit, context)
    assert rendered.startswith(f">*{passages[turn - 1].speaker}:* ")
    assert f"\n>\n>*{passages[turn].speaker}:* " in rendered


def test_view_round_trips_and_fits_a_button_value() -> None:
    """A view survives encode/decode; the worst query still fits Slack's 2,000 characters."""
    view = View("layoffs", 2, "ep:12", 1)
    assert View.decode(view.encode()) == view
    assert View.decode(View(key="ep:3").encode()) == View(key="ep:3")
    worst = View('"\\' * MAX_QUERY_CHARS, 10**6, "e" * 200, 3)
    assert len(worst.encode()) <= 2000
    for junk in ("", "[]", "{}", '{"q": 3}', '{"k": "x", "o": "1"}', "v1|x"):
        with pytest.raises(ValueError):
            View.decode(junk)


def test_delivery_key_prefers_ids_slack_repeats() -> None:
    """Event id, then trigger id, else the body's hash identify a delivery."""
    assert delivery_key({"event_id": "Ev1", "trigger_id": "t"}) == "event_id:Ev1"
    assert delivery_key({"trigger_id": "123.456"}) == "trigger_id:123.456"
    assert delivery_key({}, "a=1") == delivery_key({}, "a=1") != delivery_key({}, "a=2")


def test_hit_message_renders_one_quote_for_a_channel(seed_library: Library) -> None:
    """The reusable channel message: excerpt and attribution, no buttons, no sharer unless given."""
    hit = seed_library.search("layoffs", limit=1).hits[0]
    message = hit_message(hit)
    assert [block["type"] for block in message.blocks] == ["section", "context"]
    assert section_texts(message.as_kwargs())[0].startswith(">")
    assert len(context_texts(message.as_kwargs())) == 1
    json.dumps(message.blocks)


async def test_post_message_returns_the_message_id_or_a_typed_failure(
    fake_slack, seed_library: Library
) -> None:
    """post_message gives Delivered(channel, ts) or DeliveryFailed(error, words); never raises."""
    client = create_client(slack_settings(fake_slack))
    message = hit_message(seed_library.search("layoffs", limit=1).hits[0])
    delivered = await post_message(client, CHANNEL, message)
    assert delivered == Delivered(CHANNEL, "1700000100.000001")
    fake_slack.fail("chat.postMessage", "is_archived")
    failed = await post_message(client, CHANNEL, message)
    assert isinstance(failed, DeliveryFailed)
    assert (failed.channel, failed.error) == (CHANNEL, "is_archived")
    assert failed.message == "This channel is archived, so nothing can be posted to it."


@pytest.mark.parametrize("count", [1, 3, 40])
def test_no_match_message_fits_a_section_for_any_input(count: int) -> None:
    """Absurd queries, ignored words and section titles (all `&<>`, escaped to 4-5 characters
    each) are shortened; suggestions that would not fit are left out; it always renders."""
    titles = [f"{n} " + "&<>" * 5000 for n in range(count)]
    message = no_match_message("/quote", NoMatch("&<>" * 5000, ("&" * 600,) * 9, tuple(titles)))
    [text] = section_texts(message.as_kwargs())
    assert len(text) <= 3000
    lines = text.split("\n")
    assert lines[0].startswith("No quotes match “&amp;&lt;&gt;") and lines[0].endswith("…”.")
    assert lines[1].startswith("These words appear nowhere: &amp;&amp;")
    assert lines[2].startswith("Nearest sections: *0 &amp;&lt;&gt;")
    shown = lines[2].count("…* (`/quote in:")
    assert shown == count if count <= 3 else 3 < shown < count
    assert lines[-1] == "Try fewer or other words, or `/quote help` for examples."
    assert not re.search(r"&(?!amp;|lt;|gt;)", text)
    assert len(message.text) <= 3000


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x1f", "\u2028", '"', "\\", "é", "😀", "\ud800"],
    ids=[
        "nul",
        "unit-separator",
        "line-separator",
        "quote",
        "backslash",
        "e-acute",
        "emoji",
        "surrogate",
    ],
)
def test_a_button_value_never_exceeds_2000_characters(character: str) -> None:
    """500 characters that JSON escapes (a control character becomes six) or that count two in
    UTF-16: the query is shortened until the value fits; what fits decodes to its prefix."""
    view = View(character * MAX_QUERY_CHARS, 10**6, "e" * 200, 3)
    value = view.encode()
    assert len(value.encode("utf-16-le", "surrogatepass")) // 2 <= 2000
    decoded = View.decode(value)
    assert view.query.startswith(decoded.query) and len(decoded.query) > 200
    assert (decoded.offset, decoded.key, decoded.context) == (10**6, "e" * 200, 3)


def test_queries_lose_non_printable_characters() -> None:
    """Control and format characters are dropped from what was typed; spaces are kept single."""
    assert _cap("lay\x00offs \x01\x7f\u200b in\tthe\x85 end") == "layoffs in the end"
    assert _cap("\x01" * 900 + " layoffs") == "layoffs"


def test_every_mrkdwn_text_is_verbatim(seed_library: Library) -> None:
    """Every message's mrkdwn objects carry verbatim: true, so Slack does not auto-link a bare
    URL or #channel from a transcript or a query (escaping alone does not stop that)."""
    hit = seed_library.search("layoffs", limit=1).hits[0]
    context = seed_library.context(hit, before=1, after=1)
    messages = [
        hit_message(hit, context=context, shared_by="U2147483697"),
        advice_message(hit),
        preview(hit, View("see https://evil.example #general", 0), total=3, ignored_words=["x"]),
        preview(hit, View(key=hit.key), corrected_query="layoffs"),
        help_message("/quote", ["#general https://evil.example"]),
        no_match_message("/quote", NoMatch("https://evil.example", ("x",), ("#general",))),
        notice("No speaker matches “#general”."),
    ]
    for message in messages:
        objects = mrkdwn_objects(message.as_kwargs())
        assert objects
        assert all(o["verbatim"] is True for o in objects), objects


async def test_post_message_classifies_failures_for_every_caller(
    fake_slack, seed_library: Library
) -> None:
    """One classification of chat.postMessage errors, for Send and the advice sender alike:
    passing or not, Retry-After, the missing scope, metadata passed through."""
    client = create_client(slack_settings(fake_slack))
    client.retry_handlers.clear()  # see the 429 itself
    message = hit_message(seed_library.search("layoffs", limit=1).hits[0])
    fake_slack.rate_limit("chat.postMessage", retry_after=7)
    limited = await post_message(client, CHANNEL, message)
    assert (limited.error, limited.transient, limited.retry_after) == ("ratelimited", True, 7)
    fake_slack.fail("chat.postMessage", "service_unavailable", status=503)
    assert (await post_message(client, CHANNEL, message)).transient is True
    fake_slack.fail("chat.postMessage", "not_in_channel")
    assert (await post_message(client, CHANNEL, message)).transient is False
    metadata = {"event_type": "quotebot_advice", "event_payload": {"nonce": "n"}}
    assert isinstance(await post_message(client, CHANNEL, message, metadata=metadata), Delivered)
    assert fake_slack.method_calls("chat.postMessage")[-1].body["metadata"] == metadata
    assert "metadata" not in fake_slack.method_calls("chat.postMessage")[0].body

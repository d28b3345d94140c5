"""What must never happen: mentions or markup smuggled in, oversize messages, forged or
replayed requests acted on, Web API errors crashing, or a slow search missing the 3-second ack."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from pathlib import Path

import pytest
from slack_bench import (
    button,
    buttons,
    context_texts,
    mrkdwn_objects,
    section_texts,
    texts,
    write_transcript,
)
from slack_sdk.http_retry import builtin_async_handlers

from adapters.slack.blocks import emphasised
from bot import Library, excerpt_of

HOSTILE = """\
---
podcast_name: Hostile <!here> Pod & Co
episode_title: The <@U999> *bold* episode
episode_url: https://example.com/ep?a=1&b=2
---
### Tricks & <!channel> traps
Mallory 00:00:05:

Hey <!channel> and <!here>, meet <@U123> & friends of the show today. This *is* _not_ ~struck~ \
`code`, see <https://evil.example|click here> for prizes.

Trent 00:00:40:

Nothing to see here, just a quiet sentence about gardening and tomatoes and the weather.
"""

# Lower case after each full stop: one endless sentence to the core, many to a reader.
SENTENCE = "tomatoes & peppers grow well in the sun when the soil is warm and watered often. "
LONG = (
    "---\npodcast_name: Long Pod\nepisode_title: Long\n---\n### Rambling\nWalt 00:00:01:\n\n"
    + "Gardening begins here, "
    + SENTENCE * 60
    + "\n"
)
MENTION = re.compile(r"<[!@#]")


@pytest.fixture
def hostile_library(tmp_path: Path) -> Library:
    """A one-episode library whose transcript tries every trick."""
    write_transcript(tmp_path / "corpus", "hostile.txt", HOSTILE)
    library = Library.load(tmp_path / "corpus", tmp_path / "index.sqlite3")
    yield library
    library.close()


@pytest.fixture
def long_library(tmp_path: Path) -> Library:
    """A library with one passage far longer than a Slack section allows."""
    write_transcript(tmp_path / "long", "long.txt", LONG)
    library = Library.load(tmp_path / "long", tmp_path / "long-index.sqlite3")
    yield library
    library.close()


def assert_inert(message: dict) -> None:
    for text in texts(message):
        assert not MENTION.search(text.replace("<@U2147483697>", "")), text
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    # Without verbatim Slack would still link bare URLs and #channel names.
    for text_object in mrkdwn_objects(message):
        assert text_object.get("verbatim") is True, text_object


async def test_transcript_text_cannot_mention_or_format(make_slack, hostile_library) -> None:
    """Mentions, links, `&` and mrkdwn markup in a transcript arrive as inert text."""
    slack = await make_slack(hostile_library)
    message = await slack.ask("friends")
    assert_inert(message)
    [body] = section_texts(message)
    assert body == (
        ">Hey &lt;!channel&gt; and &lt;!here&gt;, meet &lt;@U123&gt; &amp; *friends* of the show"
        " today. This ∗is∗ ˍnotˍ ∼struck∼ ˋcodeˋ, see &lt;https://evil.example|click here&gt;"
        " for prizes."
    )
    assert context_texts(message)[0] == (
        "Mallory · Tricks &amp; &lt;!channel&gt; traps · "
        "<https://example.com/ep?a=1&amp;b=2&amp;t=5|00:00:05> · "
        "Hostile &lt;!here&gt; Pod &amp; Co — The &lt;@U999&gt; ∗bold∗ episode"
    )
    await slack.click(message, "quote_send")
    [post] = slack.fake.method_calls("chat.postMessage")
    assert_inert(post.body)
    assert section_texts(post.body) == [body]


async def test_query_text_cannot_mention_or_format(slack) -> None:
    """What the user typed is escaped wherever it is echoed: previews and no-match messages."""
    message = await slack.ask("<!channel> layoffs & <@U123> *x*")
    assert_inert(message)
    assert context_texts(message)[-1].endswith(
        " for “&lt;!channel&gt; layoffs &amp; &lt;@U123&gt; ∗x∗”"
    )
    nothing = await slack.ask("<@U123> & <!zzqxj>")
    assert_inert(nothing)
    assert section_texts(nothing)[0].startswith(
        "No quotes match “&lt;@U123&gt; &amp; &lt;!zzqxj&gt;”."
    )
    unknown = await slack.ask("speaker:<!channel> layoffs")
    assert_inert(unknown)
    assert section_texts(unknown)[0].startswith("No speaker matches “&lt;!channel&gt;”.")


async def test_a_very_long_passage_shows_the_cores_excerpt(make_slack, long_library) -> None:
    """A passage over 3,000 characters shows the core's excerpt, escaped, ending in `…`."""
    [passage] = [p for p in long_library.passages() if len(p.text) > 3000]
    shown = long_library.search("gardening", limit=1).hits[0]
    core = excerpt_of(shown.text, shown.highlights)
    slack = await make_slack(long_library)
    message = await slack.ask("gardening")
    [body] = section_texts(message)
    assert len(body) <= 3000
    assert core.cut_after and body.endswith(" …")
    assert body.startswith(">*Gardening* begins here, tomatoes &amp; peppers grow")
    assert body == ">" + emphasised(core.text, core.highlights) + " …"
    assert message["text"].endswith("…” — Walt")
    assert len(message["text"]) < 400
    for block in message["blocks"]:
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    wider = await slack.click(message, "quote_context")
    assert len(section_texts(wider)[0]) <= 3000
    await slack.click(message, "quote_send")
    [post] = slack.fake.method_calls("chat.postMessage")
    assert section_texts(post.body) == [body]
    assert passage.text.count("&") > 50


@pytest.mark.parametrize(
    "how",
    [
        {"secret": "0" * 32},
        {"timestamp": int(time.time()) - 600},
    ],
    ids=["bad-signature", "stale-timestamp"],
)
async def test_forged_or_stale_requests_are_refused(slack, how) -> None:
    """A bad signature or a timestamp over 5 minutes old gets 401 and changes nothing."""
    first = await slack.ask("layoffs")
    refused = await slack.post(slack.action_body(button(first, "quote_send")), **how)
    assert refused.status == 401
    refused = await slack.post(slack.command_body("layoffs"), **how)
    assert refused.status == 401
    # A genuine request afterwards is answered: only it and the first show up at the fake.
    await slack.ask("help")
    assert len(slack.fake.responses) == 2
    assert slack.fake.method_calls("chat.postMessage") == []


async def test_a_redelivered_send_posts_once(slack) -> None:
    """Slack's retry of the same Send (X-Slack-Retry-Num) is acked but not posted again."""
    first = await slack.ask("layoffs")
    body = slack.action_body(button(first, "quote_send"))
    assert (await slack.post(body)).status == 200
    await slack.fake.wait_for_responses(2)
    retried = await slack.post(
        body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retried.status == 200
    await slack.ask("help")  # once this is answered, a second post would have been made
    assert len(slack.fake.method_calls("chat.postMessage")) == 1
    assert len(slack.fake.responses) == 3


async def test_a_redelivered_command_answers_once(slack) -> None:
    """A slash command delivered twice (same trigger id) is answered once."""
    body = slack.command_body("layoffs")
    assert (await slack.post(body)).status == 200
    assert (await slack.post(body, headers={"X-Slack-Retry-Num": "1"})).status == 200
    await slack.ask("help")
    assert [r.method for r in slack.fake.responses] == ["command-1", "command-2"]


async def test_a_double_click_on_send_posts_once(slack) -> None:
    """Two presses of the same Send (two deliveries) share the quote once."""
    first = await slack.ask("layoffs")
    send = button(first, "quote_send")
    assert (await slack.press(send)).status == 200
    assert (await slack.press(send)).status == 200
    await slack.fake.wait_for_responses(2)
    await slack.ask("help")
    assert len(slack.fake.method_calls("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("not_in_channel", "Add me with `/invite @quotebot`, then press *Send* again."),
        ("channel_not_found", "I can't see this channel"),
        ("is_archived", "This channel is archived"),
        ("restricted_action", "don't allow me to post in this channel"),
        ("fatal_error", "Slack didn't accept the message (`fatal_error`)."),
    ],
)
async def test_web_api_errors_become_a_message_and_a_log_line(
    slack, caplog: pytest.LogCaptureFixture, error: str, words: str
) -> None:
    """A refused chat.postMessage is explained to the user; the preview stays; it is logged."""
    caplog.set_level(logging.WARNING, logger="adapters.slack")
    slack.fake.fail("chat.postMessage", error)
    first = await slack.ask("layoffs")
    explained = await slack.click(first, "quote_send")
    assert words in section_texts(explained)[0]
    assert explained["response_type"] == "ephemeral"
    assert explained["replace_original"] is False
    assert "delete_original" not in explained
    assert f"chat.postMessage to C2147483705 failed: {error}" in caplog.messages
    # Pressing Send again, once the cause is fixed, works.
    gone = await slack.click(first, "quote_send")
    assert gone["delete_original"] is True
    assert len(slack.fake.method_calls("chat.postMessage")) == 2


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk waits Retry-After plus up to a second of jitter: drop the jitter."""
    monkeypatch.setattr(builtin_async_handlers.random, "random", lambda: 0.0)


async def test_a_rate_limited_send_is_retried_after_retry_after(slack, no_jitter) -> None:
    """A 429 on chat.postMessage is retried after Retry-After, and the quote is posted once."""
    slack.fake.rate_limit("chat.postMessage", retry_after=0)
    first = await slack.ask("layoffs")
    gone = await slack.click(first, "quote_send")
    assert gone["delete_original"] is True
    assert len(slack.fake.method_calls("chat.postMessage")) == 2


async def test_persistent_rate_limiting_is_explained(
    slack, no_jitter, caplog: pytest.LogCaptureFixture
) -> None:
    """When Slack keeps answering 429, the user is asked to try again later."""
    caplog.set_level(logging.WARNING, logger="adapters.slack")
    slack.fake.rate_limit("chat.postMessage", retry_after=0, times=3)
    first = await slack.ask("layoffs")
    explained = await slack.click(first, "quote_send")
    assert section_texts(explained) == [
        "Slack is asking me to slow down. Please press *Send* again in a minute."
    ]
    assert len(slack.fake.method_calls("chat.postMessage")) == 3
    assert "chat.postMessage to C2147483705 failed: ratelimited" in caplog.messages


class SlowLibrary:
    """The real library, but every search waits until the test opens the gate."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.gate = threading.Event()
        self.searches = 0

    def search(self, *args, **kwargs):
        self.searches += 1
        # Bounded, so a regression (search on the event loop) fails instead of hanging.
        self.gate.wait(timeout=5)
        return self.library.search(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.library, name)


async def test_the_ack_does_not_wait_for_a_slow_search(make_slack, seed_library) -> None:
    """While a search is stuck, /quote and Next are still acked well within 3 seconds."""
    slow = SlowLibrary(seed_library)
    slack = await make_slack(slow)
    try:
        reply = await slack.command("layoffs")
        assert reply.status == 200
        assert reply.seconds < 1.0
        assert slack.fake.responses == []
        slow.gate.set()
        [answer] = await slack.fake.wait_for_responses(1)
        assert context_texts(answer.body)[-1] == "1 of 3 for “layoffs”"
        slow.gate.clear()
        reply = await slack.press(button(answer.body, "quote_next"))
        assert reply.status == 200
        assert reply.seconds < 1.0
        assert len(slack.fake.responses) == 1
        slow.gate.set()
        responses = await slack.fake.wait_for_responses(2)
        assert context_texts(responses[1].body)[-1] == "2 of 3 for “layoffs”"
        assert slow.searches == 2
    finally:
        slow.gate.set()


class BrokenLibrary:
    """A library whose search fails unexpectedly."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def search(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    def __getattr__(self, name: str):
        return getattr(self.library, name)


async def test_an_unexpected_error_is_logged_and_apologised_for(
    make_slack, seed_library, caplog: pytest.LogCaptureFixture
) -> None:
    """A crash in a listener reaches bolt's error hook: logged with its trace, user told."""
    slack = await make_slack(BrokenLibrary(seed_library))
    message = await slack.ask("layoffs")
    assert message["text"] == "Sorry, something went wrong on my side. Please try again."
    assert buttons(message) == []
    [record] = [r for r in caplog.records if r.name == "adapters.slack.app"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and "disk on fire" in str(record.exc_info[1])


ABSURD_TITLE = "Amazon & <Meta> culture <!channel> " * 150


@pytest.fixture
def long_titles_library(tmp_path: Path) -> Library:
    """Sections whose titles are thousands of characters of `&`, `<` and `>`."""
    sections = "".join(
        f"### {ABSURD_TITLE}{n}\nWalt 00:00:0{n}:\n\nThe weather was fine on day {n}.\n\n"
        for n in range(1, 5)
    )
    text = f"---\npodcast_name: Pod\nepisode_title: Titles\n---\n{sections}"
    write_transcript(tmp_path / "titles", "titles.txt", text)
    library = Library.load(tmp_path / "titles", tmp_path / "titles-index.sqlite3")
    yield library
    library.close()


async def test_no_match_with_absurd_section_titles_still_answers(
    make_slack, long_titles_library
) -> None:
    """Nearest sections with 5,000-character titles full of `&<>`: still the friendly no-match
    answer (each title shortened, the whole within a section), never the apology."""
    slack = await make_slack(long_titles_library)
    message = await slack.ask('"culture meta amazon"')
    assert_inert(message)
    [text] = section_texts(message)
    assert len(text) <= 3000
    lines = text.split("\n")
    assert lines[0] == 'No quotes match “"culture meta amazon"”.'
    assert lines[1].startswith("Nearest sections: *Amazon &amp; &lt;Meta&gt; culture")
    assert lines[1].count('…* (`/quote in:"Amazon &amp; &lt;Meta&gt; culture') == 3
    assert lines[-1] == "Try fewer or other words, or `/quote help` for examples."


async def test_control_characters_in_a_query_cannot_break_the_buttons(slack) -> None:
    """400 control characters around a word: dropped from the query, so the preview renders
    (each would be six characters of JSON in every button value)."""
    message = await slack.ask("\x01" * 400 + " layoffs \x7f")
    assert context_texts(message)[-1] == "1 of 3 for “layoffs”"
    assert all(len(b["value"]) <= 2000 for b in buttons(message))


async def wait_for_log(caplog: pytest.LogCaptureFixture, *words: str, timeout: float = 5.0) -> None:
    """Wait until a log message containing one of `words` was recorded."""
    deadline = time.monotonic() + timeout
    while not any(w in message for message in caplog.messages for w in words):
        assert time.monotonic() < deadline, f"no log line with any of {words!r}"
        await asyncio.sleep(0.01)


async def test_a_failed_preview_delete_after_send_is_harmless(
    slack, no_jitter, caplog: pytest.LogCaptureFixture
) -> None:
    """The post succeeds but deleting the preview through response_url fails: logged, no
    apology, and pressing Send again on the preview that stayed does not post twice."""
    caplog.set_level(logging.INFO, logger="adapters.slack")
    slack.fake.drop_deletes()
    first = await slack.ask("layoffs")
    send = button(first, "quote_send")
    assert (await slack.press(send)).status == 200
    await wait_for_log(caplog, "could not delete the preview", "unhandled error in on_send")
    assert not any(r.levelno >= logging.ERROR for r in caplog.records), caplog.messages
    assert (
        "shared a quote in C2147483705 but could not delete the preview (ServerDisconnectedError)"
        in caplog.messages
    )
    assert (await slack.press(send)).status == 200
    await wait_for_log(caplog, "ignored a second Send of the same preview in C2147483705")
    assert len(slack.fake.method_calls("chat.postMessage")) == 1
    # The delete, tried twice by slack_sdk; no apology or other answer.
    assert [r.body for r in slack.fake.responses[1:]] == [{"text": "", "delete_original": True}] * 2

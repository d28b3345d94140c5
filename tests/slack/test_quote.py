"""/quote and its preview buttons, end to end: signed HTTP in, response_url and Web API out."""

from __future__ import annotations

import random

from slack_bench import CHANNEL, USER, button, buttons, context_texts, section_texts

from adapters.slack import messages as slack_messages
from adapters.slack.state import View
from bot import Library, messages


def attribution_of(hit) -> str:
    episode = hit.episode
    return f"{hit.speaker} · {hit.section} · {hit.timestamp} · {episode.podcast} — {episode.title}"


async def test_quote_answers_with_a_private_preview(slack, seed_library: Library) -> None:
    """`/quote layoffs` acks at once and answers privately: quote, attribution, 1 of 3, buttons."""
    reply = await slack.command("layoffs")
    assert reply.status == 200
    assert reply.text == ""
    [response] = await slack.fake.wait_for_responses(1)
    message = response.body
    top = seed_library.search("layoffs", limit=1).hits[0]
    start, end = top.highlights[0]
    assert message["response_type"] == "ephemeral"
    assert section_texts(message) == [
        ">" + top.text[:start] + "*" + top.text[start:end] + "*" + top.text[end:]
    ]
    assert context_texts(message) == [attribution_of(top), "1 of 3 for “layoffs”"]
    assert [(b["action_id"], b["text"]["text"]) for b in buttons(message)] == [
        ("quote_send", "Send"),
        ("quote_card", "Card"),
        ("quote_next", "Next"),
        ("quote_context", "More context"),
        ("quote_cancel", "Cancel"),
    ]
    assert button(message, "quote_send")["style"] == "primary"
    assert View.decode(button(message, "quote_send")["value"]) == View("layoffs", 0, top.key)
    assert message["text"].startswith("“" + top.text[:20])
    assert slack.fake.method_calls("chat.postMessage") == []


async def test_next_and_previous_page_through_the_hits(slack, seed_library: Library) -> None:
    """Next shows hit 2 of 3 in place of the preview, Previous goes back, the last has no Next."""
    hits = seed_library.search("layoffs", limit=3).hits
    first = await slack.ask("layoffs")
    second = await slack.click(first, "quote_next")
    assert second["replace_original"] is True
    assert context_texts(second) == [attribution_of(hits[1]), "2 of 3 for “layoffs”"]
    assert [b["action_id"] for b in buttons(second)] == [
        "quote_send",
        "quote_card",
        "quote_previous",
        "quote_next",
        "quote_context",
        "quote_cancel",
    ]
    third = await slack.click(second, "quote_next")
    assert context_texts(third) == [attribution_of(hits[2]), "3 of 3 for “layoffs”"]
    assert "quote_next" not in [b["action_id"] for b in buttons(third)]
    back = await slack.click(third, "quote_previous")
    assert context_texts(back) == context_texts(second)
    assert section_texts(back) == section_texts(second)


async def test_more_context_widens_the_excerpt_with_its_neighbours(
    slack, seed_library: Library
) -> None:
    """More context redraws the preview with the passages before and after, in order."""
    hit = seed_library.search("layoffs", limit=1).hits[0]
    context = seed_library.context(hit, before=1, after=1)
    first = await slack.ask("layoffs")
    wider = await slack.click(first, "quote_context")
    [body] = section_texts(wider)
    assert wider["replace_original"] is True
    assert context.before and context.after
    for passage in context.passages:
        assert passage.text[:30] in body
    assert body.index(context.before[0].text[:40]) < body.index("*layoffs*")
    assert body.index("*layoffs*") < body.index(context.after[0].text[:40])
    assert {p.speaker for p in context.passages} == {hit.speaker}
    assert f"*{hit.speaker}:*" not in body
    assert View.decode(button(wider, "quote_context")["value"]).context == 2
    assert context_texts(wider)[-1] == "1 of 3 for “layoffs”"


async def test_cancel_deletes_the_preview(slack) -> None:
    """Cancel asks Slack to delete the ephemeral preview, and posts nothing."""
    first = await slack.ask("layoffs")
    gone = await slack.click(first, "quote_cancel")
    assert gone["delete_original"] is True
    assert slack.fake.method_calls("chat.postMessage") == []


async def test_send_posts_to_the_channel_and_deletes_the_preview(
    slack, seed_library: Library
) -> None:
    """Send posts the quote as the user's share via chat.postMessage, then deletes the preview."""
    hit = seed_library.search("layoffs", limit=1).hits[0]
    first = await slack.ask("layoffs")
    gone = await slack.click(first, "quote_send")
    assert gone["delete_original"] is True
    [post] = slack.fake.method_calls("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    assert post.body["unfurl_links"] is False
    assert "link_names" not in post.body and "parse" not in post.body
    assert section_texts(post.body) == section_texts(first)
    assert context_texts(post.body) == [attribution_of(hit), f"shared by <@{USER}>"]
    assert buttons(post.body) == []
    assert post.body["text"] == first["text"]
    assert post.headers["Authorization"] == "Bearer xoxb-1111-2222-testtoken"


async def test_send_after_more_context_posts_the_wider_excerpt(slack) -> None:
    """What was previewed is what is shared: a widened preview is sent widened."""
    first = await slack.ask("layoffs")
    wider = await slack.click(first, "quote_context")
    await slack.click(wider, "quote_send")
    [post] = slack.fake.method_calls("chat.postMessage")
    assert section_texts(post.body) == section_texts(wider)


async def test_buttons_work_after_a_restart(make_slack, seed_library: Library) -> None:
    """Buttons carry their state: a second app (a restarted bot) answers the first one's preview."""
    before = await make_slack()
    first = await before.ask("layoffs")
    after = await make_slack()
    second = await after.click(first, "quote_next")
    assert context_texts(second)[-1] == "2 of 3 for “layoffs”"


async def test_help_explains_usage_and_lists_sections(slack, seed_library: Library) -> None:
    """`/quote` alone and `/quote help` show examples and the library's sections, truncated."""
    titles = [section.title for section in seed_library.sections()]
    for text in ("", "help"):
        message = await slack.ask(text)
        usage, listing = section_texts(message)
        examples = seed_library.examples
        assert f"`/quote {examples.word}`" in usage
        assert f"`/quote {examples.speaker_query}`  only what Stefan Mai said" in usage
        assert "`/quote random`" in usage
        assert listing.startswith(f"*Sections ({len(titles)}):* {titles[0]} · {titles[1]}")
        assert listing.endswith(" … and 1 more")
        assert len(listing) < 1500
        assert buttons(message) == []


async def test_random_gives_a_random_quote_and_another(slack, seed_library: Library) -> None:
    """`/quote random` previews a random passage; Another replaces it with a new one."""
    rng = random.Random(7)
    expected = [seed_library.random(rng), seed_library.random(rng)]
    first = await slack.ask("random")
    assert context_texts(first) == [attribution_of(expected[0]), "Random quote"]
    assert [b["action_id"] for b in buttons(first)] == [
        "quote_send",
        "quote_card",
        "quote_shuffle",
        "quote_context",
        "quote_cancel",
    ]
    another = await slack.click(first, "quote_shuffle")
    assert another["replace_original"] is True
    assert context_texts(another) == [attribution_of(expected[1]), "Random quote"]
    wider = await slack.click(another, "quote_context")
    assert expected[1].text[:40] in section_texts(wider)[0]
    assert len(section_texts(wider)[0]) > len(expected[1].text)


async def test_typo_correction_is_shown(slack, seed_library: Library) -> None:
    """A misspelt query is read as the nearest word, and the preview says so."""
    message = await slack.ask("layofs")
    hit = seed_library.search("layoffs", limit=1).hits[0]
    assert context_texts(message) == [
        messages.SHOWING_RESULTS_FOR.format(query="*layoffs*"),
        attribution_of(hit),
        "1 of 3 for “layofs”",
    ]


async def test_filters_work_as_typed(slack, seed_library: Library) -> None:
    """`speaker:stefan writing` only finds Stefan, and Next keeps the filter."""
    result = seed_library.search("speaker:stefan writing", limit=2)
    first = await slack.ask("speaker:stefan writing")
    assert context_texts(first) == [
        attribution_of(result.hits[0]),
        f"1 of {result.total} for “speaker:stefan writing”",
    ]
    second = await slack.click(first, "quote_next")
    assert context_texts(second)[0] == attribution_of(result.hits[1])
    assert context_texts(second)[0].startswith("Stefan Mai · ")


async def test_unknown_filter_value_shows_the_core_message(slack) -> None:
    """An unknown speaker gets the core's message listing the speakers it knows."""
    message = await slack.ask("speaker:bob layoffs")
    assert section_texts(message) == [
        "No speaker matches “bob”. Known speakers: Ryan Peterman, Stefan Mai"
    ]
    assert buttons(message) == []


async def test_empty_query_after_filters_shows_the_core_message(slack) -> None:
    """A filter without a value is explained, not crashed on."""
    message = await slack.ask('speaker:"" layoffs')
    assert section_texts(message) == ["`speaker:` needs a value, e.g. `speaker:stefan`."]


async def test_no_match_is_friendly_and_suggests_sections(slack) -> None:
    """No hits: the query back, and the nearest section titles to try."""
    message = await slack.ask('"meta culture amazon"')
    [text] = section_texts(message)
    lines = text.split("\n")
    assert lines[0] == 'No quotes match “"meta culture amazon"”.'
    assert lines[1].startswith(
        'Nearest sections: *Amazon vs Meta culture* (`/quote in:"Amazon vs Meta culture"`), '
    )
    assert lines[-1] == "Try fewer or other words, or `/quote help` for examples."
    assert buttons(message) == []


async def test_no_match_names_words_found_nowhere(slack) -> None:
    """Words that resemble nothing are named; no suggestion is forced."""
    message = await slack.ask("zzqxj")
    assert section_texts(message) == [
        "No quotes match “zzqxj”.\nThese words appear nowhere: zzqxj.\n"
        "Try fewer or other words, or `/quote help` for examples."
    ]


async def test_an_unreadable_button_value_is_answered_not_crashed_on(slack) -> None:
    """A button value this app did not write (an old version's) says the preview expired."""
    fake_button = {"action_id": "quote_next", "value": "v1|layoffs|2", "text": {"text": "Next"}}
    await slack.press(fake_button)
    [response] = await slack.fake.wait_for_responses(1)
    assert section_texts(response.body) == [slack_messages.EXPIRED]


class CountingLibrary:
    """The real library, recording the `source` of every search (what the metrics count)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.sources: list[str] = []

    def search(self, *args, **kwargs):
        self.sources.append(kwargs.get("source", "cli"))
        return self.library.search(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.library, name)


async def test_only_typed_queries_count_as_slack_searches(make_slack, seed_library) -> None:
    """A typed query is one "slack" search, a no-match included (its suggestions need no second
    search); Next, More context and Send look it up again as "slack-button"."""
    counting = CountingLibrary(seed_library)
    slack = await make_slack(counting)
    first = await slack.ask("layoffs")
    assert counting.sources == ["slack"]
    second = await slack.click(first, "quote_next")
    wider = await slack.click(second, "quote_context")
    await slack.click(wider, "quote_send")
    assert counting.sources == ["slack"] + ["slack-button"] * 3
    counting.sources.clear()
    nothing = await slack.ask('"meta culture amazon"')
    assert section_texts(nothing)[0].startswith('No quotes match “"meta culture amazon"”.')
    assert "Nearest sections: *Amazon vs Meta culture*" in section_texts(nothing)[0]
    assert counting.sources == ["slack"]


async def test_a_page_past_the_end_shows_the_last_hit(slack, seed_library: Library) -> None:
    """A Next button from before the library shrank: the last hit, not a no-match."""
    hits = seed_library.search("layoffs", limit=3).hits
    stale = {
        "action_id": "quote_next",
        "value": View("layoffs", 7).encode(),
        "text": {"type": "plain_text", "text": "Next"},
    }
    await slack.press(stale)
    [response] = await slack.fake.wait_for_responses(1)
    assert context_texts(response.body) == [
        messages.PAST_THE_END,
        attribution_of(hits[2]),
        "3 of 3 for “layoffs”",
    ]

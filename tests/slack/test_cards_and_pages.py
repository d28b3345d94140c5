"""The quote card and the quote page in Slack: a Card button beside Send, and page links."""

from __future__ import annotations

from slack_bench import CHANNEL, USER, button, buttons, context_texts

from bot import Library

PUBLIC = "https://quotes.example.com"


async def test_the_preview_offers_a_card_beside_send(slack) -> None:
    """The preview's buttons are Send, then Card."""
    message = await slack.ask("layoffs")
    assert [b["action_id"] for b in buttons(message)][:2] == ["quote_send", "quote_card"]
    assert button(message, "quote_card")["text"]["text"] == "Card"


async def test_card_posts_the_png_with_the_quote_as_text(slack, seed_library: Library) -> None:
    """Card uploads the 1200×630 PNG with files_upload_v2 and the quote as its comment, then
    deletes the preview."""
    top = seed_library.search("layoffs", limit=1).hits[0]
    preview = await slack.ask("layoffs")
    await slack.press(button(preview, "quote_card"))
    [deleted] = (await slack.fake.wait_for_responses(2))[1:]
    assert deleted.body["delete_original"] is True
    [asked] = slack.fake.method_calls("files.getUploadURLExternal")
    assert asked.body["filename"] == f"quote-{top.key.replace(':', '-')}.png"
    [png] = slack.fake.uploads.values()
    assert png.startswith(b"\x89PNG") and int(asked.body["length"]) == len(png)
    [shared] = slack.fake.method_calls("files.completeUploadExternal")
    assert shared.body["channel_id"] == CHANNEL
    comment = shared.body["initial_comment"]
    assert "*layoffs*" in comment and f"shared by <@{USER}>" in comment
    assert "Stefan Mai · Are managers harder to layoff? · 00:40:49" in comment
    assert slack.fake.method_calls("chat.postMessage") == []


async def test_card_where_the_bot_cannot_post_keeps_the_preview(slack) -> None:
    """A channel that refuses the file gets the reason, and the preview stays for a retry."""
    slack.fake.rejecting[CHANNEL] = "not_in_channel"
    preview = await slack.ask("layoffs")
    await slack.press(button(preview, "quote_card"))
    [notice] = (await slack.fake.wait_for_responses(2))[1:]
    assert "/invite @quotebot" in notice.body["text"]
    assert notice.body["replace_original"] is False


async def test_a_hostile_transcript_cannot_mention_through_the_card_comment(
    make_slack, tmp_path
) -> None:
    """The card's comment escapes the quote like every other text: no <!channel>."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ep.txt").write_text(
        "---\npodcast_name: P\nepisode_title: E\n---\nTranscript\n### S\n"
        "Ann 00:00:01:\n\nHey <!channel> and <@U999> look at these layoffs right now please.\n",
        encoding="utf-8",
    )
    library = Library.load(corpus, tmp_path / "i.sqlite3")
    slack = await make_slack(library)
    preview = await slack.ask("layoffs")
    await slack.press(button(preview, "quote_card"))
    await slack.fake.wait_for_responses(2)
    [shared] = slack.fake.method_calls("files.completeUploadExternal")
    comment = shared.body["initial_comment"]
    assert "<!channel>" not in comment and "<@U999>" not in comment
    assert "&lt;!channel&gt;" in comment
    library.close()


async def test_answers_link_their_quote_page_when_a_public_url_is_set(
    make_slack, seed_library: Library
) -> None:
    """With QUOTEBOT_PUBLIC_URL, the preview and the shared message link the quote's page."""
    top = seed_library.search("layoffs", limit=1).hits[0]
    slack = await make_slack(public_url=PUBLIC)
    preview = await slack.ask("layoffs")
    page = f"<{PUBLIC}/q/{top.key}|Quote page>"
    assert page in context_texts(preview)
    await slack.press(button(preview, "quote_send"))
    await slack.fake.wait_for_responses(2)
    [posted] = slack.fake.method_calls("chat.postMessage")
    assert page in str(posted.body["blocks"])


async def test_answers_say_nothing_about_pages_without_a_public_url(slack) -> None:
    """Without QUOTEBOT_PUBLIC_URL no answer mentions a page."""
    preview = await slack.ask("layoffs")
    assert not any("Quote page" in text for text in context_texts(preview))


async def test_the_card_comment_links_the_page_when_a_public_url_is_set(
    make_slack, seed_library: Library
) -> None:
    """With QUOTEBOT_PUBLIC_URL the card's text links the quote's page; alt text is set."""
    top = seed_library.search("layoffs", limit=1).hits[0]
    slack = await make_slack(public_url=PUBLIC)
    preview = await slack.ask("layoffs")
    await slack.press(button(preview, "quote_card"))
    await slack.fake.wait_for_responses(2)
    [shared] = slack.fake.method_calls("files.completeUploadExternal")
    assert f"<{PUBLIC}/q/{top.key}|Quote page>" in shared.body["initial_comment"]
    [asked] = slack.fake.method_calls("files.getUploadURLExternal")
    assert asked.body["alt_txt"].startswith("“I think if the assumption")

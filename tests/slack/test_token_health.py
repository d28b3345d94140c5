"""A bot token Slack rejects: refused at start in one line naming SLACK_BOT_TOKEN, reported by
/readyz when Slack starts rejecting it later, and never answered with "try again in a moment"."""

from __future__ import annotations

import asyncio
import socket

import pytest
from slack_bench import BOT_TOKEN, SIGNING_SECRET, FakeSlack, section_texts, slack_settings
from slack_sdk.errors import SlackApiError

from adapters.slack.app import create_client
from adapters.slack.token_health import verify_token, watch_token
from bot import QuotebotError
from bot.cli.command import main


def slack_environment(monkeypatch: pytest.MonkeyPatch, tmp_path, api_url: str) -> None:
    for name in ("SLACK_APP_TOKEN", "DISCORD_TOKEN", "QUOTEBOT_ADVICE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", api_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    monkeypatch.setenv("QUOTEBOT_INDEX", str(tmp_path / "index.sqlite3"))


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked", "account_inactive"])
async def test_a_token_slack_rejects_stops_the_bot_in_one_line(
    error: str,
    fake_slack: FakeSlack,
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`quotebot slack` checks the token with auth.test before listening: exit 2, one line."""
    slack_environment(monkeypatch, tmp_path, fake_slack.api_url)
    fake_slack.fail("auth.test", error)
    # main() runs its own event loop: off this test's loop, which serves the fake.
    assert await asyncio.to_thread(main, ["slack", "--port", "0"]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(f"quotebot slack: SLACK_BOT_TOKEN was rejected by Slack ({error}): ")
    assert BOT_TOKEN not in last


async def test_slack_not_answering_at_start_is_one_line(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Web API nothing answers (SLACK_API_URL, a proxy, no network): one line, exit 2."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    slack_environment(monkeypatch, tmp_path, f"http://127.0.0.1:{dead}/api/")
    assert await asyncio.to_thread(main, ["slack", "--port", "0"]) == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith(f"quotebot slack: could not reach Slack at http://127.0.0.1:{dead}/api/")
    assert "Traceback" not in err


async def test_verify_token_accepts_a_good_token(fake_slack: FakeSlack) -> None:
    """auth.test answering ok is a pass (and tells who the bot is)."""
    answer = await verify_token(create_client(slack_settings(fake_slack)), None)
    assert answer["ok"] is True


async def test_a_token_revoked_while_running_shows_in_readiness(fake_slack: FakeSlack) -> None:
    """The watcher reads every answer: token_revoked fails the readiness check with a line
    naming SLACK_BOT_TOKEN; an accepted call later clears it."""
    client = create_client(slack_settings(fake_slack))
    health = watch_token(client)
    assert watch_token(client) is health  # one watcher per client
    assert health.check()
    fake_slack.fail("chat.postMessage", "token_revoked")
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", text="hi")
    with pytest.raises(QuotebotError, match=r"^SLACK_BOT_TOKEN was rejected by Slack \(token_"):
        health.check()
    await client.auth_test()
    assert health.check()


@pytest.mark.parametrize("error", ["token_revoked", "invalid_auth"])
async def test_send_with_a_rejected_token_does_not_say_try_again(slack, error: str) -> None:
    """Send refused for the token: the user is told an admin must reinstall the app, not to
    try again in a moment (which would fail the same way)."""
    slack.fake.fail("chat.postMessage", error)
    first = await slack.ask("layoffs")
    explained = section_texts(await slack.click(first, "quote_send"))[0]
    assert "reinstall the app" in explained and f"`{error}`" in explained
    assert "try again in a moment" not in explained.lower()


async def test_an_app_token_slack_rejects_stops_socket_mode_in_one_line(
    fake_slack: FakeSlack,
    tmp_path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Socket Mode with an app token Slack refuses (apps.connections.open: invalid_auth): one
    line naming SLACK_APP_TOKEN, exit 2."""
    slack_environment(monkeypatch, tmp_path, fake_slack.api_url)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0000-1111-abcdefabcdef")
    fake_slack.fail("apps.connections.open", "invalid_auth", times=5)
    assert await asyncio.to_thread(main, ["slack", "--port", "0"]) == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith("quotebot slack: SLACK_APP_TOKEN was rejected by Slack (invalid_auth)")
    assert "Traceback" not in err and "xapp-1-A0000" not in err

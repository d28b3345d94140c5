"""Running the adapter: the manifest, the HTTP server, SLACK_API_URL, token checks, boundaries."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml
from slack_bench import (
    BOT_TOKEN,
    SIGNING_SECRET,
    context_texts,
    payload,
    section_texts,
    slack_settings,
)

from adapters.slack import COMMANDS, create_app, create_client, create_web_app
from adapters.slack.server import connect_socket_mode, serve_http
from bot.cli import command as cli

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "deploy" / "slack-manifest.yml"
SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")


def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_lists_exactly_the_registered_commands() -> None:
    """deploy/slack-manifest.yml declares the same slash commands the app registers."""
    declared = [command["command"] for command in manifest()["features"]["slash_commands"]]
    assert declared == list(COMMANDS)


def test_manifest_asks_for_the_least_scopes_and_interactivity() -> None:
    """Bot scopes: commands + chat:write (+ chat:write.public) for /quote; users:read,
    channels:read/groups:read and channels:history/groups:history for daily advice, each
    justified in the manifest; buttons reach /slack/events."""
    data = manifest()
    assert data["oauth_config"]["scopes"] == {
        "bot": [
            "commands",
            "chat:write",
            "chat:write.public",
            "users:read",
            "channels:read",
            "groups:read",
            "channels:history",
            "groups:history",
        ]
    }
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    for command in data["features"]["slash_commands"]:
        assert command["url"].endswith("/slack/events")
        assert command["should_escape"] is False


async def test_every_manifest_command_is_answered_and_no_other(slack) -> None:
    """Each command in the manifest gets a 200 and an answer; an undeclared one gets 404."""
    declared = [command["command"] for command in manifest()["features"]["slash_commands"]]
    for n, command in enumerate(declared, start=1):
        reply = await slack.command("help", command=command)
        assert reply.status == 200
        [*_, answer] = await slack.fake.wait_for_responses(n)
        assert re.match(rf"\*{re.escape(command)}[ *]", section_texts(answer.body)[0])
    reply = await slack.command("help", command="/quote-something-else")
    assert reply.status == 404


async def test_slack_api_url_is_used_for_every_web_api_call(fake_slack, seed_library) -> None:
    """SLACK_API_URL sets the client's base URL; auth.test and posts reach it with the token."""
    settings = slack_settings(fake_slack)
    client = create_client(settings)
    assert client.base_url == fake_slack.api_url
    assert create_client(
        slack_settings(fake_slack, SLACK_API_URL="http://127.0.0.1:9/x")
    ).base_url == ("http://127.0.0.1:9/x/")
    app = create_app(seed_library, settings)
    response = await app.client.auth_test()
    assert response["user_id"] == "U0BOT"
    [call] = fake_slack.method_calls("auth.test")
    assert call.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


async def test_http_server_serves_health_and_events(fake_slack, seed_library) -> None:
    """The web app answers GET /healthz; /slack/events refuses an unsigned request."""
    web_app = create_web_app(create_app(seed_library, slack_settings(fake_slack)))
    runner = await serve_http(web_app, "127.0.0.1", 0)
    try:
        host, port = runner.addresses[0][:2]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{host}:{port}/healthz") as response:
                assert response.status == 200
                assert await response.json() == {"status": "ok"}
            async with session.post(f"http://{host}:{port}/slack/events", data="x=1") as response:
                assert response.status == 401
    finally:
        await runner.cleanup()


async def test_health_only_web_app_has_no_slack_endpoint() -> None:
    """Without a bolt app (Socket Mode), the web app serves health checks but no Slack route."""
    runner = await serve_http(create_web_app(None), "127.0.0.1", 0)
    try:
        host, port = runner.addresses[0][:2]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{host}:{port}/healthz") as response:
                assert response.status == 200
            async with session.post(f"http://{host}:{port}/slack/events", data="x=1") as response:
                assert response.status == 404
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from"),
        (
            {"SLACK_BOT_TOKEN": "xoxp-user-token-0123456789"},
            "SLACK_BOT_TOKEN should start with xoxb-",
        ),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET is not set (needed in HTTP mode)"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": "hunter2 is my password"},
            "SLACK_SIGNING_SECRET does not look like a signing secret",
        ),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-wrong-kind-0123456789"},
            "SLACK_APP_TOKEN should start with xapp-",
        ),
        (
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": "slack.example.com",
            },
            "SLACK_API_URL should be an http(s) URL",
        ),
    ],
    ids=["no-bot-token", "user-token", "no-secret", "bad-secret", "bad-app-token", "bad-url"],
)
def test_bad_tokens_stop_with_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], environ, expected
) -> None:
    """`quotebot slack` with a missing or malformed token: one line naming it, exit code 2."""
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["slack"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"quotebot slack: {expected}")
    assert err.count("\n") == 1
    for value in environ.values():
        if value.startswith(("xox", "hunter")):
            assert value not in err


def test_the_core_never_imports_slack_code() -> None:
    """Importing the core and building the CLI loads no Slack SDK and no adapter."""
    code = (
        "import sys, bot, bot.cli.command; bot.cli.command.build_parser(); "
        "print(sorted(m for m in sys.modules if 'slack' in m or m.startswith('adapters')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


async def test_socket_mode_answers_commands_once(fake_slack, seed_library) -> None:
    """With an app token, /quote arrives over Socket Mode (opened at SLACK_API_URL): each
    envelope is acked, the answer goes to response_url, and a redelivery is not answered again."""
    settings = slack_settings(fake_slack, SLACK_APP_TOKEN="xapp-1-A123-456-test")
    app = create_app(seed_library, settings)
    command = payload("slash_command") | {"response_url": fake_slack.response_url("socket")}
    envelope = {
        "envelope_id": "env-1",
        "type": "slash_commands",
        "payload": command,
        "accepts_response_payload": True,
        "retry_attempt": 0,
    }
    helped = command | {
        "text": "help",
        "trigger_id": "trigger.help",
        "response_url": fake_slack.response_url("socket-help"),
    }
    fake_slack.envelopes = [
        envelope,
        envelope | {"envelope_id": "env-2", "retry_attempt": 1},
        envelope | {"envelope_id": "env-3", "payload": helped},
    ]
    handler = await connect_socket_mode(app, settings.slack_app_token)
    try:
        acks = await fake_slack.wait_for_socket_acks(3)
        await fake_slack.wait_for_responses(2)
    finally:
        await handler.close_async()
    assert sorted(ack.body["envelope_id"] for ack in acks) == ["env-1", "env-2", "env-3"]
    [answer] = [r for r in fake_slack.responses if r.method == "socket"]
    [opened] = fake_slack.method_calls("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-1-A123-456-test"
    assert context_texts(answer.body)[-1] == "1 of 3 for “layoffs”"
    assert sorted(r.method for r in fake_slack.responses) == ["socket", "socket-help"]

"""Whether Slack still accepts the bot token: checked once at start (`auth.test`), then watched
on every Web API answer, so that `/readyz` says "SLACK_BOT_TOKEN was rejected" instead of
`slack: true` while every post fails.

bolt answers a rejected token with its stock "please reinstall" reply and keeps serving; a
token revoked while the bot runs (the app uninstalled) only shows in the error codes of later
calls. slack_sdk gives its clients one hook that sees every answer: the retry handlers. The
watcher is one that never asks for a retry; it only reads the error code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot import ConfigError, QuotebotError

from .delivery import TOKEN_ERRORS, error_code, is_transient

log = logging.getLogger(__name__)

APPS_PAGE = "https://api.slack.com/apps"


def rejected_text(code: str) -> str:
    """One line naming SLACK_BOT_TOKEN, what Slack said, and where to get a good token."""
    why = TOKEN_ERRORS.get(code, "Slack refused it")
    return (
        f"SLACK_BOT_TOKEN was rejected by Slack ({code}): {why}; copy the Bot User OAuth Token "
        f"from {APPS_PAGE} → your app → OAuth & Permissions (reinstall the app if it is gone)"
    )


@dataclass
class TokenHealth:
    """The last word Slack said about the token: None while it is accepted."""

    problem: str | None = None

    def check(self) -> bool:
        """A readiness check: True, or an error whose message says what is wrong."""
        if self.problem:
            raise QuotebotError(self.problem)
        return True


class TokenWatch(AsyncRetryHandler):
    """Reads every Web API answer of a client: a token error marks the token rejected, a
    successful answer marks it accepted again. Never asks for a retry."""

    def __init__(self, health: TokenHealth) -> None:
        super().__init__(max_retry_count=0)
        self.health = health

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        body = response.body if response is not None else None
        if isinstance(body, dict):
            code = str(body.get("error") or "")
            if code in TOKEN_ERRORS:
                if self.health.problem is None:
                    log.error("%s", rejected_text(code))
                self.health.problem = rejected_text(code)
            elif body.get("ok") and self.health.problem is not None:
                log.info("Slack accepts SLACK_BOT_TOKEN again")
                self.health.problem = None
        return False


def watch_token(client: AsyncWebClient, health: TokenHealth | None = None) -> TokenHealth:
    """Watch `client`'s answers (once per client); the health they keep up to date."""
    for handler in client.retry_handlers:
        if isinstance(handler, TokenWatch):
            return handler.health
    watcher = TokenWatch(health or TokenHealth())
    # First, so that it sees an answer before a retry handler acts on it.
    client.retry_handlers.insert(0, watcher)
    return watcher.health


async def verify_token(client: AsyncWebClient, settings: Any) -> dict[str, Any]:
    """`auth.test` at start: the workspace and bot it answers for, or ConfigError in one line
    naming SLACK_BOT_TOKEN (rejected) or SLACK_API_URL (Slack not reachable there)."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        code = error_code(exc)
        if code in TOKEN_ERRORS:
            raise ConfigError(rejected_text(code)) from None
        if is_transient(exc):
            raise ConfigError(
                f"Slack did not answer auth.test ({code}) at {client.base_url}: try again in a "
                "minute; check SLACK_API_URL if it is set"
            ) from None
        raise ConfigError(f"SLACK_BOT_TOKEN: Slack's auth.test refused it ({code})") from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise ConfigError(
            f"could not reach Slack at {client.base_url} ({type(exc).__name__}): check the "
            "network or proxy, and SLACK_API_URL if it is set"
        ) from None
    log.info("Slack accepts the bot token: %s in %s", response.get("user"), response.get("team"))
    return dict(response.data) if isinstance(response.data, dict) else {}


async def verify_app_token(client: AsyncWebClient, app_token: str) -> None:
    """Socket Mode's app token checked with `apps.connections.open` before connecting: the
    Socket Mode client would otherwise retry a refused token forever, silently to the user.
    ConfigError in one line naming SLACK_APP_TOKEN (or where Slack could not be reached)."""
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        code = error_code(exc)
        if is_transient(exc):
            raise ConfigError(
                f"Slack did not answer apps.connections.open ({code}) at {client.base_url}: "
                "try again in a minute"
            ) from None
        why = TOKEN_ERRORS.get(code, "Slack refused it")
        raise ConfigError(
            f"SLACK_APP_TOKEN was rejected by Slack ({code}): {why}; create an app-level token "
            f"with the connections:write scope at {APPS_PAGE} → your app → Basic Information "
            "→ App-Level Tokens, and turn Socket Mode on"
        ) from None
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise ConfigError(
            f"could not reach Slack at {client.base_url} ({type(exc).__name__}): check the "
            "network or proxy, and SLACK_API_URL if it is set"
        ) from None

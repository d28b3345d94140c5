"""The bolt AsyncApp: `/quote` and its preview buttons, wired to the core's Library.

Every listener acknowledges first and works after: the library is synchronous SQLite, so it
runs in a worker thread (`asyncio.to_thread`) and the event loop stays free to send the ack
within Slack's 3 seconds however slow a search is. Answers go back through `respond`
(the payload's `response_url`); shares go to the channel through `chat.postMessage`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot import AdviceService, Claims, Library, QueryError, Settings

from . import answers, blocks, daily
from .dedupe import redelivery_filter, remembered_deliveries
from .delivery import Delivered, post_message
from .guard import apologise as _apologise
from .guard import apologising as _apologising
from .state import View

log = logging.getLogger(__name__)

# The slash commands this app answers; deploy/slack-manifest.yml must list exactly these.
COMMANDS = (answers.COMMAND, daily.COMMAND)
DEFAULT_API_URL = "https://slack.com/api/"
# How often a rate-limited call is tried again, each after Slack's Retry-After.
RATE_LIMIT_RETRIES = 2
EXPIRED = "This preview has expired. Run `/quote` again."


def api_base_url(settings: Settings) -> str:
    """The Web API base URL: SLACK_API_URL when set (with the trailing slash slack_sdk needs)."""
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def create_client(settings: Settings) -> AsyncWebClient:
    """The Web API client for the bot token, at SLACK_API_URL, retrying 429s after Retry-After."""
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=api_base_url(settings))
    return with_rate_limit_retries(client)


def with_rate_limit_retries(client: AsyncWebClient) -> AsyncWebClient:
    """Add slack_sdk's rate-limit retry handler to `client` unless it has one."""
    if not any(isinstance(h, AsyncRateLimitErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
        )
    return client


class _IgnoredTokenWarning(logging.Filter):
    """Drops bolt's "`token` will be unused" warning: bolt reads SLACK_BOT_TOKEN from the
    environment even when it is given our client (built from that same token), so the warning
    is always printed and never true."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_IGNORED_TOKEN_WARNING = _IgnoredTokenWarning()


def create_app(
    library: Library,
    settings: Settings,
    client: AsyncWebClient | None = None,
    *,
    rng: random.Random | None = None,
    deliveries: Claims | None = None,
    advice: AdviceService | None = None,
) -> AsyncApp:
    """A bolt AsyncApp answering /quote from `library` and /quote-daily through `advice`
    (None: daily advice is not enabled); no network until a request arrives."""
    client = with_rate_limit_retries(client or create_client(settings))
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_IGNORED_TOKEN_WARNING)
    app = AsyncApp(
        client=client,
        # Never None: bolt would then read the environment behind the settings' back.
        signing_secret=settings.slack_signing_secret or "",
    )
    app.middleware(redelivery_filter(deliveries or remembered_deliveries()))
    daily_listeners = daily.DailyListeners(advice, anyone=settings.slack_daily_anyone)
    daily_listeners.register(app)
    QuoteListeners(
        library, rng or random.Random(), remembered_deliveries(), daily_listeners
    ).register(app)
    app.error(_on_error)
    return app


class QuoteListeners:
    """The listeners for /quote and its buttons; `shares` stops one preview being sent twice."""

    def __init__(
        self,
        library: Library,
        rng: random.Random,
        shares: Claims,
        daily_listeners: daily.DailyListeners | None = None,
    ) -> None:
        self.library = library
        self.rng = rng
        self.shares = shares
        self.daily = daily_listeners

    def register(self, app: AsyncApp) -> None:
        app.command(answers.COMMAND)(self.on_command)
        app.action(blocks.SEND)(self.on_send)
        app.action(blocks.PREVIOUS)(self.on_page)
        app.action(blocks.NEXT)(self.on_page)
        app.action(blocks.CONTEXT)(self.on_page)
        app.action(blocks.SHUFFLE)(self.on_shuffle)
        app.action(blocks.CANCEL)(self.on_cancel)

    @_apologising
    async def on_command(
        self,
        ack: AsyncAck,
        command: Mapping[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """`/quote …`: ack at once, then answer privately with a preview, help or a notice.
        `/quote daily on|off|status|now|help` is `/quote-daily`."""
        await ack()
        text = command.get("text", "")
        if self.daily is not None and daily.is_daily(text):
            name = f"{command.get('command') or answers.COMMAND} daily"
            rest = text.strip()[len("daily") :]
            await self.daily.answer(command, rest, respond, client, name)
            return
        message = await asyncio.to_thread(
            answers.for_command,
            self.library,
            command.get("text", ""),
            self.rng,
            command.get("command") or answers.COMMAND,
        )
        await respond(response_type="ephemeral", **message.as_kwargs())

    @_apologising
    async def on_page(
        self, ack: AsyncAck, action: Mapping[str, Any], respond: AsyncRespond
    ) -> None:
        """Previous / Next / More context: the preview redrawn for the view the button holds."""
        await ack()
        view = _view(action)
        if view is None:
            await respond(replace_original=True, **blocks.notice(EXPIRED).as_kwargs())
            return
        if view.is_random:
            message = await asyncio.to_thread(self._random_view, view)
        else:
            message = await asyncio.to_thread(
                answers.search,
                self.library,
                view,
                answers.COMMAND,
                answers.BUTTON_SOURCE,
            )
        await respond(replace_original=True, **message.as_kwargs())

    def _random_view(self, view: View) -> blocks.Message:
        try:
            hit = answers.shown_hit(self.library, view)
        except QueryError as exc:
            return answers.error_notice(exc)
        context = self.library.context(hit, view.context, view.context) if view.context else None
        return blocks.preview(hit, view, context=context)

    @_apologising
    async def on_shuffle(self, ack: AsyncAck, respond: AsyncRespond) -> None:
        """Another: a new random quote in place of the preview."""
        await ack()
        message = await asyncio.to_thread(answers.random_quote, self.library, self.rng)
        await respond(replace_original=True, **message.as_kwargs())

    @_apologising
    async def on_cancel(self, ack: AsyncAck, respond: AsyncRespond) -> None:
        """Cancel: the preview disappears."""
        await ack()
        await respond(delete_original=True)

    @_apologising
    async def on_send(
        self,
        ack: AsyncAck,
        action: Mapping[str, Any],
        body: Mapping[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """Send: post the quote to the channel as the user's share, then delete the preview.
        Once the post succeeded the share counts as done, whatever the delete does."""
        await ack()
        view = _view(action)
        channel = _channel_id(body)
        user = (body.get("user") or {}).get("id", "")
        if view is None or not channel:
            await respond(replace_original=True, **blocks.notice(EXPIRED).as_kwargs())
            return
        container = body.get("container") or {}
        share_key = f"{channel}:{container.get('message_ts', '')}:{user}:{view.encode()}"
        if not self.shares.claim(share_key):
            log.info("ignored a second Send of the same preview in %s", channel)
            return
        delivered = False
        try:
            delivered = await self._share(view, channel, user, respond, client)
        finally:
            if not delivered:
                # The preview stays, so the user can fix the cause and press Send again.
                self.shares.release(share_key)
        if delivered:
            # Only now, so that nothing going wrong here can release the key and repost.
            await _delete_preview(respond, channel)

    async def _share(
        self, view: View, channel: str, user: str, respond: AsyncRespond, client: AsyncWebClient
    ) -> bool:
        try:
            message = await asyncio.to_thread(answers.share, self.library, view, user)
        except QueryError as exc:
            await respond(replace_original=True, **answers.error_notice(exc).as_kwargs())
            return False
        outcome = await post_message(client, channel, message)
        if isinstance(outcome, Delivered):
            return True
        await respond(
            response_type="ephemeral",
            replace_original=False,
            **blocks.notice(outcome.message).as_kwargs(),
        )
        return False


async def _delete_preview(respond: AsyncRespond, channel: str) -> None:
    """Delete the preview after its quote was posted. Failing is harmless (the post stands; a
    second Send of the preview is still ignored), so it is logged, never raised."""
    try:
        response = await respond(delete_original=True)
    except Exception as exc:
        log.warning(
            "shared a quote in %s but could not delete the preview (%s)",
            channel,
            type(exc).__name__,
        )
        return
    status = getattr(response, "status_code", 200)
    if status >= 400:
        log.warning(
            "shared a quote in %s but could not delete the preview (HTTP %s)", channel, status
        )


def _view(action: Mapping[str, Any]) -> View | None:
    try:
        return View.decode(action.get("value", ""))
    except ValueError:
        log.warning("a button with an unreadable value (%s)", action.get("action_id"))
        return None


def _channel_id(body: Mapping[str, Any]) -> str:
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return str(channel.get("id") or container.get("channel_id") or "")


async def _on_error(error: Exception, body: dict[str, Any], respond: AsyncRespond | None) -> None:
    """Errors outside the listeners (middleware): a log line with the trace, and an apology."""
    log.error(
        "unhandled error answering %s", body.get("type") or body.get("command"), exc_info=error
    )
    await _apologise(respond)

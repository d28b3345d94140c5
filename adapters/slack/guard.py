"""Listener errors: logged with their trace, and the user told, after the ack."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from . import messages

log = logging.getLogger(__name__)


def apologising(
    listener: Callable[..., Awaitable[None]],
) -> Callable[..., Awaitable[None]]:
    """Log a listener method's unexpected error with its trace and tell the user, after the ack.

    Not left to bolt's error hook: in slack-bolt 1.30.0 an error raised soon after `ack()`
    can reset the recorded ack (asyncio_runner sets `ack.response = None`), and Slack is then
    answered 404 instead of 200.
    """

    listener_log = logging.getLogger(listener.__module__)

    @functools.wraps(listener)
    async def guarded(self: Any, **kwargs: Any) -> None:
        try:
            await listener(self, **kwargs)
        except Exception:
            listener_log.exception("unhandled error in %s", listener.__name__)
            await apologise(kwargs.get("respond"))

    return guarded


async def apologise(respond: AsyncRespond | None) -> None:
    """Tell the user something went wrong (best effort: the error is logged by the caller)."""
    if respond is not None and getattr(respond, "response_url", None):
        try:
            await respond(response_type="ephemeral", replace_original=False, text=messages.APOLOGY)
        except Exception:
            log.warning("could not tell the user about the error")

"""Posting a quote card to a channel: the PNG through `files_upload_v2`, the quote as its text.

`files.upload` was retired on 2025-11-12; `files_upload_v2` asks for an upload URL
(`files.getUploadURLExternal`), sends the bytes there, and shares the file in the channel with
its comment (`files.completeUploadExternal`). It needs the `files:write` scope, and unlike
`chat.postMessage` with `chat:write.public`, the bot must be a member of the channel.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from .delivery import Delivered, DeliveryFailed, refused, unreachable

log = logging.getLogger(__name__)


async def post_card(
    client: AsyncWebClient,
    channel: str,
    png: bytes,
    *,
    comment: str,
    title: str,
    alt_text: str,
    filename: str = "quote.png",
) -> Delivered | DeliveryFailed:
    """Share `png` in `channel` with `comment` (mrkdwn, already inert); never raises for
    Slack or network errors."""
    try:
        response = await client.files_upload_v2(
            channel=channel,
            content=png,
            filename=filename,
            title=title,
            alt_txt=alt_text,
            initial_comment=comment,
        )
    except SlackApiError as exc:
        failed = refused(channel, exc)
    except (TimeoutError, aiohttp.ClientError, SlackRequestError) as exc:
        failed = unreachable(channel, exc)
    else:
        file = response.get("file") or {}
        return Delivered(channel, str(file.get("id", "")))
    log.warning("files_upload_v2 to %s failed: %s", channel, failed.detail or failed.error)
    return failed

"""The buttons under an answer: Previous / Next, More context, Post to channel.

Each button is a `DynamicItem`: its state (who asked, which result, how much context) lives in
its `custom_id`, and the query lives in the answer's footer, so a button works after a restart
with nothing kept in memory. Views are only a layout: they are stopped before sending, so
discord.py keeps no per-message state (and sets no 15-minute timeout on private answers).

custom_id formats (all well under Discord's 100 characters):
    qb:prev:<owner>:<index>  qb:next:<owner>:<index>      page to result <index>
    qb:ctx:<owner>:<width>:<episode-tag>.<ordinal>        passage with <width> neighbours a side
    qb:post:<owner>                                       share the shown answer in the channel
    qb:card:<owner>:<episode-tag>.<ordinal>               post the passage's quote card
with <owner> and <index> in base 36.

The quote card goes out as an embed whose image is the attached PNG (`attachment://`), not as
a Components V2 message: every answer here is an embed already, the embed keeps the quote as
text (searchable, read by screen readers) next to the picture, and a V2 message can carry
neither `content` ("Shared by …") nor embeds, so Post to channel could not re-send it.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any, Protocol, runtime_checkable

import discord
from discord import ui
from discord.abc import Messageable

from bot import Claims, Context, Hit, Page

from . import messages, replies
from .answers import (
    BUTTON_SOURCE,
    MAX_CONTEXT,
    PICKED_FOOTER,
    RANDOM_FOOTER,
    Quoter,
    compact_key,
    footer_of,
    query_from_footer,
)
from .embeds import context_embed, hit_embed
from .permissions import missing_in_interaction

log = logging.getLogger(__name__)

_B36 = "[0-9a-z]{1,14}"
# Discord refuses a custom_id over 100 characters; the formats above stay well under it.
CUSTOM_ID_LIMIT = 100


def b36(number: int) -> str:
    """A non-negative integer in base 36 (snowflakes shrink from 19 to 13 characters)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


@runtime_checkable
class QuoteClient(Protocol):
    """What the buttons need from the client (see client.create_bot): buttons are rebuilt by
    discord.py from their custom_id, so they find their dependencies on the client."""

    quoter: Quoter
    shares: Claims


def _client_of(interaction: discord.Interaction) -> QuoteClient:
    client = interaction.client
    if not isinstance(client, QuoteClient):
        raise TypeError("the interaction's client was not made by create_bot")
    return client


def quoter_of(interaction: discord.Interaction) -> Quoter:
    """The Quoter the client was built with (see client.create_bot)."""
    return _client_of(interaction).quoter


def shares_of(interaction: discord.Interaction) -> Claims:
    """The client's claims on answers being posted to their channel (see PostButton)."""
    return _client_of(interaction).shares


def layout(view: ui.View) -> ui.View:
    """A view to send: stopped, so discord.py dispatches its buttons by custom_id alone."""
    view.stop()
    return view


class OwnedButton(ui.DynamicItem[ui.Button], template=r"qb:(?!)"):
    """A button only the member who asked may press; others get a polite private refusal."""

    owner_id: int

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        try:
            await replies.send(
                interaction,
                ephemeral=True,
                content=messages.STRANGER,
            )
        except discord.HTTPException as exc:
            log.warning("could not refuse a stranger's button press: %s", exc)
        return False

    async def callback(self, interaction: discord.Interaction) -> Any:
        # discord.py only logs exceptions from dynamic items; report them to the member as well.
        try:
            await self.run(interaction)
        except Exception as exc:  # noqa: BLE001 - every failure is logged and reported
            await replies.report(interaction, exc)

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class PageButton(
    OwnedButton, template=rf"qb:(?P<direction>prev|next):(?P<owner>{_B36}):(?P<index>{_B36})"
):
    """Previous / Next: show another result of the same query."""

    def __init__(
        self, direction: str, owner_id: int, index: int, *, disabled: bool = False
    ) -> None:
        self.direction, self.owner_id, self.index = direction, owner_id, index
        super().__init__(
            ui.Button(
                label="Previous" if direction == "prev" else "Next",
                emoji="◀️" if direction == "prev" else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qb:{direction}:{b36(owner_id)}:{b36(index)}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(match["direction"], int(match["owner"], 36), int(match["index"], 36))

    async def run(self, interaction: discord.Interaction) -> None:
        quoter = quoter_of(interaction)
        shown = _shown(interaction)
        if shown is None:
            await replies.send(interaction, ephemeral=True, content=messages.STALE)
            return
        query, _ = shown
        page = await replies.compute(
            interaction,
            quoter.page,
            query,
            self.index,
            BUTTON_SOURCE,
            ephemeral=True,
            update=True,
            defer_after=quoter.defer_after,
        )
        if not page.result.hits:
            await replies.send(
                interaction, ephemeral=True, content=quoter.no_match_text(page.result)
            )
            return
        await replies.update(
            interaction,
            **page_message(page, self.owner_id, _shareable(interaction), quoter.page_url),
        )


class ContextButton(
    OwnedButton,
    template=rf"qb:ctx:(?P<owner>{_B36}):(?P<width>\d):(?P<key>[0-9a-f]{{10}}\.\d{{1,9}})",
):
    """More context: the quote with what was said before and after it, wider on each press."""

    def __init__(self, owner_id: int, width: int, compact_key: str) -> None:
        self.owner_id, self.span, self.compact_key = owner_id, width, compact_key
        super().__init__(
            ui.Button(
                label="More context",
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qb:ctx:{b36(owner_id)}:{min(width, MAX_CONTEXT)}:{compact_key}",
                disabled=width > MAX_CONTEXT,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> ContextButton:
        return cls(int(match["owner"], 36), int(match["width"]), match["key"])

    async def run(self, interaction: discord.Interaction) -> None:
        quoter = quoter_of(interaction)
        context, page = await replies.compute(
            interaction,
            self._load,
            quoter,
            _shown(interaction),
            ephemeral=True,
            update=True,
            defer_after=quoter.defer_after,
        )
        key = context.passage.key
        hit = page.hit if page and page.result.hits and page.hit.key == key else None
        await replies.update(
            interaction,
            embed=context_embed(
                context, hit, footer_of(page) if page else RANDOM_FOOTER, quoter.page_url(key)
            ),
            view=answer_view(
                self.owner_id,
                key,
                page=page,
                shareable=_shareable(interaction),
                width=self.span + 1,
            ),
        )

    def _load(self, quoter: Quoter, shown: tuple[str, int] | None) -> tuple[Context, Page | None]:
        context = quoter.context(quoter.expand_key(self.compact_key), self.span)
        return context, (quoter.page(*shown, BUTTON_SOURCE) if shown else None)


class PostButton(OwnedButton, template=rf"qb:post:(?P<owner>{_B36})"):
    """Post to channel: share a private answer with everyone, "shared by @member" (no ping)."""

    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id
        super().__init__(
            ui.Button(
                label="Post to channel",
                emoji="📣",
                style=discord.ButtonStyle.primary,
                custom_id=f"qb:post:{b36(owner_id)}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PostButton:
        return cls(int(match["owner"], 36))

    async def run(self, interaction: discord.Interaction) -> None:
        message, channel = interaction.message, interaction.channel
        if message is None or not message.embeds or not isinstance(channel, Messageable):
            await replies.send(interaction, ephemeral=True, content=messages.STALE)
            return
        if not _bot_in_server(interaction):
            await self._answer_publicly(interaction, message)
            return
        missing = missing_in_interaction(interaction)
        if missing:
            await replies.send(
                interaction,
                ephemeral=True,
                content=messages.CANNOT_POST_MISSING.format(missing=", ".join(missing)),
            )
            return
        # A double click sends two presses: only the first to claim the answer posts it. The
        # claim is kept once posted and given back if posting fails, so a retry can work.
        shares = shares_of(interaction)
        if not shares.claim(message.id):
            await replies.send(interaction, ephemeral=True, content=messages.ALREADY_SHARED)
            return
        try:
            await interaction.response.defer()
            await channel.send(
                content=messages.SHARED_BY.format(member=interaction.user.mention),
                embed=message.embeds[0],
                allowed_mentions=replies.NO_MENTIONS,
            )
        except BaseException:
            shares.release(message.id)
            raise
        self.item.disabled = True
        self.item.label = "Posted"
        if isinstance(self.view, ui.View):
            await replies.update(interaction, view=layout(self.view))

    async def _answer_publicly(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        """Where the bot is not a member (installed by the user, a group DM) it cannot send
        to the channel; a public answer to the press shows the quote to everyone instead."""
        shares = shares_of(interaction)
        if not shares.claim(message.id):
            await replies.send(interaction, ephemeral=True, content=messages.ALREADY_SHARED)
            return
        try:
            await replies.send(
                interaction,
                ephemeral=False,
                content=f"Shared by {interaction.user.mention}",
                embed=message.embeds[0],
            )
        except BaseException:
            shares.release(message.id)
            raise


class CardButton(
    OwnedButton, template=rf"qb:card:(?P<owner>{_B36}):(?P<key>[0-9a-f]{{10}}\.\d{{1,9}})"
):
    """Card: the quote card (a 1200×630 PNG) posted for everyone, with the quote as text."""

    def __init__(self, owner_id: int, compact_key: str) -> None:
        self.owner_id, self.compact_key = owner_id, compact_key
        super().__init__(
            ui.Button(
                label="Card",
                emoji="🖼️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"qb:card:{b36(owner_id)}:{compact_key}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> CardButton:
        return cls(int(match["owner"], 36), match["key"])

    async def run(self, interaction: discord.Interaction) -> None:
        quoter = quoter_of(interaction)
        message = interaction.message
        # One card per answer, however often (or fast) the button is pressed.
        claim = f"card:{message.id if message else self.compact_key}"
        shares = shares_of(interaction)
        if not shares.claim(claim):
            await replies.send(interaction, ephemeral=True, content=messages.ALREADY_CARDED)
            return
        try:
            hit, png = await replies.compute(
                interaction,
                self._draw,
                quoter,
                ephemeral=False,
                defer_after=quoter.defer_after,
            )
            embed = hit_embed(hit, None, quoter.page_url(hit.key))
            embed.set_image(url=f"attachment://{CARD_FILENAME}")
            await replies.send(
                interaction,
                ephemeral=False,
                content=f"Shared by {interaction.user.mention}",
                embed=embed,
                file=discord.File(io.BytesIO(png), filename=CARD_FILENAME),
            )
        except BaseException:
            shares.release(claim)
            raise

    def _draw(self, quoter: Quoter) -> tuple[Hit, bytes]:
        return quoter.card(quoter.expand_key(self.compact_key))


DYNAMIC_ITEMS = (PageButton, ContextButton, PostButton, CardButton)
CARD_FILENAME = "quote.png"


def answer_view(
    owner_id: int, hit_key: str, *, page: Page | None, shareable: bool, width: int = 1
) -> ui.View:
    """The buttons for an answer: paging when there is more than one match, context, sharing."""
    view = ui.View(timeout=None)
    if page is not None and page.total > 1:
        view.add_item(
            PageButton("prev", owner_id, max(0, page.index - 1), disabled=page.index == 0)
        )
        view.add_item(
            ui.Button(
                label=f"{page.index + 1} of {page.result.total_label}",
                custom_id="qb:position",
                disabled=True,
                style=discord.ButtonStyle.secondary,
            )
        )
        last = page.index + 1 >= page.total
        view.add_item(PageButton("next", owner_id, page.index + (0 if last else 1), disabled=last))
    view.add_item(ContextButton(owner_id, width, compact_key(hit_key)))
    if shareable:
        view.add_item(PostButton(owner_id))
    view.add_item(CardButton(owner_id, compact_key(hit_key)))
    return layout(view)


def page_message(
    page: Page, owner_id: int, shareable: bool, page_url: Any = None
) -> dict[str, Any]:
    """The message showing one page of results: notes, the embed, the buttons. `page_url`
    gives a passage key's page address (Quoter.page_url), or None."""
    return {
        "content": Quoter.notes(page),
        "embed": hit_embed(page.hit, footer_of(page), page_url(page.hit.key) if page_url else None),
        "view": answer_view(owner_id, page.hit.key, page=page, shareable=shareable),
    }


def random_message(
    hit: Hit, owner_id: int, shareable: bool, page_url: str | None = None
) -> dict[str, Any]:
    """The message showing a random quote."""
    return {
        "embed": hit_embed(hit, RANDOM_FOOTER, page_url),
        "view": answer_view(owner_id, hit.key, page=None, shareable=shareable),
    }


def picked_message(
    hit: Hit, owner_id: int, shareable: bool, page_url: str | None = None
) -> dict[str, Any]:
    """The message showing the passage a member picked from the suggestions."""
    return {
        "embed": hit_embed(hit, PICKED_FOOTER, page_url),
        "view": answer_view(owner_id, hit.key, page=None, shareable=shareable),
    }


def _shown(interaction: discord.Interaction) -> tuple[str, int] | None:
    message = interaction.message
    if message is None or not message.embeds:
        return None
    return query_from_footer(message.embeds[0].footer.text)


def _shareable(interaction: discord.Interaction) -> bool:
    """A private answer in a server or group DM keeps its Post to channel button."""
    message = interaction.message
    return bool(message and message.flags.ephemeral and can_share_here(interaction))


def can_share_here(interaction: discord.Interaction) -> bool:
    """Whether others can see a shared answer here: a server channel or a group DM, not the
    member's own DM with the bot."""
    return interaction.guild_id is not None or interaction.context.private_channel


def _bot_in_server(interaction: discord.Interaction) -> bool:
    """Whether the bot itself is in this server (a guild install), so it can send there."""
    return interaction.guild_id is not None and interaction.is_guild_integration()

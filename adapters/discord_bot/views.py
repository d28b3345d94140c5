"""The buttons under an answer: Previous / Next, More context, Post to channel.

Each button is a `DynamicItem`: its state (who asked, which result, how much context) lives in
its `custom_id`, and the query lives in the answer's footer, so a button works after a restart
with nothing kept in memory. Views are only a layout: they are stopped before sending, so
discord.py keeps no per-message state (and sets no 15-minute timeout on private answers).

custom_id formats (all well under Discord's 100 characters):
    qb:prev:<owner>:<index>  qb:next:<owner>:<index>      page to result <index>
    qb:ctx:<owner>:<width>:<episode-tag>.<ordinal>        passage with <width> neighbours a side
    qb:post:<owner>                                       share the shown answer in the channel
with <owner> and <index> in base 36.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import ui

from bot import Claims, Context, Hit, Page

from . import replies
from .answers import (
    BUTTON_SOURCE,
    MAX_CONTEXT,
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


def quoter_of(interaction: discord.Interaction) -> Quoter:
    """The Quoter the client was built with (see client.create_bot)."""
    return interaction.client.quoter  # type: ignore[attr-defined]


def shares_of(interaction: discord.Interaction) -> Claims:
    """The client's claims on answers being posted to their channel (see PostButton)."""
    return interaction.client.shares  # type: ignore[attr-defined]


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
                content="Only the member who asked can use these buttons. "
                "Try `/quote` to get your own answer.",
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
            await replies.send(interaction, ephemeral=True, content=STALE)
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
            interaction, **page_message(page, self.owner_id, _shareable(interaction))
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
            embed=context_embed(context, hit, footer_of(page) if page else RANDOM_FOOTER),
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
        message = interaction.message
        if message is None or not message.embeds or interaction.channel is None:
            await replies.send(interaction, ephemeral=True, content=STALE)
            return
        missing = missing_in_interaction(interaction)
        if missing:
            await replies.send(
                interaction,
                ephemeral=True,
                content="I can't post in this channel: a server admin needs to give me "
                + ", ".join(missing)
                + " here.",
            )
            return
        # A double click sends two presses: only the first to claim the answer posts it. The
        # claim is kept once posted and given back if posting fails, so a retry can work.
        shares = shares_of(interaction)
        if not shares.claim(message.id):
            await replies.send(interaction, ephemeral=True, content=ALREADY_SHARED)
            return
        try:
            await interaction.response.defer()
            await interaction.channel.send(  # type: ignore[union-attr]
                content=f"Shared by {interaction.user.mention}",
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


DYNAMIC_ITEMS = (PageButton, ContextButton, PostButton)
STALE = "This answer is too old for its buttons. Run `/quote` again."
ALREADY_SHARED = "This answer is already posted in the channel."


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
    return layout(view)


def page_message(page: Page, owner_id: int, shareable: bool) -> dict[str, Any]:
    """The message showing one page of results: notes, the embed, the buttons."""
    return {
        "content": Quoter.notes(page),
        "embed": hit_embed(page.hit, footer_of(page)),
        "view": answer_view(owner_id, page.hit.key, page=page, shareable=shareable),
    }


def random_message(hit: Hit, owner_id: int, shareable: bool) -> dict[str, Any]:
    """The message showing a random quote."""
    return {
        "embed": hit_embed(hit, RANDOM_FOOTER),
        "view": answer_view(owner_id, hit.key, page=None, shareable=shareable),
    }


def _shown(interaction: discord.Interaction) -> tuple[str, int] | None:
    message = interaction.message
    if message is None or not message.embeds:
        return None
    return query_from_footer(message.embeds[0].footer.text)


def _shareable(interaction: discord.Interaction) -> bool:
    """A private answer in a server keeps its Post to channel button."""
    message = interaction.message
    return bool(message and message.flags.ephemeral and interaction.guild_id is not None)

"""The slash commands: /quote (with autocomplete for its query and filters), /quote-help,
/quote-random.

All three are user-installable: registered for server and user installs, usable in servers,
the bot's DM and group DMs, so a member can quote where the bot was never added.
"""

from __future__ import annotations

import asyncio

from discord import Interaction, app_commands

from bot import QueryError

from . import replies
from .answers import Quoter, build_query, help_text
from .views import can_share_here, page_message, picked_message, random_message

QUERY_MAX = 200
FILTER_MAX = 100


class QuoteTree(app_commands.CommandTree):
    """The command tree; a failing command is logged and explained to the member."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        await replies.report(interaction, error)


# Installed by a server or by a user; usable in servers, the bot's DM and group DMs.
anywhere_installs = app_commands.allowed_installs(guilds=True, users=True)
anywhere_contexts = app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)


def add_commands(tree: app_commands.CommandTree, quoter: Quoter) -> None:
    """Register /quote, /quote-help and /quote-random on `tree`, answering from `quoter`."""

    @tree.command(name="quote", description="Quote what was said on the podcast")
    @anywhere_installs
    @anywhere_contexts
    @app_commands.describe(
        query='Words, a "quoted phrase", or filters like speaker:name or in:section',
        speaker="Only what this person said",
        section="Only this part of an episode",
        episode="Only this episode",
    )
    async def quote(
        interaction: Interaction,
        query: app_commands.Range[str, 1, QUERY_MAX],
        speaker: app_commands.Range[str, 1, FILTER_MAX] | None = None,
        section: app_commands.Range[str, 1, FILTER_MAX] | None = None,
        episode: app_commands.Range[str, 1, FILTER_MAX] | None = None,
    ) -> None:
        ephemeral = not quoter.public
        shareable = ephemeral and can_share_here(interaction)
        picked = await asyncio.to_thread(quoter.picked, query)
        if picked is not None:
            await replies.send(
                interaction,
                ephemeral=ephemeral,
                **picked_message(
                    picked, interaction.user.id, shareable, quoter.page_url(picked.key)
                ),
            )
            return
        text = build_query(query, speaker, section, episode)
        try:
            page = await replies.compute(
                interaction,
                quoter.page,
                text,
                0,
                ephemeral=ephemeral,
                defer_after=quoter.defer_after,
            )
        except QueryError as exc:
            await replies.send(interaction, ephemeral=True, content=replies.query_error_text(exc))
            return
        if not page.result.hits:
            await replies.send(
                interaction, ephemeral=True, content=quoter.no_match_text(page.result)
            )
            return
        await replies.send(
            interaction,
            ephemeral=ephemeral,
            **page_message(page, interaction.user.id, shareable, quoter.page_url),
        )

    @quote.autocomplete("query")
    async def query_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        # A search, however quick, runs off the event loop; autocomplete cannot be deferred.
        return await asyncio.to_thread(quoter.quote_choices, current)

    @quote.autocomplete("speaker")
    async def speaker_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return quoter.choices("speaker", current)

    @quote.autocomplete("section")
    async def section_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return quoter.choices("section", current)

    @quote.autocomplete("episode")
    async def episode_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return quoter.choices("episode", current)

    @tree.command(name="quote-help", description="How to use /quote")
    @anywhere_installs
    @anywhere_contexts
    async def quote_help(interaction: Interaction) -> None:
        await replies.send(
            interaction, ephemeral=True, content=help_text(quoter.public, quoter.library.examples)
        )

    @tree.command(name="quote-random", description="A random quote from the podcast")
    @anywhere_installs
    @anywhere_contexts
    async def quote_random(interaction: Interaction) -> None:
        ephemeral = not quoter.public
        try:
            hit = await replies.compute(
                interaction, quoter.random_hit, ephemeral=ephemeral, defer_after=quoter.defer_after
            )
        except QueryError as exc:
            await replies.send(interaction, ephemeral=True, content=replies.query_error_text(exc))
            return
        shareable = ephemeral and can_share_here(interaction)
        await replies.send(
            interaction,
            ephemeral=ephemeral,
            **random_message(hit, interaction.user.id, shareable, quoter.page_url(hit.key)),
        )

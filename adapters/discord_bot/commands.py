"""The slash commands: /quote (with autocomplete for its filters), /quote-help, /quote-random."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot import QueryError

from . import replies
from .answers import Quoter, build_query, help_text
from .views import page_message, random_message

QUERY_MAX = 200
FILTER_MAX = 100


class QuoteTree(app_commands.CommandTree):
    """The command tree; a failing command is logged and explained to the member."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        await replies.report(interaction, error)


def add_commands(tree: app_commands.CommandTree, quoter: Quoter) -> None:
    """Register /quote, /quote-help and /quote-random on `tree`, answering from `quoter`."""

    @tree.command(name="quote", description="Quote what was said on the podcast")
    @app_commands.describe(
        query='Words, a "quoted phrase", or filters like speaker:stefan',
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
        shareable = ephemeral and interaction.guild_id is not None
        await replies.send(
            interaction, ephemeral=ephemeral, **page_message(page, interaction.user.id, shareable)
        )

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
    async def quote_help(interaction: Interaction) -> None:
        await replies.send(interaction, ephemeral=True, content=help_text(quoter.public))

    @tree.command(name="quote-random", description="A random quote from the podcast")
    async def quote_random(interaction: Interaction) -> None:
        ephemeral = not quoter.public
        try:
            hit = await replies.compute(
                interaction, quoter.random_hit, ephemeral=ephemeral, defer_after=quoter.defer_after
            )
        except QueryError as exc:
            await replies.send(interaction, ephemeral=True, content=replies.query_error_text(exc))
            return
        shareable = ephemeral and interaction.guild_id is not None
        await replies.send(
            interaction, ephemeral=ephemeral, **random_message(hit, interaction.user.id, shareable)
        )

"""`/quote-daily`: turn the advice of the day on or off in a channel, see its status, post now.

The commands are a thin layer over the core's `AdviceService`; this module decides who may
change a channel's schedule (members with Manage Channels in that channel; `status` is open to
everyone) and shows the service's answers privately. Discord servers have no time zone of
their own, so without `timezone:` a schedule uses QUOTEBOT_DAILY_TIMEZONE (UTC by default).
"""

from __future__ import annotations

from discord import Interaction, app_commands

from bot import AdviceService, timezone_choices

from . import messages, replies
from .embeds import fit_content, neutralise_mentions, safe_markdown

PLATFORM = "discord"


class DailyCommands(app_commands.Group):
    """The `/quote-daily` group: `on`, `off`, `status`, `now`."""

    def __init__(self, advice: AdviceService | None, defer_after: float) -> None:
        super().__init__(
            name="quote-daily",
            description="Advice of the day from the podcast, posted in this channel",
            guild_only=True,
            allowed_contexts=app_commands.AppCommandContext(guild=True),
            # A user-installed app cannot post in a server on its own: guild installs only.
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
        )
        self.advice = advice
        self.defer_after = defer_after

    @app_commands.command(name="on", description="Post advice here every day (or change when)")
    @app_commands.describe(
        time="Local time of day, HH:MM (default 09:00)",
        timezone="Time zone, like Europe/Berlin (default: the bot's, usually UTC)",
        weekdays="Only Monday to Friday",
    )
    async def on(
        self,
        interaction: Interaction,
        time: app_commands.Range[str, 1, 20] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        weekdays: bool = False,
    ) -> None:
        service = await self._service_for_change(interaction)
        if service is None:
            return
        reply = await replies.complete(
            interaction,
            service.subscribe(
                PLATFORM,
                str(interaction.channel_id),
                by_user=str(interaction.user.id),
                allowed=True,
                workspace=str(interaction.guild_id),
                time=time,
                timezone=timezone,
                weekdays_only=weekdays,
            ),
            ephemeral=True,
            defer_after=self.defer_after,
        )
        text = safe_markdown(reply.text)
        if reply.ok and timezone is None and reply.subscription is not None:
            text += messages.DAILY_NO_ZONE_NOTE.format(zone=reply.subscription.timezone)
        await _answer(interaction, text)

    @on.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in timezone_choices(current)]

    @app_commands.command(name="off", description="Stop posting advice in this channel")
    async def off(self, interaction: Interaction) -> None:
        service = await self._service_for_change(interaction)
        if service is None:
            return
        reply = await replies.complete(
            interaction,
            service.unsubscribe(
                PLATFORM,
                str(interaction.channel_id),
                by_user=str(interaction.user.id),
                allowed=True,
            ),
            ephemeral=True,
            defer_after=self.defer_after,
        )
        await _answer(interaction, safe_markdown(reply.text))

    @app_commands.command(
        name="status", description="When advice is posted here, and the last post"
    )
    async def status(self, interaction: Interaction) -> None:
        service = await self._service(interaction)
        if service is None:
            return
        reply = await replies.complete(
            interaction,
            service.status(PLATFORM, str(interaction.channel_id)),
            ephemeral=True,
            defer_after=self.defer_after,
        )
        await _answer(interaction, safe_markdown(reply.text))

    @app_commands.command(
        name="now", description="Post today's advice here now (counts as today's)"
    )
    async def now(self, interaction: Interaction) -> None:
        service = await self._service_for_change(interaction)
        if service is None:
            return
        reply = await replies.complete(
            interaction,
            service.post_now(
                PLATFORM, str(interaction.channel_id), by_user=str(interaction.user.id)
            ),
            ephemeral=True,
            defer_after=self.defer_after,
        )
        await _answer(interaction, safe_markdown(reply.text))

    # -- helpers -------------------------------------------------------------------------------

    async def _service(self, interaction: Interaction) -> AdviceService | None:
        """The service, or None after telling the member why the command cannot run here."""
        if self.advice is None:
            await _answer(interaction, messages.DAILY_NOT_ENABLED)
            return None
        if interaction.guild_id is None or interaction.channel_id is None:
            await _answer(interaction, messages.DAILY_GUILD_ONLY)
            return None
        return self.advice

    async def _service_for_change(self, interaction: Interaction) -> AdviceService | None:
        """As `_service`, for members with Manage Channels in this channel only."""
        service = await self._service(interaction)
        if service is not None and not interaction.permissions.manage_channels:
            await _answer(interaction, messages.DAILY_REFUSAL)
            return None
        return service


async def _answer(interaction: Interaction, text: str) -> None:
    """A private reply. The service's texts can echo what the member typed: callers pass them
    through `safe_markdown`; mentions are never rendered or pinged either way."""
    await replies.send(interaction, ephemeral=True, content=fit_content(neutralise_mentions(text)))


def add_daily_commands(
    tree: app_commands.CommandTree, advice: AdviceService | None, defer_after: float
) -> DailyCommands:
    """Register `/quote-daily` (always, so the command list does not depend on configuration)."""
    group = DailyCommands(advice, defer_after)
    tree.add_command(group)
    return group

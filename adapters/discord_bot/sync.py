"""Syncing the slash commands with Discord only when their definitions changed.

Discord allows 200 command creates per day per guild, so the bot does not sync on every start:
it hashes the command payloads it would send and compares the hash with the one recorded at
the last successful sync (a small JSON file, one entry per application and target).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import discord
from discord import app_commands

log = logging.getLogger(__name__)


def default_state_path() -> Path:
    """`$XDG_STATE_HOME/quotebot/discord-commands.json` (state, not cache: it must survive)."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "quotebot" / "discord-commands.json"


def fingerprint(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> str:
    """A hash of the command definitions `tree.sync(guild=guild)` would send."""
    payload = sorted(
        (command.to_dict(tree) for command in tree._get_all_commands(guild=guild)),
        key=lambda command: (command.get("type", 1), command["name"]),
    )
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


async def sync_commands(
    tree: app_commands.CommandTree,
    *,
    application_id: int | None,
    guild_id: int | None,
    state_path: Path,
    force: bool = False,
) -> bool:
    """Sync (globally, or to `guild_id`) if the definitions changed or `force`; True if synced."""
    guild = discord.Object(guild_id) if guild_id else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    target = f"{application_id}:{guild_id or 'global'}"
    digest = fingerprint(tree, guild)
    state = _read(state_path)
    if not force and state.get(target) == digest:
        log.info("slash commands unchanged since the last sync (%s); not syncing", target)
        return False
    where = f"guild {guild_id}" if guild else "all servers (global; can take up to an hour)"
    try:
        synced = await tree.sync(guild=guild)
    except discord.HTTPException as exc:
        # Missing applications.commands scope, a bad guild id, a rate limit: keep running with
        # the commands Discord already has; the next start tries again.
        log.error("could not sync slash commands to %s: %s", where, exc)
        return False
    state[target] = digest
    _write(state_path, state)
    log.info("synced %d slash commands to %s", len(synced), where)
    return True


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable command sync state %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, state: dict[str, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        log.warning("could not record the command sync in %s (will sync again): %s", path, exc)

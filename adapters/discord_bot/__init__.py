"""The Discord front end: /quote with autocomplete, embeds and persistent buttons.

Named `discord_bot` so that it never shadows the `discord` package.
"""

from .client import QuoteBot, ShardedQuoteBot, create_bot
from .embeds import context_embed, hit_embed
from .endpoints import point_discord_at
from .startup_checks import check_token, parse_shards

__all__ = [
    "QuoteBot",
    "ShardedQuoteBot",
    "check_token",
    "context_embed",
    "create_bot",
    "hit_embed",
    "parse_shards",
    "point_discord_at",
]

"""The Discord front end: /quote with autocomplete, embeds and persistent buttons.

Named `discord_bot` so that it never shadows the `discord` package.
"""

from .client import QuoteBot, ShardedQuoteBot, create_bot
from .embeds import context_embed, hit_embed

__all__ = ["QuoteBot", "ShardedQuoteBot", "context_embed", "create_bot", "hit_embed"]

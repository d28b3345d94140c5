"""Quote pages: a page for every passage and a search page, server-rendered, no script."""

from .links import PageLinks, audio_url, card_path, quote_path, safe_url, search_path
from .pages import HtmlPage, Pages
from .security import content_security_policy, security_headers

STATIC_FILES = ("quotebot.css",)

__all__ = [
    "STATIC_FILES",
    "HtmlPage",
    "PageLinks",
    "Pages",
    "audio_url",
    "card_path",
    "content_security_policy",
    "quote_path",
    "safe_url",
    "search_path",
    "security_headers",
]

"""The Slack front end: `/quote` with a private preview, paging, context and sharing, and
`/quote-daily` for the advice of the day (its sender is `adapters.slack.advice`).

Built on slack-bolt's AsyncApp; uses only the core's public API (`from bot import …`).
Nothing here runs at import: `create_app` builds the app, `create_web_app` serves it.
"""

from .advice import SlackAdviceSender
from .app import COMMANDS, create_app, create_client
from .blocks import Message, hit_message
from .delivery import Delivered, DeliveryFailed, post_message
from .server import LateBoltApp, connect_socket_mode, create_web_app, serve_http
from .startup_checks import token_problem
from .token_health import TokenHealth, verify_app_token, verify_token, watch_token

__all__ = [
    "COMMANDS",
    "Delivered",
    "LateBoltApp",
    "DeliveryFailed",
    "Message",
    "SlackAdviceSender",
    "TokenHealth",
    "connect_socket_mode",
    "create_app",
    "create_client",
    "create_web_app",
    "hit_message",
    "post_message",
    "serve_http",
    "token_problem",
    "verify_app_token",
    "verify_token",
    "watch_token",
]

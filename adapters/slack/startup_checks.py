"""Checks before Slack starts: every token present and of the right shape, or one line that
names the variable and where to get it."""

from __future__ import annotations

import re

from bot import Settings

APPS_PAGE = "https://api.slack.com/apps"
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")
_HEX = re.compile(r"^[0-9a-fA-F]{16,}$")


def token_problem(settings: Settings) -> str | None:
    """One line naming the missing or malformed variable and where to get it; None if fine."""
    bot_token = settings.slack_bot_token or ""
    app_token = settings.slack_app_token or ""
    secret = settings.slack_signing_secret or ""
    where = f"{APPS_PAGE} → your app"
    if not bot_token:
        return (
            f"SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from "
            f"{where} → OAuth & Permissions."
        )
    if not bot_token.startswith("xoxb-"):
        return (
            f"SLACK_BOT_TOKEN should start with xoxb-: use the Bot User OAuth Token from "
            f"{where} → OAuth & Permissions."
        )
    if app_token and not app_token.startswith("xapp-"):
        return (
            f"SLACK_APP_TOKEN should start with xapp-: create an app-level token with the "
            f"connections:write scope at {where} → Basic Information → App-Level Tokens."
        )
    if not app_token:
        if not secret:
            return (
                f"SLACK_SIGNING_SECRET is not set (needed in HTTP mode): copy the Signing Secret "
                f"from {where} → Basic Information → App Credentials, or set SLACK_APP_TOKEN "
                f"for Socket Mode."
            )
        if not _HEX.match(secret):
            return (
                f"SLACK_SIGNING_SECRET does not look like a signing secret (hex digits): copy it "
                f"from {where} → Basic Information → App Credentials."
            )
    api_url = settings.slack_api_url
    if api_url and not _URL.match(api_url):
        return "SLACK_API_URL should be an http(s) URL such as https://slack.com/api/."
    return None

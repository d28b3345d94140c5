"""The headers every page carries: a strict Content-Security-Policy and no framing.

The pages have no script at all, so `default-src 'none'` forbids every script, inline or not;
styles and images come only from the bot itself, and audio (on a page with a player) from the
episode's host or over https.
"""

from __future__ import annotations

from collections.abc import Iterable

BASE_POLICY = {
    "default-src": "'none'",
    "style-src": "'self'",
    "img-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def content_security_policy(media_origins: Iterable[str] = ()) -> str:
    """The policy, allowing audio from `media_origins` (scheme://host) and, on a page with a
    player, from any https host: podcast enclosures usually redirect through an analytics
    prefix to a CDN on another host, and the policy is checked again at every redirect."""
    policy = dict(BASE_POLICY)
    origins = sorted(set(media_origins))
    if origins:
        policy["media-src"] = " ".join([*origins, "https:"])
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def security_headers(media_origins: Iterable[str] = ()) -> dict[str, str]:
    """Headers for an HTML page (and, without media, for images and styles too)."""
    return {
        "Content-Security-Policy": content_security_policy(media_origins),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }

"""Test doubles for daily advice: a clock that moves on command and a recording sender."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.advice.delivery import AdvicePost, Delivery
from bot.advice.schedule import Subscription


class FakeClock:
    """A clock that only moves when the test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class RecordingSender:
    """A sender that records every post (thread-safe) and answers what the test scripted."""

    def __init__(self, platform: str = "slack") -> None:
        self.platform = platform
        self.posts: list[AdvicePost] = []
        self.answers: dict[str, Delivery] = {}
        self.problem: str | None = None
        self._lock = threading.Lock()

    async def send(self, post: AdvicePost) -> Delivery:
        with self._lock:
            self.posts.append(post)
            count = len(self.posts)
        answer = self.answers.get(post.subscription.channel)
        return answer or Delivery.sent(f"m{count}")

    async def check_can_post(self, subscription: Subscription) -> str | None:
        return self.problem

    def channels(self) -> list[str]:
        return [post.subscription.channel for post in self.posts]


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)

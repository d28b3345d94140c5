"""Daily advice on the Slack bench: the app with an AdviceService on a per-test SQLite file, a
clock that only moves when the test says so, and helpers to run `/quote-daily`."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bench import CHANNEL, USER, FakeSlack, SlackHarness, section_texts

from bot import AdviceService
from tests.advice.advice_fakes import FakeClock


@dataclass
class DailyBench:
    """The served app, its advice service and clock, and the fake Slack behind them."""

    slack: SlackHarness
    advice: AdviceService
    clock: FakeClock

    @property
    def fake(self) -> FakeSlack:
        return self.slack.fake

    async def run(
        self,
        text: str,
        *,
        command: str = "/quote-daily",
        user: str = USER,
        channel: str = CHANNEL,
    ) -> str:
        """Run a command; assert the quick empty 200 ack; return the ephemeral answer's text."""
        before = len(self.fake.responses)
        reply = await self.slack.command(text, command, user_id=user, channel_id=channel)
        assert (reply.status, reply.text) == (200, "")
        answer = (await self.fake.wait_for_responses(before + 1))[before].body
        assert answer["response_type"] == "ephemeral"
        return "\n".join(section_texts(answer))

    def posts(self, channel: str | None = None) -> list[dict]:
        """chat.postMessage bodies (to one channel, when given)."""
        calls = self.fake.method_calls("chat.postMessage")
        return [c.body for c in calls if channel is None or c.body.get("channel") == channel]

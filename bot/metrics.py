"""Prometheus metrics shared by every front end, in one registry per process (or per test)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """The counters and histograms quotebot exports on /metrics."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.searches = Counter(
            "quotebot_searches",
            "Searches answered, by front end and outcome (results, no_results, error).",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.search_latency = Histogram(
            "quotebot_search_seconds",
            "Time to answer a search in the core.",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.posts = Counter(
            "quotebot_posts",
            "Advice of the day posts attempted, by platform and outcome (sent or failed).",
            ["platform", "kind", "outcome"],
            registry=self.registry,
        )

    def observe_search(self, platform: str, seconds: float, hits: int | None) -> None:
        """Record one search: hits None means it failed with a user-facing error."""
        outcome = "error" if hits is None else ("results" if hits else "no_results")
        self.searches.labels(platform, outcome).inc()
        self.search_latency.labels(platform).observe(seconds)

    def observe_post(self, platform: str, kind: str, ok: bool) -> None:
        self.posts.labels(platform, kind, "sent" if ok else "failed").inc()

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)

"""Operators' figures in Prometheus's text format (`GET /metrics`), with the maintained `prometheus_client`.

Each app instance counts its own turns; Prometheus scrapes every instance and sums them. One registry per app,
so two apps in one process (the tests) never count into each other."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from simulator.session.practice import TurnResult

CONTENT_TYPE = CONTENT_TYPE_LATEST
# From a scripted turn (milliseconds) to a model's long answer (seconds).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    content_type = CONTENT_TYPE

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.turns = Counter("parley_turns", "Turns played (a message graded and answered).", registry=self.registry)
        self.turn_seconds = Histogram(
            "parley_turn_seconds",
            "Seconds from a message stored to its reply stored.",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "parley_model_fallbacks",
            "Turns where a model's answer was not used (part: voice or coach) and the rules' was.",
            ["part"],
            registry=self.registry,
        )
        for part in ("voice", "coach"):
            self.fallbacks.labels(part=part)  # shown as 0 before the first one
        self.sign_in_failures = Counter(
            "parley_sign_in_failures", "Failed sign-ins (wrong name or password).", registry=self.registry
        )

    def turn_played(self, result: TurnResult) -> None:
        self.turns.inc()
        self.turn_seconds.observe(result.seconds)
        for part in result.fallbacks:
            self.fallbacks.labels(part=part).inc()

    def sign_in_failed(self) -> None:
        self.sign_in_failures.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)

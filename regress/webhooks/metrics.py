"""Prometheus metrics (``regress_`` prefix), in a registry per service instance.

Counters live in the process that counts them: the web process counts deliveries, workers count
analyses, findings and GitHub calls. ``regress worker --metrics-port`` exposes a worker's; with
``regress serve`` (web and worker in one process) ``/metrics`` has them all. The queue depth is
read from the database when scraped, so every process reports the same.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.deliveries = Counter(
            "regress_deliveries",
            "Webhook deliveries received, by event and outcome",
            ["event", "outcome"],
            registry=self.registry,
        )
        self.analysis_seconds = Histogram(
            "regress_analysis_duration_seconds",
            "Time to fetch and analyse one change",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
            registry=self.registry,
        )
        self.analyses = Counter(
            "regress_analyses", "Analyses completed, by conclusion", ["conclusion"], registry=self.registry
        )
        self.github_calls = Counter(
            "regress_github_api_calls",
            "GitHub API calls, by HTTP status",
            ["status"],
            registry=self.registry,
        )
        self.findings = Counter(
            "regress_findings",
            "Findings reported, by category and whether approved",
            ["category", "approved"],
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "regress_queue_depth", "Work and deliveries waiting to be processed", registry=self.registry
        )

    def watch_queue(self, depth: Callable[[], float]) -> None:
        self.queue_depth.set_function(depth)

    def on_github_response(self, response: httpx.Response) -> None:
        self.github_calls.labels(status=str(response.status_code)).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)

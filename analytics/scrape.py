"""Metrics measured when Prometheus scrapes, not when something happens: the budgets (from
prompt history, the same for every worker), the size of the caches in Redis and this worker's
circuit-breaker state. A collector of its own, added to every scrape's output."""

import logging
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError
from django_redis import get_redis_connection
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from hawk.analysis.budgets import budget_status
from hawk.analysis.dify import dify_circuit_state, dify_configured
from hawk.datacache.shared import redis_configured
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

# Counting keys is a SCAN of Redis: bounded, so a huge cache costs a scrape no more than this.
MAX_KEYS_COUNTED = 200_000
CACHE_KINDS = {"data": "*:data:*", "answer": "*:answer:*"}


def budget_families() -> Iterator[GaugeMetricFamily]:
    limit = GaugeMetricFamily(
        "hawk_budget_limit_usd", "LLM budget in USD (0: none)", labels=["period"]
    )
    used = GaugeMetricFamily(
        "hawk_budget_used_usd", "LLM cost spent in the period, USD", labels=["period"]
    )
    remaining = GaugeMetricFamily(
        "hawk_budget_remaining_usd",
        "LLM budget left in the period, USD (absent: no budget)",
        labels=["period"],
    )
    ratio = GaugeMetricFamily(
        "hawk_budget_used_ratio",
        "Share of the period's LLM budget spent (absent: no budget)",
        labels=["period"],
    )
    try:
        budgets = budget_status()
    except DatabaseError as exc:  # Postgres down: the scrape still tells everything else
        logger.warning("budgets not measured: %s", exc)
        return
    for budget in budgets:
        limit.add_metric([budget.period], float(budget.limit_usd or 0))
        used.add_metric([budget.period], float(budget.used_usd))
        if budget.remaining_usd is not None:
            remaining.add_metric([budget.period], float(budget.remaining_usd))
            ratio.add_metric([budget.period], budget.used_ratio or 0.0)
    yield from (limit, used, remaining, ratio)


def _redis() -> Any:
    return get_redis_connection("default")


def cache_families() -> Iterator[GaugeMetricFamily]:
    """Entries of the data and answer caches and the memory of the Redis holding them; nothing
    without Redis (the local-memory cache of a laptop)."""
    if not redis_configured():
        return
    entries = GaugeMetricFamily(
        "hawk_cache_entries", "Entries in the cache by kind (data, answer)", labels=["kind"]
    )
    memory = GaugeMetricFamily(
        "hawk_cache_memory_bytes", "Memory used by the Redis server of the caches"
    )
    try:
        client = _redis()
        for kind, pattern in CACHE_KINDS.items():
            count = 0
            for count, _ in enumerate(client.scan_iter(match=pattern, count=1000), start=1):
                if count >= MAX_KEYS_COUNTED:
                    break
            entries.add_metric([kind], count)
        memory.add_metric([], client.info("memory")["used_memory"])
    except Exception as exc:  # the cache being down must not fail the scrape
        logger.warning("cache size not measured: %s", exc)
        return
    yield from (entries, memory)


class ScrapeTimeCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        if dify_configured():
            metrics.set_circuit_state("dify", dify_circuit_state())
        yield from budget_families()
        yield from cache_families()

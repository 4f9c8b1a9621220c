"""The agent's own Prometheus metrics (`hawk_*`), with few label values: never users or prompts."""

from typing import Any

from django.db import connections
from prometheus_client import Counter, Gauge, Histogram

import hawk

# A gauge rather than an Info: Info metrics are not exported in multiprocess mode. The series
# is the same (hawk_build_info{version="..."} 1).
BUILD_INFO = Gauge(
    "hawk_build_info", "Version of the running HAWK Agent", ["version"], multiprocess_mode="max"
)
BUILD_INFO.labels(hawk.__version__).set(1)

CACHE_OPERATIONS = Counter(
    "hawk_cache_operations_total",
    "Data cache operations by source and result (hit, miss, write, invalidate, error)",
    ["source", "result"],
)
EXTRACTION_SECONDS = Histogram(
    "hawk_extraction_seconds",
    "Time to extract all sources of a plan, by scope and cache status",
    ["scope", "cache"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
SOURCE_SECONDS = Histogram(
    "hawk_source_read_seconds",
    "Time to read one source, by source and cache status",
    ["source", "cache"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
RECORDS_PER_RUN = Histogram(
    "hawk_records_per_run",
    "Records extracted per run",
    buckets=(0, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
)
CACHE_DEGRADED = Gauge(
    "hawk_cache_degraded", "1 while the data cache is bypassed because Redis failed",
    multiprocess_mode="livemax",
)  # fmt: skip

RUNS = Counter(
    "hawk_runs_total", "Agent runs by intent, channel (http, ws, cli) and status",
    ["intent", "channel", "status"],
)  # fmt: skip
RUN_SECONDS = Histogram(
    "hawk_run_duration_seconds", "Whole run duration by intent", ["intent"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)  # fmt: skip
FIRST_EVENT_SECONDS = Histogram(
    "hawk_time_to_first_event_seconds", "Time from request to the first streamed event",
    ["channel"], buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)  # fmt: skip
FIRST_TOKEN_SECONDS = Histogram(
    "hawk_time_to_first_token_seconds", "Time from the analysis start to its first answer token",
    ["backend"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)  # fmt: skip
ACTIVE_RUNS = Gauge("hawk_active_streams", "Runs streaming right now", multiprocess_mode="livesum")
ANALYSIS_CALLS = Counter(
    "hawk_analysis_calls_total", "Analysis backend calls by backend and status",
    ["backend", "status"],
)  # fmt: skip
ANALYSIS_SECONDS = Histogram(
    "hawk_analysis_duration_seconds", "Analysis backend latency", ["backend"],
    buckets=(0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)  # fmt: skip
TOKENS = Counter("hawk_tokens_total", "LLM tokens by backend and direction (in, out)",
                 ["backend", "direction"])  # fmt: skip
COST = Counter("hawk_cost_usd_total", "LLM cost in USD by backend", ["backend"])
ANSWER_CACHE_SAVINGS = Counter(
    "hawk_answer_cache_saved_tokens_total", "Tokens not spent thanks to answer-cache hits",
    ["backend"],
)  # fmt: skip
ANALYSIS_FALLBACKS = Counter(
    "hawk_analysis_fallbacks_total", "Fallbacks to the built-in analyst by reason", ["reason"]
)
QUALITY_SCORE = Histogram(
    "hawk_answer_quality_score", "Share of an answer's numbers found in its context",
    buckets=(0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
)  # fmt: skip

DB_POOL_WAITS = Counter(
    "hawk_db_pool_waits_total",
    "Database connection requests that had to wait because the pool had none free",
)
DB_POOL_WAIT_SECONDS = Counter(
    "hawk_db_pool_wait_seconds_total", "Time spent waiting for a pooled database connection"
)
DB_POOL_ERRORS = Counter(
    "hawk_db_pool_errors_total",
    "Database connection requests that failed, e.g. after the pool timeout (answered 503)",
)


def record_pool_stats(**_signal: Any) -> None:
    """Move what the connection pools counted since the last call into the metrics. psycopg's
    pool keeps its counters in process memory, so this runs after every request and before a
    scrape (a run streamed after its request is counted at the next one)."""
    for alias in connections:
        pool = getattr(connections[alias], "pool", None)
        if pool is None:
            continue
        counted = pool.pop_stats()
        DB_POOL_WAITS.inc(counted.get("requests_queued", 0))
        DB_POOL_WAIT_SECONDS.inc(counted.get("requests_wait_ms", 0) / 1000)
        DB_POOL_ERRORS.inc(counted.get("requests_errors", 0))


def observe_analysis(backend: str, seconds: float, usage: dict) -> None:
    ANALYSIS_CALLS.labels(backend, "ok").inc()
    ANALYSIS_SECONDS.labels(backend).observe(seconds)
    TOKENS.labels(backend, "in").inc(int(usage.get("prompt_tokens") or 0))
    TOKENS.labels(backend, "out").inc(int(usage.get("completion_tokens") or 0))
    try:
        if str(usage.get("currency") or "USD").upper() == "USD":
            COST.labels(backend).inc(float(usage.get("total_price") or 0))
    except (TypeError, ValueError):
        pass


def observe_run(intent: str, channel: str, status: str, timings: dict, quality: dict) -> None:
    RUNS.labels(intent, channel, status).inc()
    if timings.get("total_ms") is not None:
        RUN_SECONDS.labels(intent).observe(timings["total_ms"] / 1000)
    QUALITY_SCORE.observe(float(quality.get("score", 1.0)))

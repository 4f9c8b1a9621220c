"""The agent's own Prometheus metrics (`hawk_*`), with few label values: never users or prompts.

Every gauge names its multiprocess mode: with several workers (PROMETHEUS_MULTIPROC_DIR) a
scrape combines the workers' values by it. Values measured at scrape time (budgets, cache
size, circuit) are in analytics/scrape.py; the OpenTelemetry GenAI histograms in genai.py.
"""

from decimal import Decimal
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

# The statuses of hawk.pipeline.facts.reviews (DOMAIN.md); warning and worse are breaches.
THRESHOLD_STATUSES = ("WITHIN", "WARN", "CRITICAL", "BREACH", "UNKNOWN", "NOT_COMPUTED")
BREACH_LEVELS = {"WARN": "warning", "CRITICAL": "critical", "BREACH": "breach"}
RISK_LEVELS = ("low", "medium", "high", "critical")  # an answer's risk (analysis/checks)

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
    "hawk_cache_degraded",
    "1 while the data cache is bypassed because Redis failed",
    multiprocess_mode="livemax",
)

RUNS = Counter(
    "hawk_runs_total",
    "Agent runs by intent, channel (http, ws, cli) and status",
    ["intent", "channel", "status"],
)
RUN_SECONDS = Histogram(
    "hawk_run_duration_seconds",
    "Whole run duration by intent",
    ["intent"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
FIRST_EVENT_SECONDS = Histogram(
    "hawk_time_to_first_event_seconds",
    "Time from request to the first streamed event",
    ["channel"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
FIRST_TOKEN_SECONDS = Histogram(
    "hawk_time_to_first_token_seconds",
    "Time from the analysis start to its first answer token",
    ["backend"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RUNS_LOST = Counter(
    "hawk_runs_lost_total",
    "Runs ended as failed (worker_lost) by the sweep: their worker stopped beating",
)
ACTIVE_RUNS = Gauge("hawk_active_streams", "Runs streaming right now", multiprocess_mode="livesum")
ANALYSIS_CALLS = Counter(
    "hawk_analysis_calls_total",
    "Analysis backend calls by backend and status",
    ["backend", "status"],
)
ANALYSIS_SECONDS = Histogram(
    "hawk_analysis_duration_seconds",
    "Analysis backend latency",
    ["backend"],
    buckets=(0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
TOKENS = Counter(
    "hawk_tokens_total", "LLM tokens by backend and direction (in, out)", ["backend", "direction"]
)
COST = Counter("hawk_cost_usd_total", "LLM cost in USD by backend", ["backend"])
ANSWER_CACHE_SAVINGS = Counter(
    "hawk_answer_cache_saved_tokens_total",
    "Tokens not spent thanks to answer-cache hits",
    ["backend"],
)
ANSWER_CACHE_SAVED_USD = Counter(
    "hawk_answer_cache_saved_usd_total",
    "LLM cost in USD not spent thanks to answer-cache hits",
    ["backend"],
)
ANSWER_CACHE_LOOKUPS = Counter(
    "hawk_answer_cache_lookups_total",
    "Answer-cache lookups by result (hit, miss, bypass)",
    ["result"],
)
RUN_COST_USD = Histogram(
    "hawk_run_cost_usd",
    "LLM cost of one run in USD (Dify's price, else the price table)",
    ["backend"],
    buckets=(0, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1),
)
COST_PRICED = Counter(
    "hawk_cost_priced_runs_total",
    "Runs priced, by where the price came from (dify, table, estimate, free)",
    ["source"],
)
ROUTED_RUNS = Counter(
    "hawk_routed_runs_total",
    "Analyses by the backend chosen and the route that chose it",
    ["route", "backend"],
)
ROUTER_SAVED_USD = Counter(
    "hawk_router_saved_usd_total",
    "Estimated LLM cost in USD not spent because the router sent a run to the built-in analyst",
    ["route"],
)
BUDGET_EXCEEDED = Counter(
    "hawk_budget_exceeded_runs_total",
    "Runs answered by the built-in analyst because a budget was spent, by scope and period",
    ["scope", "period"],
)
BUDGET_WARNINGS = Counter(
    "hawk_budget_warning_runs_total",
    "Runs started while a budget was past its warning ratio (80%), by scope and period",
    ["scope", "period"],
)
NOTICES = Counter("hawk_notices_total", "hawk_notice events sent, by code", ["code"])
RUN_FAILURES = Counter(
    "hawk_run_failures_total", "Failed runs by intent and error code", ["intent", "code"]
)
AGENT_SESSION_UPDATES = Counter(
    "hawk_agent_session_updates_total",
    "Ends of runs written to the platform's hawk_agent_sessions, by result (updated, missing: "
    "no row with the msg_uid, not_writable: no table or no UPDATE grant, error)",
    ["result"],
)
RUNS_BY_TEMPLATE = Counter(
    "hawk_template_runs_total",
    "Runs by prompt template and A/B variant (none without a template or variant)",
    ["template", "variant"],
)
CONTEXT_CHARS = Histogram(
    "hawk_context_chars",
    "Characters of the analysis context of a run",
    ["intent"],
    buckets=(500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000),
)
FACT_WARNINGS = Counter(
    "hawk_fact_warnings_total", "Warnings of the computed facts by severity", ["severity"]
)
UNVERIFIED_NUMBERS = Counter(
    "hawk_answer_unverified_numbers_total",
    "Numbers in answers not found in their context",
    ["backend"],
)
THRESHOLD_STATUS = Gauge(
    "hawk_threshold_statuses",
    "Thresholds by currency and status, as last computed for a run's facts",
    ["currency", "status"],
    multiprocess_mode="mostrecent",
)
THRESHOLD_BREACHES = Counter(
    "hawk_threshold_breaches_total",
    "Thresholds found at warning or critical level when facts were computed, by currency",
    ["currency", "level"],
)
CIRCUIT_STATE = Gauge(
    "hawk_circuit_state",
    "1 for the analysis backend's circuit-breaker state (closed, half_open, open), else 0",
    ["backend", "state"],
    multiprocess_mode="livemax",
)
CIRCUIT_OPENINGS = Counter(
    "hawk_circuit_openings_total", "Times the circuit breaker of a backend opened", ["backend"]
)
ANALYSIS_FALLBACKS = Counter(
    "hawk_analysis_fallbacks_total", "Fallbacks to the built-in analyst by reason", ["reason"]
)
BACKEND_FAILURES = Counter(
    "hawk_backend_failures_total",
    "Analysis backend failures by backend and kind (rate_limited, server_error, timeout, "
    "connection, client_error, mid_stream)",
    ["backend", "kind"],
)
BACKEND_FALLBACKS = Counter(
    "hawk_backend_fallbacks_total",
    "Runs passed on to the next backend of the chain after this one failed before answering",
    ["backend"],
)
BACKEND_SKIPPED = Counter(
    "hawk_backend_skipped_total",
    "Runs that skipped a backend of the chain (cooling down, circuit open)",
    ["backend"],
)
BACKEND_COOLDOWNS = Counter(
    "hawk_backend_cooldowns_total", "Cool-downs started after repeated failures", ["backend"]
)
ANSWER_RISK = Counter(
    "hawk_answer_risk_total",
    "Answers checked, by backend and risk (low, medium, high, critical)",
    ["backend", "risk"],
)
QUALITY_SCORE = Histogram(
    "hawk_answer_quality_score",
    "Share of an answer's numbers found in its context",
    buckets=(0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
)

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


def observe_cost(backend: str, cost_usd: Decimal, source: str) -> None:
    """A run's cost, once per analysed run (a replayed answer cost nothing)."""
    COST.labels(backend).inc(float(cost_usd))
    RUN_COST_USD.labels(backend).observe(float(cost_usd))
    COST_PRICED.labels(source).inc()


def observe_run(intent: str, channel: str, status: str, timings: dict, quality: dict) -> None:
    RUNS.labels(intent, channel, status).inc()
    if timings.get("total_ms") is not None:
        RUN_SECONDS.labels(intent).observe(timings["total_ms"] / 1000)
    QUALITY_SCORE.observe(float(quality.get("score", 1.0)))


def observe_failure(intent: str, channel: str, code: str) -> None:
    RUNS.labels(intent, channel, "failed").inc()
    RUN_FAILURES.labels(intent, code).inc()


def observe_thresholds(thresholds: list[dict[str, Any]]) -> None:
    """The statuses of a run's thresholds section (facts), per currency: the gauge holds the
    latest count of each status; warning and critical levels also count as breaches."""
    counts: dict[tuple[str, str], int] = {}
    for row in thresholds:
        status = str(row.get("status") or "UNKNOWN")
        labels = (
            row.get("currency") or "ALL",
            status if status in THRESHOLD_STATUSES else "UNKNOWN",
        )
        counts[labels] = counts.get(labels, 0) + 1
    for currency in {currency for currency, _ in counts}:
        for status in THRESHOLD_STATUSES:
            THRESHOLD_STATUS.labels(currency, status).set(counts.get((currency, status), 0))
        for level in BREACH_LEVELS.values():
            THRESHOLD_BREACHES.labels(currency, level)  # at 0 until a breach: rates see it
    for (currency, status), count in counts.items():
        if status in BREACH_LEVELS:
            THRESHOLD_BREACHES.labels(currency, BREACH_LEVELS[status]).inc(count)


def set_circuit_state(backend: str, state: str) -> None:
    for known in ("closed", "half_open", "open"):
        CIRCUIT_STATE.labels(backend, known).set(1 if known == state else 0)


def start_labels() -> None:
    """The bounded label values known in advance, so that their series exist (at 0) from the
    first scrape: rates and alerts then see a 0, not an absent series."""
    for backend in ("builtin", "dify", "openai"):
        for risk in RISK_LEVELS:
            ANSWER_RISK.labels(backend, risk)
        BACKEND_FALLBACKS.labels(backend)
        ANSWER_CACHE_SAVED_USD.labels(backend)
        ANSWER_CACHE_SAVINGS.labels(backend)
        COST.labels(backend)
        for status in ("ok", "error"):
            ANALYSIS_CALLS.labels(backend, status)
    for result in ("hit", "miss", "bypass"):
        ANSWER_CACHE_LOOKUPS.labels(result)
    for source in ("dify", "table", "free"):
        COST_PRICED.labels(source)
    for scope in ("overall", "user"):
        for period in ("daily", "monthly"):
            BUDGET_EXCEEDED.labels(scope, period)
            BUDGET_WARNINGS.labels(scope, period)
    for code in ("analysis_fallback", "budget_exceeded", "quality_warning", "unclear_request"):
        NOTICES.labels(code)
    CIRCUIT_OPENINGS.labels("dify")
    for code in ("analysis_failed", "unavailable", "internal"):
        RUN_FAILURES.labels("unknown", code)
    for severity in ("info", "warning", "critical"):
        FACT_WARNINGS.labels(severity)
    set_circuit_state("dify", "closed")


start_labels()

# --- the change feed (docs/data.md, "Live mode") ----------------------------------------------

CHANGE_EVENTS = Counter(
    "hawk_change_events_total",
    "Change-feed events received (a notification or a decoded change), by HAWK table",
    ["table"],
)
CHANGE_LAG_SECONDS = Histogram(
    "hawk_change_feed_lag_seconds",
    "Time from a write's generation bump (the trigger's clock_timestamp) to this worker "
    "hearing of it",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CHANGE_LISTENER_CONNECTED = Gauge(
    "hawk_change_feed_listener_connected",
    "1 while this worker's change-feed listener is connected (triggers mode) or its slot "
    "reader is running (logical mode), else 0",
    multiprocess_mode="liveall",
)
GENERATION_READS = Counter(
    "hawk_change_feed_generation_reads_total",
    "Reads of the trigger-kept generations, by result (ok, not_installed, error)",
    ["result"],
)

# --- read replicas (docs/operations.md, "Scale-out") ------------------------------------------

REPLICA_FILLS = Counter(
    "hawk_replica_fills_total",
    "Cache fills of a database with read replicas, by where they read (replica, or primary_ "
    "with the reason: behind, lagging, down, unknown)",
    ["database", "served_by"],
)
REPLICA_READS = Counter(
    "hawk_replica_reads_total",
    "Direct reads (the analytics API) of a database with read replicas, by where they read "
    "(replica, or primary_ with the reason: behind, lagging, down, unknown)",
    ["database", "served_by"],
)

"""The Grafana dashboards of the HAWK Agent, built from one definition (DASHBOARDS below).

    python docker/grafana/build_dashboards.py          # writes docker/grafana/dashboards/*.json
    python docker/grafana/build_dashboards.py --check  # fails when the committed JSON differs

Never edit the JSON by hand: change DASHBOARDS and run this script. Every panel has a unit,
every rate uses $__rate_interval, and the Prometheus data source is a variable. Plain Python
and the standard library only, so that tests can import it.
"""

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent / "dashboards"
RATE = "$__rate_interval"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[tuple[str, str], ...]  # (PromQL, legend)
    unit: str  # a Grafana unit id: s, reqps, percentunit, currencyUSD, bytes, short, ...
    kind: str = "timeseries"  # or "stat"
    description: str = ""


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    panels: tuple[Panel, ...] = field(default_factory=tuple)


def rate(metric: str, by: str = "", where: str = "") -> str:
    grouping = f" by ({by})" if by else ""
    selector = f"{metric}{{{where}}}" if where else metric
    return f"sum{grouping} (rate({selector}[{RATE}]))"


def quantile(q: float, histogram: str, by: str = "") -> str:
    labels = ", ".join(filter(None, ["le", by]))
    return f"histogram_quantile({q}, sum by ({labels}) (rate({histogram}_bucket[{RATE}])))"


def ratio(numerator: str, denominator: str) -> str:
    return f"{numerator} / clamp_min({denominator}, 1e-9)"


def panel_of(
    title: str, expr: str, legend: str, unit: str, kind: str = "timeseries", description: str = ""
) -> Panel:
    """A panel of one query."""
    return Panel(title, ((expr, legend),), unit, kind, description)


def latency_panel(title: str, histogram: str, by: str = "", legend: str = "") -> Panel:
    suffix = f" {legend}" if legend else ""
    return Panel(
        title,
        tuple(
            (quantile(q, histogram, by), f"p{round(q * 100)}{suffix}") for q in (0.5, 0.95, 0.99)
        ),
        "s",
    )


PERFORMANCE = Dashboard(
    "hawk-performance",
    "HAWK Agent: performance overview",
    "Traffic, errors and latency of agent runs: is the agent answering, and fast enough?",
    (
        panel_of(
            "Runs per second by status", rate("hawk_runs_total", "status"), "{{status}}", "reqps"
        ),
        panel_of(
            "Run error ratio",
            ratio(rate("hawk_run_failures_total"), rate("hawk_runs_total")),
            "failed / all",
            "percentunit",
            description="SLO: 99% of runs complete; alerts burn-rate based (docs/operations.md)",
        ),
        panel_of(
            "Runs per second by intent", rate("hawk_runs_total", "intent"), "{{intent}}", "reqps"
        ),
        latency_panel("Run duration", "hawk_run_duration_seconds"),
        latency_panel(
            "Time to first event", "hawk_time_to_first_event_seconds", "channel", "{{channel}}"
        ),
        latency_panel(
            "Time to first answer token",
            "hawk_time_to_first_token_seconds",
            "backend",
            "{{backend}}",
        ),
        latency_panel("Extraction duration", "hawk_extraction_seconds"),
        panel_of("Active streams", "sum(hawk_active_streams)", "streams", "short", "stat"),
        panel_of(
            "HTTP requests per second by view",
            rate("django_http_requests_total_by_view_transport_method_total", "view"),
            "{{view}}",
            "reqps",
        ),
        panel_of("Records per run (p95)", quantile(0.95, "hawk_records_per_run"), "p95", "short"),
    ),
)

CACHE = Dashboard(
    "hawk-cache",
    "HAWK Agent: cache performance",
    "The data cache (per source) and the answer cache: hit rates, errors, size and savings.",
    (
        panel_of(
            "Data-cache hit rate",
            ratio(
                rate("hawk_cache_operations_total", where='result="hit"'),
                rate("hawk_cache_operations_total", where='result=~"hit|miss"'),
            ),
            "hit rate",
            "percentunit",
        ),
        panel_of(
            "Data-cache operations by result",
            rate("hawk_cache_operations_total", "result"),
            "{{result}}",
            "ops",
        ),
        panel_of(
            "Data-cache hit rate by source",
            ratio(
                rate("hawk_cache_operations_total", "source", 'result="hit"'),
                rate("hawk_cache_operations_total", "source", 'result=~"hit|miss"'),
            ),
            "{{source}}",
            "percentunit",
        ),
        panel_of(
            "Data-cache errors per second",
            rate("hawk_cache_operations_total", where='result="error"') + " or vector(0)",
            "errors",
            "ops",
        ),
        panel_of(
            "Cache degraded (Redis bypassed)",
            "max(hawk_cache_degraded)",
            "degraded",
            "bool",
            "stat",
        ),
        panel_of(
            "Cache entries by kind", "sum by (kind) (hawk_cache_entries)", "{{kind}}", "short"
        ),
        panel_of("Redis memory", "max(hawk_cache_memory_bytes)", "used", "bytes"),
        latency_panel(
            "Source read duration by source", "hawk_source_read_seconds", "source", "{{source}}"
        ),
        panel_of(
            "Answer-cache lookups by result",
            rate("hawk_answer_cache_lookups_total", "result"),
            "{{result}}",
            "ops",
        ),
        panel_of(
            "Answer-cache hit rate",
            ratio(
                rate("hawk_answer_cache_lookups_total", where='result="hit"'),
                rate("hawk_answer_cache_lookups_total", where='result=~"hit|miss"'),
            ),
            "hit rate",
            "percentunit",
        ),
        panel_of(
            "Answer-cache savings (USD per hour)",
            f"{rate('hawk_answer_cache_saved_usd_total', 'backend')} * 3600",
            "{{backend}}",
            "currencyUSD",
        ),
        panel_of(
            "Answer-cache savings (tokens per second)",
            rate("hawk_answer_cache_saved_tokens_total", "backend"),
            "{{backend}}",
            "short",
        ),
    ),
)

COST_QUALITY = Dashboard(
    "hawk-cost-quality",
    "HAWK Agent: analysis cost and quality",
    "What the LLM costs, what routing and caching save, budgets, and how good answers are.",
    (
        panel_of(
            "LLM cost (USD per hour) by backend",
            f"{rate('hawk_cost_usd_total', 'backend')} * 3600",
            "{{backend}}",
            "currencyUSD",
        ),
        panel_of(
            "Spent today and this month",
            "sum by (period) (hawk_budget_used_usd)",
            "{{period}}",
            "currencyUSD",
            "stat",
        ),
        panel_of(
            "Budget remaining",
            "sum by (period) (hawk_budget_remaining_usd)",
            "{{period}}",
            "currencyUSD",
            "stat",
        ),
        panel_of(
            "Budget used",
            "max by (period) (hawk_budget_used_ratio)",
            "{{period}}",
            "percentunit",
            "stat",
        ),
        panel_of(
            "Runs answered by the built-in analyst because a budget was spent",
            rate("hawk_budget_exceeded_runs_total", "scope, period"),
            "{{scope}} {{period}}",
            "reqps",
        ),
        panel_of(
            "Run cost (p95)",
            quantile(0.95, "hawk_run_cost_usd", "backend"),
            "{{backend}}",
            "currencyUSD",
        ),
        panel_of(
            "Saved by routing look-ups to the built-in analyst (USD per hour)",
            f"{rate('hawk_router_saved_usd_total', 'route')} * 3600",
            "{{route}}",
            "currencyUSD",
        ),
        panel_of(
            "Analyses by route and backend",
            rate("hawk_routed_runs_total", "route, backend"),
            "{{route}} → {{backend}}",
            "reqps",
        ),
        panel_of(
            "Tokens per second by direction",
            rate("hawk_tokens_total", "direction"),
            "{{direction}}",
            "short",
        ),
        panel_of(
            "GenAI tokens per call (p95)",
            quantile(0.95, "gen_ai_client_token_usage", "gen_ai_token_type"),
            "{{gen_ai_token_type}}",
            "short",
        ),
        latency_panel(
            "GenAI operation duration",
            "gen_ai_client_operation_duration_seconds",
            "gen_ai_request_model",
            "{{gen_ai_request_model}}",
        ),
        Panel(
            "Answer quality (median and p5)",
            (
                (quantile(0.5, "hawk_answer_quality_score"), "median"),
                (quantile(0.05, "hawk_answer_quality_score"), "p5"),
            ),
            "percentunit",
        ),
        panel_of(
            "Unverified numbers per second",
            rate("hawk_answer_unverified_numbers_total", "backend"),
            "{{backend}}",
            "short",
        ),
        panel_of(
            "Fallback ratio (Dify failed, the built-in analyst answered)",
            ratio(
                rate("hawk_notices_total", where='code="analysis_fallback"'),
                rate("hawk_analysis_calls_total", where='backend="dify"'),
            ),
            "fallbacks / Dify calls",
            "percentunit",
        ),
        panel_of(
            "Runs by template and variant",
            rate("hawk_template_runs_total", "template, variant"),
            "{{template}} / {{variant}}",
            "reqps",
        ),
        panel_of(
            "Runs priced by source",
            rate("hawk_cost_priced_runs_total", "source"),
            "{{source}}",
            "reqps",
        ),
    ),
)

SYSTEM = Dashboard(
    "hawk-system",
    "HAWK Agent: system health",
    "Backends, circuit breaker, database pool, thresholds seen in the data, build.",
    (
        panel_of(
            "Circuit-breaker state (Dify)",
            'max by (state) (hawk_circuit_state{backend="dify"})',
            "{{state}}",
            "bool",
            "stat",
        ),
        panel_of(
            "Circuit openings (last hour)",
            "sum(increase(hawk_circuit_openings_total[1h]))",
            "openings",
            "short",
            "stat",
        ),
        panel_of(
            "Analysis calls per second by backend and status",
            rate("hawk_analysis_calls_total", "backend, status"),
            "{{backend}} {{status}}",
            "reqps",
        ),
        latency_panel(
            "Analysis duration", "hawk_analysis_duration_seconds", "backend", "{{backend}}"
        ),
        panel_of(
            "Notices per second by code", rate("hawk_notices_total", "code"), "{{code}}", "reqps"
        ),
        panel_of(
            "Failed runs per second by intent and code",
            rate("hawk_run_failures_total", "intent, code") + " or vector(0)",
            "{{intent}} {{code}}",
            "reqps",
        ),
        Panel(
            "Database pool waits per second",
            (
                (rate("hawk_db_pool_waits_total"), "waits"),
                (rate("hawk_db_pool_errors_total"), "errors"),
            ),
            "ops",
        ),
        panel_of(
            "Database pool wait time",
            rate("hawk_db_pool_wait_seconds_total"),
            "seconds waited per second",
            "s",
        ),
        panel_of(
            "Thresholds by currency and status",
            "sum by (currency, status) (hawk_threshold_statuses)",
            "{{currency}} {{status}}",
            "short",
        ),
        panel_of(
            "Threshold breaches (last hour)",
            "sum by (currency, level) (increase(hawk_threshold_breaches_total[1h]))",
            "{{currency}} {{level}}",
            "short",
        ),
        panel_of(
            "Fact warnings per second by severity",
            rate("hawk_fact_warnings_total", "severity"),
            "{{severity}}",
            "short",
        ),
        panel_of("Context size (p95)", quantile(0.95, "hawk_context_chars"), "characters", "short"),
        panel_of("Build", "max by (version) (hawk_build_info)", "{{version}}", "short", "stat"),
    ),
)

DASHBOARDS = (PERFORMANCE, CACHE, COST_QUALITY, SYSTEM)


def panel_json(panel: Panel, panel_id: int) -> dict:
    width = 12 if panel.kind == "timeseries" else 6
    row, column = divmod(panel_id - 1, 2)
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"h": 8, "w": width, "x": column * 12, "y": row * 8},
        "fieldConfig": {"defaults": {"unit": panel.unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}},
        "targets": [
            {
                "refId": chr(ord("A") + index),
                "datasource": DATASOURCE,
                "expr": expr,
                "legendFormat": legend,
                "range": True,
            }
            for index, (expr, legend) in enumerate(panel.queries)
        ],
    }


def dashboard_json(dashboard: Dashboard) -> dict:
    datasource_variable = {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
        "hide": 0,
        "refresh": 1,
    }
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": ["hawk"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [datasource_variable]},
        "panels": [panel_json(panel, i) for i, panel in enumerate(dashboard.panels, start=1)],
    }


def rendered() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    return {
        f"{dashboard.uid}.json": json.dumps(dashboard_json(dashboard), indent=2, ensure_ascii=False)
        + "\n"
        for dashboard in DASHBOARDS
    }


def queries() -> list[tuple[str, str, str]]:
    """(dashboard uid, panel title, PromQL) of every panel query."""
    return [
        (dashboard.uid, panel.title, expr)
        for dashboard in DASHBOARDS
        for panel in dashboard.panels
        for expr, _ in panel.queries
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    stale = []
    for name, text in rendered().items():
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print("out of date (run docker/grafana/build_dashboards.py):", ", ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

"""Read-only analytics for the Angular dashboards. Hedge figures come from the agent's fact
functions (hedge_figures.py); usage figures from prompt history. One query per figure family.

Each figure family reads a read replica when one is configured and exact for the tables it
reads (hawk.datacache.replica_reads.read_exactly: the pipeline's rules), else the primary."""

import dataclasses
import datetime
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncHour

from analytics.hedge_figures import (
    all_currency_records,
    analysis_date,
    currency_codes,
    facts_for,
)
from hawk.analysis.cost import usd_text
from hawk.database.routers import HAWK_TABLES
from hawk.datacache.replica_reads import read_exactly
from hawk.models import AgentRun, BusinessDate, HedgeInstruction, PositionNav
from hawk.pipeline.extract import read_spec
from hawk.pipeline.facts import present
from hawk.pipeline.facts.reviews import effectiveness_tests
from hawk.sources import source_spec

T = TypeVar("T")
# The hedge figures read the HAWK tables and the business date; usage reads history and users.
HEDGE_TABLES = (*sorted(HAWK_TABLES), BusinessDate._meta.db_table)
USAGE_TABLES = (AgentRun._meta.db_table, "auth_user")


def on_replica(tables: tuple[str, ...]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(figures: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(figures)
        def read(*args: Any, **kwargs: Any) -> T:
            return read_exactly(tables, lambda: figures(*args, **kwargs))

        return read

    return decorate


# Instructions still in one of these after this many days are "stuck".
OPEN_STATUSES = ("Received", "Validated", "Approved")
STUCK_AFTER_DAYS = 3


@on_replica(HEDGE_TABLES)
def capacity_overview(*, currency: str | None, as_of: datetime.date | None) -> dict[str, Any]:
    """Per currency: the capacity rows and totals of the agent's facts (never summed across
    currencies: each total is in its own currency)."""
    business_date = analysis_date(as_of)
    records = all_currency_records("utilisation", business_date)
    currencies = []
    for code in currency_codes(currency):
        facts = facts_for("utilisation", code, business_date, records)
        section = facts.get("capacity") or {
            "rows": [],
            "total_sfx": "0.00",
            "total_hedged": "0.00",
            "total_available": "0.00",
        }
        currencies.append({"currency": code, **section, "warnings": facts["warnings"]})
    return {"business_date": business_date.isoformat(), "currencies": currencies}


@on_replica(HEDGE_TABLES)
def threshold_overview(*, as_of: datetime.date | None = None) -> dict[str, Any]:
    """Every active threshold with its current value and status, each computed as the agent
    does for its currency; general thresholds (no currency) once."""
    business_date = analysis_date(as_of)
    records = all_currency_records("monitoring", business_date, skip=("instructions",))
    rows, warnings = [], []
    for code in currency_codes(None):
        facts = facts_for("monitoring", code, business_date, records)
        rows += [row for row in facts.get("thresholds", []) if row["currency"] == code]
        warnings += [{"currency": code, **warning} for warning in facts["warnings"]]
    general = facts_for("monitoring", None, business_date, records)
    rows += [row for row in general.get("thresholds", []) if row["currency"] is None]
    return {"business_date": business_date.isoformat(), "thresholds": rows, "warnings": warnings}


@on_replica(HEDGE_TABLES)
def effectiveness_overview(
    *, date_from: datetime.date | None, date_to: datetime.date | None, currency: str | None
) -> dict[str, Any]:
    """The dollar-offset tests of the period (the agent's effectiveness facts), with failures."""
    spec = dataclasses.replace(source_spec("effectiveness"), limit=None)
    filters: dict[str, Any] = {}
    if date_from:
        filters["measurement_date__gte"] = date_from
    if date_to:
        filters["measurement_date__lte"] = date_to
    if currency:
        filters["currency_code"] = currency
    materiality = Decimal(settings.HAWK_EFFECTIVENESS_MATERIALITY)
    tests = effectiveness_tests(read_spec(spec, filters), materiality=materiality)
    section = present.effectiveness_section(tests, materiality)
    section["failures"] = [test for test in section["tests"] if test["result"] == "FAIL"]
    return section


@on_replica(HEDGE_TABLES)
def exceptions_overview() -> dict[str, Any]:
    """What needs a look: failed or partial checks, threshold breaches and warnings, data
    quality problems, stale or missing rates, instructions stuck in an open status."""
    thresholds = threshold_overview()
    business_date = datetime.date.fromisoformat(thresholds["business_date"])
    return {
        "business_date": thresholds["business_date"],
        "failed_checks": _failed_checks(),
        "threshold_alerts": [
            row
            for row in thresholds["thresholds"]
            if row["status"] in ("WARN", "CRITICAL", "BREACH", "UNKNOWN")
        ],
        "rate_problems": [
            warning
            for warning in thresholds["warnings"]
            if warning["code"].startswith(("RATE_", "NO_RATE"))
        ],
        "data_quality": _data_quality_problems(),
        "stuck_instructions": _stuck_instructions(business_date),
    }


def _failed_checks() -> list[dict[str, Any]]:
    rows = HedgeInstruction.objects.filter(check_status__in=("Fail", "Partial")).order_by(
        "-instruction_date"
    )
    return list(
        rows.values(
            "instruction_id",
            "order_id",
            "exposure_currency",
            "check_status",
            "failure_reason",
            "instruction_date",
        )
    )


def _data_quality_problems() -> list[dict[str, Any]]:
    rows = PositionNav.objects.exclude(data_quality_status="Validated").order_by("-as_of_date")
    return list(
        rows.values(
            "nav_id",
            "entity_id",
            "as_of_date",
            "data_quality_status",
            "data_quality_notes",
            currency_code=F("currency_id"),  # the HAWK column name, as everywhere in the API
        )
    )


def _stuck_instructions(business_date: datetime.date) -> list[dict[str, Any]]:
    cutoff = business_date - datetime.timedelta(days=STUCK_AFTER_DAYS)
    rows = HedgeInstruction.objects.filter(
        instruction_status__in=OPEN_STATUSES, instruction_date__lt=cutoff
    )
    return list(
        rows.order_by("instruction_date").values(
            "instruction_id", "order_id", "instruction_status", "instruction_date"
        )
    )


# --- usage (prompt history) -----------------------------------------------------------------

GROUPS = ("intent", "backend", "status", "channel", "template_id", "cache_status", "answer_cache")


def usage_runs(
    *, date_from: datetime.datetime | None, date_to: datetime.datetime | None, user: str | None
) -> QuerySet[AgentRun]:
    runs = AgentRun.objects.all()
    if date_from:
        runs = runs.filter(created_at__gte=date_from)
    if date_to:
        runs = runs.filter(created_at__lt=date_to)
    if user:
        runs = runs.filter(user__username=user)
    return runs


@on_replica(USAGE_TABLES)
def usage_overview(*, runs: QuerySet[AgentRun], granularity: str) -> dict[str, Any]:
    trunc = TruncHour if granularity == "hour" else TruncDay
    series = (
        runs.annotate(bucket=trunc("created_at"))
        .values("bucket")
        .annotate(runs=Count("pk"))
        .order_by("bucket")
    )
    by = {group: _counts(runs, group) for group in GROUPS}
    return {
        "totals": _totals(runs),
        "series": [{"at": row["bucket"].isoformat(), "runs": row["runs"]} for row in series],
        "by_intent": by["intent"],
        "by_backend": by["backend"],
        "by_status": by["status"],
        "by_channel": by["channel"],
        "by_template": by["template_id"],
        "data_cache": _rates(by["cache_status"]),
        "answer_cache": _rates(by["answer_cache"]),
        "latency_ms": _percentiles(runs),
    }


def _counts(runs: QuerySet[AgentRun], column: str) -> dict[str, int]:
    rows = runs.values(column).annotate(n=Count("pk")).order_by(column)
    return {str(row[column]) if row[column] not in (None, "") else "none": row["n"] for row in rows}


def _rates(counts: dict[str, int]) -> dict[str, Any]:
    looked_up = counts.get("hit", 0) + counts.get("miss", 0) + counts.get("partial", 0)
    return {**counts, "hit_rate": round(counts.get("hit", 0) / looked_up, 4) if looked_up else None}


def _totals(runs: QuerySet[AgentRun]) -> dict[str, Any]:
    totals = runs.aggregate(
        runs=Count("pk"),
        prompt_tokens=Sum("prompt_tokens"),
        completion_tokens=Sum("completion_tokens"),
        cost=Sum("total_price"),
        quality_mean=Avg("quality_score"),
        likes=Count("pk", filter=Q(feedback_rating="like")),
        dislikes=Count("pk", filter=Q(feedback_rating="dislike")),
    )
    return {
        **totals,
        "prompt_tokens": totals["prompt_tokens"] or 0,
        "completion_tokens": totals["completion_tokens"] or 0,
        "cost": usd_text(totals["cost"]),
        "quality_mean": str(round(totals["quality_mean"], 4))
        if totals["quality_mean"] is not None
        else None,
    }


def _percentiles(runs: QuerySet[AgentRun]) -> dict[str, Any]:
    """p50/p95/p99 of total and first-token latency (one query; computed here because the
    timings are JSON)."""
    timings = list(runs.exclude(timings={}).values_list("timings", flat=True))
    result = {}
    for name in ("total_ms", "first_token_ms"):
        values = sorted(float(t[name]) for t in timings if isinstance(t.get(name), int | float))
        result[name] = {f"p{p}": _percentile(values, p) for p in (50, 95, 99)}
    return result


def _percentile(values: list[float], p: int) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    rank = max(1, -(-p * len(values) // 100))
    return round(values[rank - 1], 3)


@on_replica(USAGE_TABLES)
def usage_by_user(*, runs: QuerySet[AgentRun], limit: int = 20) -> dict[str, Any]:
    """The most active and the most expensive users, as tables (SQL, never metric labels)."""
    per_user = runs.values("user__username").annotate(
        runs=Count("pk"),
        tokens=Sum("prompt_tokens") + Sum("completion_tokens"),
        cost=Sum("total_price"),
    )

    def table(order: str) -> list[dict[str, Any]]:
        rows = per_user.order_by(order, "user__username")[:limit]
        return [
            {
                "user": row["user__username"],
                "runs": row["runs"],
                "tokens": row["tokens"] or 0,
                "cost": usd_text(row["cost"]),
            }
            for row in rows
        ]

    return {"most_active": table("-runs"), "most_expensive": table("-cost")}

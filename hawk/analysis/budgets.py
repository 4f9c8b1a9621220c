"""LLM budgets: what was spent today and this month, overall and per user, against the
HAWK_BUDGET_* settings. The spend is the sum of the runs' recorded cost (AgentRun.total_price,
USD), so every worker sees the same figures; runs in flight hold a reservation of their
expected cost (AgentRun.reserved_usd), settled by the recorded price when they end.

`budget_status()` is the read for /system/status and the metrics; `budget_reserve()` is the
atomic check-and-reserve made before an analysis that would call the LLM: the reservations of
all workers are made one at a time (a Postgres advisory lock), so never more is in flight than
the budget left.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from hawk.models import AgentRun
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

Scope = Literal["overall", "user"]
Period = Literal["daily", "monthly"]
PERIODS: tuple[Period, ...] = ("daily", "monthly")
# The advisory lock key that serialises reservations ("HAWK" in ASCII).
RESERVATION_LOCK = 0x4841574B


@dataclass(frozen=True)
class Budget:
    scope: Scope
    period: Period
    limit_usd: Decimal | None  # None: no budget set (0 in the settings)
    used_usd: Decimal
    period_start: datetime.datetime
    reserved_usd: Decimal = Decimal(0)  # held by the runs in flight

    @property
    def remaining_usd(self) -> Decimal | None:
        if self.limit_usd is None:
            return None
        return max(self.limit_usd - self.used_usd - self.reserved_usd, Decimal(0))

    def allows(self, expected_usd: Decimal) -> bool:
        """Whether a run expected to cost this much fits in what is left."""
        return self.remaining_usd is None or expected_usd <= self.remaining_usd

    @property
    def used_ratio(self) -> float | None:
        return None if not self.limit_usd else float(self.used_usd / self.limit_usd)

    @property
    def spent(self) -> bool:
        return self.limit_usd is not None and self.used_usd >= self.limit_usd

    @property
    def warning(self) -> bool:
        ratio = self.used_ratio
        return ratio is not None and ratio >= settings.HAWK_BUDGET_WARNING_RATIO

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready; amounts as strings (USD, 6 decimals)."""

        def usd(value: Decimal | None) -> str | None:
            return None if value is None else f"{value.quantize(Decimal('0.000001'))}"

        return {
            "scope": self.scope,
            "period": self.period,
            "limit_usd": usd(self.limit_usd),
            "used_usd": usd(self.used_usd),
            "reserved_usd": usd(self.reserved_usd),
            "remaining_usd": usd(self.remaining_usd),
            "used_ratio": None if self.used_ratio is None else round(self.used_ratio, 4),
            "period_start": self.period_start.isoformat(),
        }


def period_start(period: Period, now: datetime.datetime) -> datetime.datetime:
    """The start of the UTC day or month holding `now`: budgets turn over at UTC midnight."""
    day = now.astimezone(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day if period == "daily" else day.replace(day=1)


def _limit(scope: Scope, period: Period) -> Decimal | None:
    name = f"HAWK_BUDGET_{'USER_' if scope == 'user' else ''}{period.upper()}_USD"
    limit: Decimal = getattr(settings, name)
    return limit or None


def _used(start: datetime.datetime, user_id: int | None) -> tuple[Decimal, Decimal]:
    """The recorded spend and the reservations of the runs in flight since `start`."""
    runs = AgentRun.objects.filter(created_at__gte=start)
    if user_id is not None:
        runs = runs.filter(user_id=user_id)
    sums = runs.aggregate(used=Sum("total_price"), reserved=Sum("reserved_usd"))
    return sums["used"] or Decimal(0), sums["reserved"] or Decimal(0)


def _budget(scope: Scope, period: Period, user_id: int | None, now: datetime.datetime) -> Budget:
    start = period_start(period, now)
    used, reserved = _used(start, user_id if scope == "user" else None)
    return Budget(scope, period, _limit(scope, period), used, start, reserved)


def budget_status(
    *, user_id: int | None = None, now: datetime.datetime | None = None
) -> list[Budget]:
    """The overall daily and monthly budgets, and the user's when `user_id` is given.
    For /system/status: `[budget.as_dict() for budget in budget_status()]`."""
    now = now or timezone.now()
    scopes: list[tuple[Scope, int | None]] = [("overall", None)]
    if user_id is not None:
        scopes.append(("user", user_id))
    return [_budget(scope, period, uid, now) for scope, uid in scopes for period in PERIODS]


def budget_reserve(
    *, run_id: uuid.UUID, user_id: int | None, expected_usd: Decimal
) -> Budget | None:
    """Reserve the run's expected cost against every budget, or name the first budget it would
    overrun (the run must not call the LLM). Atomic across workers; settled by run_finish."""
    if not any(_limit(scope, period) for scope in ("overall", "user") for period in PERIODS):
        return None
    with transaction.atomic():
        _lock_reservations()
        budgets = budget_status(user_id=user_id)
        refusing = next((b for b in budgets if not b.allows(expected_usd)), None)
        if refusing is None:
            AgentRun.objects.filter(run_id=run_id).update(reserved_usd=expected_usd)
    if refusing is not None:
        metrics.BUDGET_EXCEEDED.labels(refusing.scope, refusing.period).inc()
        return refusing
    _warn_nearly_spent(budgets)
    return None


def _lock_reservations() -> None:
    """Held to the end of the transaction. SQLite (a laptop) writes one at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESERVATION_LOCK])


def _warn_nearly_spent(budgets: list[Budget]) -> None:
    """Budgets past their warning ratio are logged and counted."""
    for budget in budgets:
        if budget.limit_usd is None or not budget.warning:
            continue
        metrics.BUDGET_WARNINGS.labels(budget.scope, budget.period).inc()
        logger.warning(
            "%s %s LLM budget %.0f%% used (%s of %s USD)",
            budget.scope,
            budget.period,
            (budget.used_ratio or 0) * 100,
            budget.used_usd,
            budget.limit_usd,
        )


def spent_message(budget: Budget) -> str:
    whose = "your" if budget.scope == "user" else "the"
    return (
        f"{whose} {budget.period} LLM budget ({budget.limit_usd} USD) is spent (or held by runs "
        "in flight); the built-in "
        "analyst answers until it turns over"
    )

"""LLM budgets: what was spent today and this month, overall and per user, against the
HAWK_BUDGET_* settings. The spend is the sum of the runs' recorded cost (AgentRun.total_price,
USD), so every worker sees the same figures.

`budget_status()` is the read for /system/status and the metrics; `budget_spent()` is the
check made before an analysis that would call the LLM.
"""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from hawk.models import AgentRun
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

Scope = Literal["overall", "user"]
Period = Literal["daily", "monthly"]
PERIODS: tuple[Period, ...] = ("daily", "monthly")


@dataclass(frozen=True)
class Budget:
    scope: Scope
    period: Period
    limit_usd: Decimal | None  # None: no budget set (0 in the settings)
    used_usd: Decimal
    period_start: datetime.datetime

    @property
    def remaining_usd(self) -> Decimal | None:
        return None if self.limit_usd is None else max(self.limit_usd - self.used_usd, Decimal(0))

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


def _used(start: datetime.datetime, user_id: int | None) -> Decimal:
    runs = AgentRun.objects.filter(created_at__gte=start)
    if user_id is not None:
        runs = runs.filter(user_id=user_id)
    return runs.aggregate(total=Sum("total_price"))["total"] or Decimal(0)


def _budget(scope: Scope, period: Period, user_id: int | None, now: datetime.datetime) -> Budget:
    start = period_start(period, now)
    used = _used(start, user_id if scope == "user" else None)
    return Budget(scope, period, _limit(scope, period), used, start)


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


def budget_spent(*, user_id: int | None) -> Budget | None:
    """The first budget that is spent (the run must not call the LLM), else None. Budgets
    past their warning ratio are logged and counted."""
    for budget in budget_status(user_id=user_id):
        if budget.limit_usd is None:
            continue
        if budget.spent:
            metrics.BUDGET_EXCEEDED.labels(budget.scope, budget.period).inc()
            return budget
        if budget.warning:
            metrics.BUDGET_WARNINGS.labels(budget.scope, budget.period).inc()
            logger.warning(
                "%s %s LLM budget %.0f%% used (%s of %s USD)",
                budget.scope,
                budget.period,
                (budget.used_ratio or 0) * 100,
                budget.used_usd,
                budget.limit_usd,
            )
    return None


def spent_message(budget: Budget) -> str:
    whose = "your" if budget.scope == "user" else "the"
    return (
        f"{whose} {budget.period} LLM budget ({budget.limit_usd} USD) is spent; the built-in "
        "analyst answers until it turns over"
    )

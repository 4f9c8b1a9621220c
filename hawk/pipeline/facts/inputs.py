"""The FactsInput of a plan's parameters and records, tuned by the HAWK_* settings."""

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from hawk.pipeline.facts import FactsInput


def facts_input(
    *,
    intent: str,
    parameters: Mapping[str, Any],
    business_date: datetime.date,
    as_of: datetime.date | None,
    records: Mapping[str, Sequence[Mapping[str, Any]]],
    now: datetime.datetime | None = None,
) -> FactsInput:
    """`parameters` are a plan's (JSON-ready: the amount may be text); `now` defaults to the
    current time. Kept out of the facts package's __init__, which stays free of settings."""
    amount = parameters.get("amount")
    return FactsInput(
        intent=intent,
        currency=parameters.get("currency"),
        amount=Decimal(amount) if amount is not None else None,
        nav_type=parameters.get("nav_type"),
        entity_id=parameters.get("entity_id"),
        order_id=parameters.get("order_id"),
        unknown_currency=parameters.get("unknown_currency"),
        business_date=business_date,
        as_of=as_of,
        records=records,
        now=timezone.now() if now is None else now,
        rate_max_age_hours=settings.HAWK_RATE_MAX_AGE_HOURS,
        rollover_window_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
        effectiveness_materiality=Decimal(settings.HAWK_EFFECTIVENESS_MATERIALITY),
    )

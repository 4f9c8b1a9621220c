"""Capacity and threshold figures for every currency, from the agent's own fact functions.

Each source of the agent's plan is read once for all currencies (one query per source, the
plan's filters without the currency); each currency then gets exactly the records its own plan
would have read (the plan's filters, applied in memory) and goes through `compute_facts`, the
function that computes the agent's facts. There is no second implementation of a figure.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from hawk.filters import record_matches
from hawk.models import Currency
from hawk.pipeline.business_date import current_business_date
from hawk.pipeline.extract import read_spec
from hawk.pipeline.facts import compute_facts
from hawk.pipeline.facts.inputs import facts_input
from hawk.pipeline.plan import INTENT_SOURCES, bindings, make_plan, source_filters
from hawk.sources import source_spec

Records = dict[str, list[dict[str, Any]]]


def all_currency_records(
    intent: str, business_date: datetime.date, skip: Iterable[str] = ()
) -> Records:
    """Every source of the intent's plan, read once without a currency filter. Summed sources
    are also grouped by currency so that each currency's share can be told apart."""
    unbound = bindings({}, business_date, settings.HAWK_ROLLOVER_WINDOW_DAYS)
    records = {}
    for name in INTENT_SOURCES[intent]:
        if name in skip:
            continue
        spec = source_spec(name)
        if spec.shape == "sum":
            spec = dataclasses.replace(spec, group_by=("currency_code", *spec.group_by))
        records[name] = read_spec(spec, source_filters(intent, name, unbound))
    return records


def currency_records(
    intent: str, currency: str | None, business_date: datetime.date, records: Records
) -> Records:
    """The records the agent's plan for this currency reads, picked from all currencies'."""
    plan = make_plan(
        intent=intent,
        template_category=intent,
        parameters={"currency": currency},
        business_date=business_date,
        rollover_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
    )
    return {
        read.name: [row for row in records[read.name] if record_matches(row, read.filters)]
        for read in plan.sources
        if read.name in records
    }


def facts_for(
    intent: str, currency: str | None, business_date: datetime.date, records: Records
) -> dict[str, Any]:
    """The agent's facts (compute_facts) for one currency and no requested amount."""
    data = facts_input(
        intent=intent,
        parameters={"currency": currency},
        business_date=business_date,
        as_of=None,
        records=currency_records(intent, currency, business_date, records),
    )
    return compute_facts(data).facts


def analysis_date(as_of: datetime.date | None) -> datetime.date:
    return as_of or current_business_date(None)


def currency_codes(currency: str | None) -> list[str]:
    codes = Currency.objects.order_by("currency_code").values_list("currency_code", flat=True)
    return [currency] if currency else list(codes)

"""The data sources a plan may read: each one a real model, its columns, and how it is shaped.

A plan is data (source names and filters); extraction is one generic function over it. Every
name here maps to a model that exists, so a plan cannot ask for a table that silently returns
nothing. Records are dicts keyed by the table's column names (`currency_code`, `entity_id`),
values as the database returns them (Decimal, date, datetime, str, bool, None).

Shapes:
- rows:   the matching rows, ordered, optionally limited.
- latest: per `group_by` key, only the row with the greatest `date_field` (after filters).
- sum:    per `group_by` key, the sum of `sum_field` (aggregated in SQL, not in Python).
"""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from django.db import models

from hawk import models as hawk

Shape = Literal["rows", "latest", "sum"]

# Lookups a plan filter may use, beyond plain equality (hawk/filters.py: what each means, in
# SQL and in memory). `in_or_null` matches a value in the list or NULL: configuration rows
# whose null column means "applies to all".
LOOKUPS = ("exact", "in", "lt", "lte", "gte", "range", "isnull", "in_or_null", "lte_or_null")
# Each lookup in words, for the pages that show a plan's filters to people.
LOOKUP_WORDS = {
    "": "is",
    "exact": "is",
    "in": "is one of",
    "lt": "before",
    "lte": "on or before",
    "gte": "on or after",
    "range": "between",
    "isnull": "is empty:",
    "in_or_null": "is one of (or none)",
    "lte_or_null": "on or before (or none)",
}

HOURS = 3600

# How much of each source a plan reads (ARCHITECTURE.md): a template may fix it.
SCOPES = ("minimal", "targeted", "comprehensive")


@dataclass(frozen=True)
class SourceSpec:
    name: str
    model: type[models.Model]
    columns: tuple[str, ...]
    filterable: tuple[str, ...]
    shape: Shape = "rows"
    order_by: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    sum_field: str = ""
    date_field: str = ""
    limit: int | None = None
    description: str = ""
    fixed_filters: dict[str, object] = field(default_factory=dict)
    # Exact invalidation (generations) makes long TTLs safe; market data still turns over.
    ttl: int = 6 * HOURS

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @cached_property
    def fingerprint(self) -> str:
        """What the source's cached records look like (columns, shape, fixed filters...): part
        of its cache key, so a deploy that changes it never reads entries of the old shape."""
        shape = [
            self.table,
            self.columns,
            self.shape,
            self.order_by,
            self.group_by,
            self.sum_field,
            self.date_field,
            self.limit,
            self.fixed_filters,
        ]
        material = json.dumps(shape, sort_keys=True, default=str).encode()
        return hashlib.blake2b(material, digest_size=6).hexdigest()


SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            "currencies",
            hawk.Currency,
            columns=(
                "currency_code",
                "currency_name",
                "currency_type",
                "is_deliverable",
                "proxy_currency",
                "settlement_days",
                "minimum_deal_size",
                "maximum_deal_size",
                "lot_size",
                "hedge_accounting_eligible",
                "active_flag",
            ),
            filterable=("currency_code",),
            order_by=("currency_code",),
            description="currency configuration: type, deal size limits, lot size",
        ),
        SourceSpec(
            "entities",
            hawk.Entity,
            columns=(
                "entity_id",
                "entity_name",
                "entity_type",
                "currency_code",
                "car_exemption_flag",
                "active_flag",
                "parent_entity_id",
                "region",
            ),
            filterable=("currency_code", "entity_id", "entity_type", "active_flag"),
            order_by=("entity_id",),
            description="entities exposed to the currency",
        ),
        SourceSpec(
            "frameworks",
            hawk.HedgingFramework,
            columns=(
                "entity_id",
                "currency_code",
                "framework_type",
                "hedge_ratio",
                "effectiveness_threshold_lower",
                "effectiveness_threshold_upper",
            ),
            filterable=("currency_code", "entity_id", "effective_date"),
            fixed_filters={"active_flag": "Y"},
            order_by=("entity_id",),
            description="active hedging frameworks (Fully Hedge or in excess of optimal CAR)",
        ),
        SourceSpec(
            "buffers",
            hawk.BufferConfiguration,
            columns=(
                "buffer_rule_id",
                "entity_id",
                "currency_code",
                "nav_type",
                "buffer_percentage",
                "rule_priority",
            ),
            filterable=("currency_code", "entity_id", "nav_type", "effective_date"),
            fixed_filters={"active_flag": "Y"},
            order_by=("rule_priority", "buffer_rule_id"),
            description="active buffer rules that may apply",
        ),
        SourceSpec(
            "overlays",
            hawk.OverlayConfiguration,
            columns=("entity_id", "nav_type", "overlay_amount"),
            filterable=("currency_code", "entity_id", "nav_type"),
            fixed_filters={"approval_status": "Approved"},
            shape="sum",
            group_by=("entity_id", "nav_type"),
            sum_field="overlay_amount",
            order_by=("entity_id", "nav_type"),
            description="approved overlays, summed per entity and NAV type",
        ),
        SourceSpec(
            "positions",
            hawk.PositionNav,
            columns=(
                "nav_id",
                "entity_id",
                "currency_code",
                "nav_type",
                "as_of_date",
                "current_position",
                "coi_amount",
                "re_amount",
                "optimal_car_amount",
                "data_quality_status",
            ),
            filterable=("currency_code", "entity_id", "nav_type", "as_of_date"),
            fixed_filters={"position_type": "NET"},
            shape="latest",
            group_by=("entity_id", "currency_code", "nav_type"),
            date_field="as_of_date",
            order_by=("entity_id", "nav_type"),
            description="latest NET position per entity and NAV type up to the business date",
        ),
        SourceSpec(
            "hedged",
            hawk.Allocation,
            columns=("currency_code", "entity_id", "nav_type", "hedge_amount_allocation"),
            filterable=("currency_code", "entity_id", "nav_type"),
            fixed_filters={"allocation_status__in": ["Approved", "Executed"]},
            shape="sum",
            group_by=("currency_code", "entity_id", "nav_type"),
            sum_field="hedge_amount_allocation",
            order_by=("currency_code", "entity_id", "nav_type"),
            description="hedged amounts (Approved and Executed allocations) per entity and NAV",
        ),
        SourceSpec(
            "allocations",
            hawk.Allocation,
            columns=(
                "allocation_id",
                "request_id",
                "entity_id",
                "currency_code",
                "nav_type",
                "hedge_amount_allocation",
                "allocation_status",
                "execution_date",
                "maturity_date",
                "notes",
            ),
            filterable=(
                "currency_code",
                "entity_id",
                "nav_type",
                "allocation_status",
                "maturity_date",
                "request_id",
            ),
            order_by=("maturity_date", "allocation_id"),
            limit=500,
            description="individual allocations (for rollover and termination)",
        ),
        SourceSpec(
            "thresholds",
            hawk.ThresholdConfiguration,
            columns=(
                "threshold_id",
                "threshold_type",
                "currency_code",
                "entity_type",
                "warning_level",
                "critical_level",
                "maximum_limit",
                "unit_of_measure",
            ),
            filterable=("currency_code", "threshold_type", "effective_date"),
            fixed_filters={"active_flag": "Y"},
            order_by=("threshold_type", "threshold_id"),
            description="active thresholds (PB deposit, CAR, deviation, concentration)",
        ),
        SourceSpec(
            "waterfall",
            hawk.WaterfallLogicConfiguration,
            columns=(
                "waterfall_type",
                "currency_code",
                "entity_type",
                "nav_type",
                "priority_level",
            ),
            filterable=("currency_code", "waterfall_type", "effective_date"),
            order_by=("waterfall_type", "priority_level"),
            description="waterfall priorities (Opening and Closing)",
        ),
        SourceSpec(
            "rates",
            hawk.CurrencyRate,
            columns=("currency_pair", "rate_type", "rate_value", "effective_date"),
            filterable=("currency_pair", "effective_date"),
            fixed_filters={"rate_type": "SPOT"},
            shape="latest",
            group_by=("currency_pair",),
            date_field="effective_date",
            order_by=("currency_pair",),
            description="latest SPOT rate per currency pair",
            ttl=300,
        ),
        SourceSpec(
            "booking_models",
            hawk.InstructionEventConfig,
            columns=(
                "nav_type",
                "currency_type",
                "hedging_instrument",
                "accounting_method",
                "booking_model",
                "deal_count",
                "gl_entry_count",
            ),
            filterable=("nav_type", "currency_type"),
            order_by=("booking_model",),
            description="booking models by NAV type and currency type",
        ),
        SourceSpec(
            "instructions",
            hawk.HedgeInstruction,
            columns=(
                "instruction_id",
                "msg_uid",
                "instruction_type",
                "instruction_date",
                "exposure_currency",
                "entity_id",
                "nav_type",
                "order_id",
                "previous_order_id",
                "hedge_amount_order",
                "hedge_method",
                "value_date",
                "tenor_or_maturity",
                "instruction_status",
                "check_status",
                "allocated_notional",
                "not_allocated_notional",
                "usd_pb_check_status",
                "failure_reason",
            ),
            filterable=(
                "exposure_currency",
                "entity_id",
                "order_id",
                "previous_order_id",
                "instruction_status",
                "instruction_type",
                "instruction_date",
            ),
            order_by=("-instruction_date", "-instruction_id"),
            limit=200,
            description="hedge instructions, newest first",
        ),
        SourceSpec(
            "business_events",
            hawk.HedgeBusinessEvent,
            columns=(
                "event_id",
                "instruction_id",
                "entity_id",
                "business_event_type",
                "nav_type",
                "currency_code",
                "notional_amount",
                "trade_date",
                "value_date",
                "maturity_date",
                "event_status",
                "stage_2_status",
                "assigned_booking_model",
            ),
            filterable=("currency_code", "entity_id", "event_status", "instruction_id"),
            order_by=("-trade_date", "-event_id"),
            limit=200,
            description="business events raised from approved instructions",
        ),
        SourceSpec(
            "deals",
            hawk.DealBooking,
            columns=(
                "deal_booking_id",
                "event_id",
                "deal_sequence",
                "deal_type",
                "sell_currency",
                "sell_amount",
                "buy_currency",
                "buy_amount",
                "fx_rate",
                "trade_date",
                "value_date",
                "maturity_date",
                "deal_status",
                "external_reference",
            ),
            filterable=("event_id", "deal_status", "sell_currency", "buy_currency"),
            order_by=("-trade_date", "event_id", "deal_sequence"),
            limit=300,
            description="Murex deal bookings",
        ),
        SourceSpec(
            "gl_entries",
            hawk.GlEntry,
            columns=(
                "gl_entry_id",
                "event_id",
                "entry_type",
                "posting_date",
                "debit_account",
                "credit_account",
                "amount_sgd",
                "entity_id",
            ),
            filterable=("event_id", "entity_id", "posting_date"),
            order_by=("-posting_date", "gl_entry_id"),
            limit=300,
            description="GL postings in SGD",
        ),
        SourceSpec(
            "effectiveness",
            hawk.HedgeEffectiveness,
            columns=(
                "effectiveness_id",
                "hedge_relationship_id",
                "allocation_id",
                "entity_id",
                "currency_code",
                "nav_type",
                "measurement_date",
                "testing_method",
                "hedged_item_change",
                "instrument_change",
                "effectiveness_ratio",
                "lower_threshold",
                "upper_threshold",
                "effectiveness_status",
            ),
            filterable=(
                "allocation_id",
                "measurement_date",
                "effectiveness_status",
                "currency_code",
            ),
            order_by=("-measurement_date", "effectiveness_id"),
            limit=300,
            description="hedge effectiveness tests (dollar offset)",
        ),
    )
}

# Every table a source reads: a run reads their generations once, before its understanding.
SOURCE_TABLES = frozenset(spec.table for spec in SOURCES.values())


def source_spec(name: str) -> SourceSpec:
    """The spec of a source; KeyError names the unknown source (a programming error)."""
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown data source {name!r}; known: {', '.join(SOURCES)}") from None


def filter_words(filters: dict[str, Any]) -> str:
    """A plan's filters in words: {"currency_code__in_or_null": ["CNY"]} -> "currency code is
    one of (or none) CNY"; no filter reads "all rows"."""
    if not filters:
        return "all rows"
    return "; ".join(_one_filter(key, value) for key, value in filters.items())


def _one_filter(key: str, value: Any) -> str:
    column, _, lookup = key.partition("__")
    shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if lookup == "range":
        shown = shown.replace(", ", " and ", 1)
    return f"{column.replace('_', ' ')} {LOOKUP_WORDS.get(lookup, lookup)} {shown}"

"""Waterfall order and allocation: who is hedged first when opening, who is closed first.

The default opening order is entity type (Branch, Subsidiary, Associate, TMU), then NAV type
(RE before COI), then available descending, then entity_id. Rows of waterfall_logic_configuration
replace the type/NAV part of that order; closing goes COI before RE.
"""

import functools
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from hawk.pipeline.facts.capacity import CapacityRow
from hawk.pipeline.facts.records import ZERO, Record, code_of, decimal_of, text_of

ENTITY_TYPE_ORDER = ("Branch", "Subsidiary", "Associate", "TMU")
OPENING_NAV_ORDER = ("RE", "COI")
CLOSING_NAV_ORDER = ("COI", "RE")
OPENING = "Opening"
CLOSING = "Closing"

# (entity_type, nav_type) -> priority_level; lower goes first.
Priorities = dict[tuple[str, str], Decimal]


def _rank(order: Sequence[str], value: str) -> int:
    """Position in a known order; unknown values go last."""
    return order.index(value) if value in order else len(order)


def configured_priorities(
    waterfall_records: Iterable[Record], *, waterfall_type: str, currency: str
) -> Priorities:
    """The configured priorities of one waterfall type for the currency. Rows for the currency
    replace the rows with no currency (the general rule) rather than mixing with them."""
    specific: Priorities = {}
    general: Priorities = {}
    for record in waterfall_records:
        if text_of(record, "waterfall_type") != waterfall_type:
            continue
        row_currency = code_of(record, "currency_code")
        if row_currency not in (None, currency):
            continue
        target = general if row_currency is None else specific
        key = (text_of(record, "entity_type") or "", code_of(record, "nav_type") or "")
        level = decimal_of(record, "priority_level") or ZERO
        target[key] = min(level, target.get(key, level))
    return specific or general


def _configured_key(priorities: Priorities, entity_type: str, nav_type: str) -> tuple:
    """Configured pairs first by priority; pairs the configuration omits come after them."""
    level = priorities.get((entity_type, nav_type))
    return (level is None, level if level is not None else ZERO)


def _opening_rank(priorities: Priorities, entity_type: str, nav_type: str) -> tuple:
    """The type/NAV part of the opening order: the configured order, then the default one."""
    return (
        *_configured_key(priorities, entity_type, nav_type),
        _rank(ENTITY_TYPE_ORDER, entity_type),
        _rank(OPENING_NAV_ORDER, nav_type),
    )


def opening_order(rows: Iterable[CapacityRow], priorities: Priorities) -> list[CapacityRow]:
    # Ranked once per (entity type, NAV type): hundreds of rows share a handful of pairs.
    rank = functools.cache(functools.partial(_opening_rank, priorities))

    def key(row: CapacityRow) -> tuple:
        return (rank(row.entity_type, row.nav_type), -row.available, row.entity_id)

    return sorted(rows, key=key)


class WaterfallTake(NamedTuple):
    """One take of the waterfall; a NamedTuple, cheap to build for every row a PARTIAL fills."""

    entity_id: str
    nav_type: str
    amount: Decimal


def lot_floor(amount: Decimal, lot_size: Decimal) -> Decimal:
    """The largest whole number of lots not above `amount`."""
    lots = (amount / lot_size).to_integral_value(rounding=ROUND_FLOOR)
    return lots * lot_size


def waterfall_allocate(
    ordered_rows: Iterable[CapacityRow], requested: Decimal, lot_size: Decimal
) -> list[WaterfallTake]:
    """Fill `requested` down the rows in the order given, each take a whole number of lots;
    rows whose take rounds to zero are skipped."""
    lot = lot_size if lot_size > 0 else Decimal("1")
    remaining = requested
    takes = []
    for row in ordered_rows:
        if remaining < lot:
            break  # less than a lot left: every further take would round to zero
        take = lot_floor(min(row.available, remaining), lot)
        if take > 0:
            takes.append(WaterfallTake(row.entity_id, row.nav_type, take))
            remaining -= take
    return takes


def closing_rank(priorities: Priorities, *, entity_type: str, nav_type: str) -> tuple:
    """The type/NAV part of the closing order: COI before RE, or the configured Closing order.
    Callers break ties by entity, maturity and allocation."""
    return (
        *_configured_key(priorities, entity_type, nav_type),
        _rank(CLOSING_NAV_ORDER, nav_type),
    )

"""Presentation of computed facts as JSON-ready sections (DOMAIN.md, "Facts as the API returns
them"): amounts are strings with 2 decimals, ratios and percentages strings with 4 decimals,
rounded half-even here and only here; dates are ISO strings.
"""

import datetime
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from hawk.pipeline.facts.capacity import Capacity, CapacityRow
from hawk.pipeline.facts.lifecycle import (
    AllocationLine,
    Amendment,
    Inquiry,
    InstructionLine,
    Rollover,
    Termination,
)
from hawk.pipeline.facts.rates import RateQuote
from hawk.pipeline.facts.reviews import (
    PASS_LOWER,
    PASS_UPPER,
    BookingModel,
    EffectivenessTest,
    ThresholdStatus,
    effectiveness_summary,
)
from hawk.pipeline.facts.utilisation import PbDeposit, UtilisationCheck

CENTS = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
NUMBER = re.compile(r"-?\d+(\.\d+)?")

# --- values ---------------------------------------------------------------------------------


def _fixed(value: Decimal, places: Decimal) -> str:
    """`value` rounded half-even to the places of `places`, in fixed-point notation. After the
    quantize the exponent is that of `places` (-2 or -4), where str() never switches to
    scientific notation, so str() is format(..., "f") at a fraction of its cost."""
    rounded = value.quantize(places, ROUND_HALF_EVEN)
    return str(rounded) if rounded else str(rounded.copy_abs())  # never "-0.00"


def cents(value: Decimal) -> str:
    """An amount as money() presents it, in one call: capacity rows present eight each."""
    rounded = value.quantize(CENTS, ROUND_HALF_EVEN)
    return str(rounded) if rounded else "0.00"  # never "-0.00"


def money(value: Decimal | None) -> str | None:
    return None if value is None else cents(value)


def ratio(value: Decimal | None) -> str | None:
    return None if value is None else _fixed(value, FOUR_PLACES)


def percentage(value: Decimal | None) -> str | None:
    """A percentage as a number of percent: 5 -> "5.0000"."""
    return None if value is None else _fixed(value, FOUR_PLACES)


def rate(value: Decimal) -> str:
    """An FX rate as stored, without trailing zeros (rates carry up to 10 decimals)."""
    return format(value.normalize(), "f")


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def identifier(value: Any) -> Any:
    """Ids pass through when JSON-ready (int, str); anything else becomes its text."""
    return value if value is None or isinstance(value, int | str) else str(value)


# --- capacity and the check -----------------------------------------------------------------


def capacity_row_section(row: CapacityRow) -> dict[str, Any]:
    return {
        "entity_id": row.entity_id,
        "entity_type": row.entity_type,
        "nav_type": row.nav_type,
        "sfx": cents(row.sfx),
        "car": cents(row.car),
        "overlay": cents(row.overlay),
        "buffer_pct": percentage(row.buffer_pct),
        "buffer": cents(row.buffer),
        "hedged": cents(row.hedged),
        "hedgeable": cents(row.hedgeable),
        "unhedged": cents(row.unhedged),
        "available": cents(row.available),
        "utilisation": ratio(row.utilisation),
        "state": row.state,
    }


def capacity_section(capacity: Capacity) -> dict[str, Any]:
    return {
        "rows": [capacity_row_section(row) for row in capacity.rows],
        "total_sfx": money(capacity.total_sfx),
        "total_hedged": money(capacity.total_hedged),
        "total_available": money(capacity.total_available),
    }


def check_section(check: UtilisationCheck) -> dict[str, Any]:
    return {
        "requested": money(check.requested),
        "decision": check.decision,
        "reasons": list(check.reasons),
        "allocations": [
            {"entity_id": take.entity_id, "nav_type": take.nav_type, "amount": money(take.amount)}
            for take in check.allocations
        ],
        "allocated": money(check.allocated),
        "not_allocated": money(check.not_allocated),
        "lot_size": money(check.lot_size),
        "minimum_deal_size": money(check.minimum_deal_size),
        "maximum_deal_size": money(check.maximum_deal_size),
    }


def rate_section(quote: RateQuote) -> dict[str, Any]:
    effective = quote.effective_date.isoformat() if quote.effective_date else None
    return {"pair": quote.pair, "rate": rate(quote.rate), "effective_date": effective}


def pb_deposit_section(pb: PbDeposit) -> dict[str, Any]:
    return {
        "status": pb.status,
        "current_usd": money(pb.current_usd),
        "projected_usd": money(pb.projected_usd),
        "warning_level": money(pb.warning_level),
        "critical_level": money(pb.critical_level),
        "maximum_limit": money(pb.maximum_limit),
        "headroom_usd": money(pb.headroom_usd),
        "rates": [rate_section(quote) for quote in pb.conversion.quotes] if pb.conversion else [],
    }


# --- lifecycle ------------------------------------------------------------------------------


def allocation_section(line: AllocationLine) -> dict[str, Any]:
    return {
        "allocation_id": identifier(line.allocation_id),
        "entity_id": line.entity_id,
        "nav_type": line.nav_type,
        "amount": money(line.amount),
        "status": line.status,
        "execution_date": day(line.execution_date),
        "maturity_date": day(line.maturity_date),
    }


def rollover_section(rollover: Rollover, *, all_currencies: bool = False) -> dict[str, Any]:
    """Across all currencies each line names its currency and the total is per currency."""
    allocations = []
    for line in rollover.lines:
        days_left = (
            (line.maturity_date - rollover.window_start).days if line.maturity_date else None
        )
        item = {**allocation_section(line), "days_to_maturity": days_left}
        allocations.append({**item, "currency": line.currency} if all_currencies else item)
    section = {
        "window_days": rollover.window_days,
        "window_start": day(rollover.window_start),
        "window_end": day(rollover.window_end),
        "count": len(rollover.lines),
        "total": None if all_currencies else money(rollover.total),
        "allocations": allocations,
    }
    if all_currencies:
        totals = rollover.totals_by_currency().items()
        section["total_by_currency"] = [
            {"currency": code, "total": money(total)} for code, total in totals
        ]
    return section


def termination_section(termination: Termination) -> dict[str, Any]:
    return {
        "requested": money(termination.requested),
        "total_active": money(termination.total_active),
        "closed": money(termination.closed),
        "not_closed": money(termination.not_closed),
        "allocations": [allocation_section(line) for line in termination.lines],
        "closings": [
            {
                "allocation_id": identifier(closing.allocation_id),
                "entity_id": closing.entity_id,
                "nav_type": closing.nav_type,
                "amount": money(closing.amount),
            }
            for closing in termination.closings
        ],
    }


def instruction_section(line: InstructionLine) -> dict[str, Any]:
    """The failure reason only when there is one: most instructions have none, and the
    context's budget is better spent on rows."""
    section = {
        "instruction_id": identifier(line.instruction_id),
        "order_id": line.order_id,
        "instruction_type": line.instruction_type,
        "instruction_date": day(line.instruction_date),
        "currency": line.currency,
        "entity_id": line.entity_id,
        "nav_type": line.nav_type,
        "amount": money(line.amount),
        "status": line.status,
        "check_status": line.check_status,
    }
    return {**section, "failure_reason": line.failure_reason} if line.failure_reason else section


def _direction(delta: Decimal | None) -> str | None:
    if delta is None:
        return None
    return "INCREASE" if delta > 0 else "DECREASE" if delta < 0 else "UNCHANGED"


def amendment_section(amendment: Amendment) -> dict[str, Any]:
    instruction = amendment.instruction
    return {
        "order_id": amendment.order_id,
        "found": instruction is not None,
        "instruction": instruction_section(instruction) if instruction else None,
        "old_notional": money(amendment.old_notional),
        "new_notional": money(amendment.new_notional),
        "delta": money(amendment.delta),
        "direction": _direction(amendment.delta),
    }


def inquiry_section(inquiry: Inquiry, order_id: str | None) -> dict[str, Any]:
    section: dict[str, Any] = {
        "total": inquiry.total,
        "by_status": [
            {
                "status": group.status,
                "count": group.count,
                "notional": money(group.notional),  # null when the group mixes currencies
                "notional_by_currency": [
                    {"currency": currency, "notional": money(notional)}
                    for currency, notional in group.notional_by_currency
                ],
            }
            for group in inquiry.groups
        ],
        "latest": [instruction_section(line) for line in inquiry.latest],
    }
    if order_id:
        section["order_id"] = order_id
        section["order"] = [instruction_section(line) for line in inquiry.order_lines]
    return section


# --- reviews --------------------------------------------------------------------------------


def thresholds_section(statuses: Iterable[ThresholdStatus]) -> list[dict[str, Any]]:
    return [
        {
            "threshold_id": identifier(status.threshold_id),
            "threshold_type": status.threshold_type,
            "currency": status.currency,
            "entity_type": status.entity_type,
            "warning_level": money(status.warning_level),
            "critical_level": money(status.critical_level),
            "maximum_limit": money(status.maximum_limit),
            "unit_of_measure": status.unit_of_measure,
            "current_value": money(status.current_value),
            "headroom": money(status.headroom),
            "status": status.status,
            "reason": status.reason,
        }
        for status in statuses
    ]


def effectiveness_section(tests: list[EffectivenessTest], materiality: Decimal) -> dict[str, Any]:
    return {
        "method": "dollar_offset",
        "lower": ratio(PASS_LOWER),
        "upper": ratio(PASS_UPPER),
        "materiality": money(materiality),
        "summary": {"total": len(tests), **effectiveness_summary(tests)},
        "tests": [
            {
                "effectiveness_id": identifier(test.effectiveness_id),
                "allocation_id": identifier(test.allocation_id),
                "measurement_date": day(test.measurement_date),
                "hedged_item_change": money(test.hedged_item_change),
                "instrument_change": money(test.instrument_change),
                "ratio": ratio(test.ratio),
                "result": test.result,
                "recorded_result": test.recorded_result,
            }
            for test in tests
        ],
    }


def booking_model_section(models: Iterable[BookingModel], currency_type: str) -> dict[str, Any]:
    return {
        "currency_type": currency_type,
        "models": [
            {
                "nav_type": model.nav_type,
                "booking_model": model.booking_model,
                "deal_count": model.deal_count,
                "gl_entry_count": model.gl_entry_count,
                "hedging_instrument": model.hedging_instrument,
                "accounting_method": model.accounting_method,
                "source": "configured" if model.configured else "default",
            }
            for model in models
        ],
    }


# --- the numbers the facts present ----------------------------------------------------------


def presented_numbers(value: Any) -> frozenset[str]:
    """Every number presented anywhere in the facts, as presented (amount strings, counts);
    the answer's number check compares against this set."""
    found: set[str] = set()
    _collect_numbers(value, found)
    return frozenset(found)


def _collect_numbers(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _collect_numbers(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_numbers(item, found)
    elif isinstance(value, int) and not isinstance(value, bool):
        found.add(str(value))
    elif isinstance(value, str) and NUMBER.fullmatch(value):
        found.add(value)

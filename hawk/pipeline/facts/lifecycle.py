"""Facts of the hedge lifecycle: rollover candidates, termination, amendment and inquiry.

Active hedges are the Approved and Executed allocations (the ones that count as hedged).
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from hawk.pipeline.facts.records import (
    ZERO,
    Record,
    amount_of,
    code_of,
    date_of,
    text_of,
)
from hawk.pipeline.facts.waterfall import Priorities, closing_rank

HEDGED_STATUSES = ("Approved", "Executed")
INSTRUCTION_STATUS_ORDER = (
    "Received",
    "Validated",
    "Approved",
    "Executed",
    "Rejected",
    "Cancelled",
)
LATEST_INSTRUCTIONS = 5


def _id_order(value: Any) -> tuple[int, int, str]:
    """Numeric ids by number (10 after 9), any other id by its text."""
    text = str(value)
    return (1, int(text), "") if text.isdigit() else (0, 0, text)


class AllocationLine(NamedTuple):
    """An allocation read once. NamedTuples for the lines: as immutable as a frozen dataclass,
    and cheaper to build for the hundreds of records a currency can have."""

    allocation_id: Any
    request_id: Any
    entity_id: str
    nav_type: str
    amount: Decimal
    status: str
    execution_date: datetime.date | None
    maturity_date: datetime.date | None
    currency: str | None = None


def allocation_line(record: Record) -> AllocationLine:
    return AllocationLine(
        allocation_id=record.get("allocation_id"),
        request_id=record.get("request_id"),
        entity_id=text_of(record, "entity_id") or "",
        nav_type=code_of(record, "nav_type") or "",
        amount=amount_of(record, "hedge_amount_allocation"),
        status=text_of(record, "allocation_status") or "",
        execution_date=date_of(record, "execution_date"),
        maturity_date=date_of(record, "maturity_date"),
        currency=code_of(record, "currency_code"),
    )


@dataclass(frozen=True)
class LifecycleScope:
    currency: str | None  # None: every currency (a rollover question without one)
    entity_id: str | None = None
    nav_type: str | None = None
    request_ids: frozenset[Any] | None = None  # the instructions of one order, when asked


def active_allocations(records: Iterable[Record], scope: LifecycleScope) -> list[AllocationLine]:
    """Approved/Executed allocations of the currency within the scope."""
    lines = []
    for record in records:
        currency = code_of(record, "currency_code")
        if scope.currency is not None and currency not in (None, scope.currency):
            continue
        line = allocation_line(record)
        if line.status not in HEDGED_STATUSES:
            continue
        if scope.entity_id and line.entity_id != scope.entity_id:
            continue
        if scope.nav_type and line.nav_type != scope.nav_type.upper():
            continue
        if scope.request_ids is not None and line.request_id not in scope.request_ids:
            continue
        lines.append(line)
    return lines


def _sum_amounts(lines: Iterable[AllocationLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


@dataclass(frozen=True)
class Rollover:
    window_days: int
    window_start: datetime.date
    window_end: datetime.date
    lines: tuple[AllocationLine, ...]  # by maturity date, then allocation id

    @property
    def total(self) -> Decimal:
        return _sum_amounts(self.lines)

    def totals_by_currency(self) -> dict[str, Decimal]:
        """Each currency's total: amounts of different currencies are never added up."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            key = line.currency or ""
            totals[key] = totals.get(key, ZERO) + line.amount
        return dict(sorted(totals.items()))


def rollover_candidates(
    records: Iterable[Record],
    scope: LifecycleScope,
    *,
    business_date: datetime.date,
    window_days: int,
) -> Rollover:
    """Active allocations maturing from the business date to window_days after it, inclusive.
    Hedges that matured before the business date are not rollover candidates any more."""
    window_end = business_date + datetime.timedelta(days=window_days)
    lines = [
        line
        for line in active_allocations(records, scope)
        if line.maturity_date is not None and business_date <= line.maturity_date <= window_end
    ]
    lines.sort(key=lambda line: (line.maturity_date, _id_order(line.allocation_id)))
    return Rollover(window_days, business_date, window_end, tuple(lines))


@dataclass(frozen=True)
class Closing:
    allocation_id: Any
    entity_id: str
    nav_type: str
    amount: Decimal


@dataclass(frozen=True)
class Termination:
    lines: tuple[AllocationLine, ...]  # in closing order
    requested: Decimal | None  # None: terminate everything in scope
    closings: tuple[Closing, ...]

    @property
    def total_active(self) -> Decimal:
        return _sum_amounts(self.lines)

    @property
    def closed(self) -> Decimal:
        return sum((closing.amount for closing in self.closings), ZERO)

    @property
    def not_closed(self) -> Decimal:
        return (self.requested if self.requested is not None else self.total_active) - self.closed


def closing_order(
    lines: Iterable[AllocationLine], priorities: Priorities, entity_types: Mapping[str, str]
) -> list[AllocationLine]:
    def key(line: AllocationLine) -> tuple:
        rank = closing_rank(
            priorities, entity_type=entity_types.get(line.entity_id, ""), nav_type=line.nav_type
        )
        maturity = line.maturity_date or datetime.date.max
        return (*rank, line.entity_id, maturity, _id_order(line.allocation_id))

    return sorted(lines, key=key)


def termination_plan(
    ordered_lines: Sequence[AllocationLine], requested: Decimal | None
) -> Termination:
    """Close down the closing order until the requested amount is reached; with no amount
    every active allocation in scope is closed in full."""
    remaining = requested if requested is not None else _sum_amounts(ordered_lines)
    closings = []
    for line in ordered_lines:
        if remaining <= 0:
            break
        amount = min(line.amount, remaining)
        if amount > 0:
            closings.append(Closing(line.allocation_id, line.entity_id, line.nav_type, amount))
            remaining -= amount
    return Termination(tuple(ordered_lines), requested, tuple(closings))


class InstructionLine(NamedTuple):
    instruction_id: Any
    order_id: str
    instruction_type: str
    instruction_date: datetime.date | None
    currency: str | None
    entity_id: str | None
    nav_type: str | None
    amount: Decimal
    status: str
    check_status: str | None
    failure_reason: str | None = None  # as the checking system wrote it


def instruction_line(record: Record) -> InstructionLine:
    return InstructionLine(
        instruction_id=record.get("instruction_id"),
        order_id=text_of(record, "order_id") or "",
        instruction_type=text_of(record, "instruction_type") or "",
        instruction_date=date_of(record, "instruction_date"),
        currency=code_of(record, "exposure_currency"),
        entity_id=text_of(record, "entity_id"),
        nav_type=code_of(record, "nav_type"),
        amount=amount_of(record, "hedge_amount_order"),
        status=text_of(record, "instruction_status") or "",
        check_status=text_of(record, "check_status"),
        failure_reason=text_of(record, "failure_reason"),
    )


def newest_first(lines: Iterable[InstructionLine]) -> list[InstructionLine]:
    def key(line: InstructionLine) -> tuple:
        return (line.instruction_date or datetime.date.min, _id_order(line.instruction_id))

    return sorted(lines, key=key, reverse=True)


def order_instructions(records: Iterable[Record], order_id: str) -> list[InstructionLine]:
    """The instructions carrying the order id, newest first."""
    wanted = order_id.strip().upper()
    lines = [instruction_line(record) for record in records]
    return newest_first(line for line in lines if line.order_id.upper() == wanted)


@dataclass(frozen=True)
class Amendment:
    order_id: str
    instruction: InstructionLine | None  # the newest instruction of the order
    new_notional: Decimal | None

    @property
    def old_notional(self) -> Decimal | None:
        return self.instruction.amount if self.instruction else None

    @property
    def delta(self) -> Decimal | None:
        if self.old_notional is None or self.new_notional is None:
            return None
        return self.new_notional - self.old_notional


def amendment(
    order_lines: Sequence[InstructionLine], *, order_id: str, new_notional: Decimal | None
) -> Amendment:
    """`order_lines` are the order's instructions, newest first (`order_instructions`)."""
    return Amendment(order_id, order_lines[0] if order_lines else None, new_notional)


@dataclass(frozen=True)
class StatusGroup:
    status: str
    count: int
    notional_by_currency: tuple[tuple[str, Decimal], ...]  # never summed across currencies

    @property
    def notional(self) -> Decimal | None:
        """The notional when the group is of one currency; None rather than a mixed sum."""
        if len(self.notional_by_currency) != 1:
            return None
        return self.notional_by_currency[0][1]


@dataclass(frozen=True)
class Inquiry:
    groups: tuple[StatusGroup, ...]  # in lifecycle order of the status
    latest: tuple[InstructionLine, ...]
    order_lines: tuple[InstructionLine, ...]  # the asked order's instructions, newest first

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def status_groups(lines: Iterable[InstructionLine]) -> list[StatusGroup]:
    counts: dict[str, int] = {}
    notionals: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
        by_currency = notionals.setdefault(line.status, {})
        currency = line.currency or "?"
        by_currency[currency] = by_currency.get(currency, ZERO) + line.amount

    def order(status: str) -> tuple:
        known = status in INSTRUCTION_STATUS_ORDER
        return (not known, INSTRUCTION_STATUS_ORDER.index(status) if known else 0, status)

    return [
        StatusGroup(status, counts[status], tuple(sorted(notionals[status].items())))
        for status in sorted(counts, key=order)
    ]


def inquiry(
    records: Iterable[Record], *, currency: str | None, order_lines: Sequence[InstructionLine]
) -> Inquiry:
    """Instructions of the currency (all given ones without a currency) by status, with the
    asked order's instructions as `order_instructions` found them (none when not asked)."""
    lines = [instruction_line(record) for record in records]
    if currency:
        lines = [line for line in lines if line.currency in (None, currency)]
    ordered = newest_first(lines)
    return Inquiry(
        tuple(status_groups(ordered)), tuple(ordered[:LATEST_INSTRUCTIONS]), tuple(order_lines)
    )

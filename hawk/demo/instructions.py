"""The hedge book as rows: hedge_instructions and allocation_engine, with their ids."""

from collections.abc import Iterable
from typing import Any

from hawk.demo.book import Book, Order
from hawk.demo.formatting import Row, created, money, optional_date, timestamp
from hawk.demo.thresholds import PB_TARGETS

TYPE_ORDER = "IURTAQ"
# The 2025 book continues the legacy numbering (its first ten orders are long closed and not in
# the demo), so ORD-2025-011 is the first 2025 order here.
FIRST_SEQUENCE = {2025: 11, 2026: 1}


def number_orders(book: Book) -> list[Order]:
    """Instruction, order and allocation numbers in chronological order."""
    ordered = sorted(
        book.orders.values(),
        key=lambda o: (
            o.instruction_date,
            o.currency.code,
            TYPE_ORDER.index(o.instruction_type),
            o.key,
        ),
    )
    sequence = dict(FIRST_SEQUENCE)
    allocation_number = 0
    for number, order in enumerate(ordered, start=1):
        order.number = number
        if not order.order_id:
            year = order.instruction_date.year
            order.order_id = f"ORD-{year}-{sequence[year]:03d}"
            sequence[year] += 1
        for allocation in order.allocations:
            allocation_number += 1
            allocation.number = allocation_number
    return ordered


def single(values: Iterable[Any]) -> Any:
    """The one distinct value, or None when there are none or several."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def instruction_row(order: Order, order_ids: dict[str, str]) -> Row:
    # Only booked orders take their entity and NAV type from their legs; a check or request
    # names them only when it was limited to them.
    legs = order.allocations + order.terminates if order.instruction_type in "IRT" else []
    entity = order.entity or single(leg.entity for leg in legs)
    # Allocated and not allocated notionals belong to orders that allocate: I, U and R.
    checked = order.check_status is not None and order.instruction_type in "IUR"
    pb = order.pb_status
    if order.check_status is not None and not pb:
        pb = "WITHIN" if order.currency.code in PB_TARGETS else "NOT_APPLICABLE"
    return {
        "instruction_id": order.instruction_id,
        "msg_uid": f"MSG-{order.instruction_date:%Y%m%d}-{order.number:05d}",
        "instruction_type": order.instruction_type,
        "instruction_date": order.instruction_date.isoformat(),
        "exposure_currency": order.currency.code,
        "entity_id": entity.entity_id if entity else None,
        "nav_type": order.nav or single(leg.nav for leg in legs),
        "order_id": order.order_id,
        "previous_order_id": order_ids[order.previous] if order.previous else None,
        "hedge_amount_order": money(order.amount),
        "hedge_method": None if order.instruction_type == "Q" else order.currency.hedge_method,
        "value_date": optional_date(order.value_date),
        "tenor_or_maturity": order.tenor or None,
        "instruction_status": order.status,
        "check_status": order.check_status,
        "allocated_notional": money(order.amount - order.not_allocated) if checked else None,
        "not_allocated_notional": money(order.not_allocated) if checked else None,
        "usd_pb_check_status": pb or None,
        "failure_reason": order.failure_reason or None,
        "received_timestamp": timestamp(order.received),
        **created("hawk_gateway", order.received),
    }


def allocation_rows(orders: list[Order], order_ids: dict[str, str]) -> list[Row]:
    return [
        {
            "allocation_id": allocation.allocation_id,
            "request_id": order.instruction_id,
            "entity_id": allocation.entity.entity_id,
            "currency_code": order.currency.code,
            "nav_type": allocation.nav,
            "hedge_amount_allocation": money(allocation.amount),
            "allocation_status": allocation.status,
            "execution_date": optional_date(allocation.execution_date),
            "maturity_date": optional_date(allocation.maturity_date),
            "allocation_sequence": sequence,
            "notes": allocation.notes.format_map(order_ids),
            **created("allocation_engine", order.received),
        }
        for order in orders
        for sequence, allocation in enumerate(order.allocations, start=1)
    ]

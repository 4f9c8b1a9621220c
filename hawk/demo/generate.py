"""Deterministic demo dataset for the business date 2026-11-20, written as a hawk-bundle/1 file.

Run ``python -m hawk.demo.generate`` to rewrite ``hawk/demo/demo_bundle.json``. Plain Python, no
Django and no database: every row derives from the tables in the modules of ``hawk.demo`` and
fixed-seed random generators, so the committed file changes only when they do.

The rows are in the HAWK database's shape (HAWK_SCHEMA.md), as its ``row_to_json`` would export
them: its column names and types, text ids in each table's style numbered in row order
(``INS-00001`` is the first instruction), references by those ids, NULL for what is absent.

The story the data tells (DOMAIN.md formulas): each currency has a main hedge book sized to a
share of its hedgeable capacity, a few currencies roll, amend or terminate hedges, and the USD
PB deposit limits are set from what ends up hedged so that the currencies spread over WITHIN,
WARN, CRITICAL and BREACH.

The modules, in the order the story builds up: ``reference`` (currencies, entities, configuration
tables), ``positions`` (positions, buffers, overlays, hedgeable capacity), ``rates``, ``book``
(the hedge book), ``thresholds`` (PB deposit limits), ``checks`` (today's utilisation checks),
``instructions`` (the book as rows) and ``events`` (business events, deals, GL entries,
effectiveness); ``formatting`` and ``dates`` serve them all. This module assembles the bundle.
"""

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from hawk.demo.book import Book, Order, hedge_book
from hawk.demo.checks import add_checked_orders
from hawk.demo.dates import BUSINESS_DATE
from hawk.demo.events import (
    MATERIALITY_FLOOR_SGD as MATERIALITY_FLOOR_SGD,  # re-exported: tests check against it
)
from hawk.demo.events import business_events, deal_rows, effectiveness_rows, event_row, gl_rows
from hawk.demo.instructions import allocation_rows, instruction_row, number_orders
from hawk.demo.positions import (
    PositionKey,
    buffer_rows,
    hedgeable_capacity,
    overlay_rows,
    position_rows,
    position_sizes,
)
from hawk.demo.rates import Quote, latest_rates, rate_quotes, rate_rows
from hawk.demo.reference import (
    EntitySpec,
    booking_model_rows,
    currency_rows,
    entity_row,
    entity_specs,
    framework_rows,
    waterfall_rows,
)
from hawk.demo.thresholds import PbLimit, hedged_usd, pb_deposit, threshold_rows

FORMAT = "hawk-bundle/1"
SEED = 20261120
OUTPUT = Path(__file__).with_name("demo_bundle.json")


@dataclass
class DemoData:
    """Everything the bundle is written from; also what the summary reports."""

    entities: list[EntitySpec]
    sizes: dict[PositionKey, Decimal]
    quotes: list[Quote]
    book: Book
    limits: dict[str, PbLimit]
    orders: list[Order]


def demo_data() -> DemoData:
    rng = random.Random(SEED)
    entities = entity_specs()
    sizes = position_sizes(entities, rng)
    quotes = rate_quotes(rng)
    rates = latest_rates(quotes)
    book = hedge_book(entities, hedgeable_capacity(entities, sizes), rng)
    pb = pb_deposit(book, rates)
    add_checked_orders(book, pb)
    return DemoData(entities, sizes, quotes, book, pb.limits, number_orders(book))


def build_bundle(data: DemoData | None = None) -> dict[str, Any]:
    data = data or demo_data()
    order_ids = {order.key: order.order_id for order in data.orders}
    events = business_events(data.orders)
    effectiveness_rng = random.Random(SEED + 1)
    tables = {
        "currency_configuration": currency_rows(),
        "entity_master": [entity_row(entity) for entity in data.entities],
        "hedging_framework": framework_rows(data.entities),
        "position_nav_master": position_rows(data.entities, data.sizes),
        "buffer_configuration": buffer_rows(),
        "overlay_configuration": overlay_rows(data.entities),
        "threshold_configuration": threshold_rows(data.limits),
        "waterfall_logic_configuration": waterfall_rows(),
        "instruction_event_config": booking_model_rows(),
        "currency_rates": rate_rows(data.quotes),
        "hedge_instructions": [instruction_row(order, order_ids) for order in data.orders],
        "allocation_engine": allocation_rows(data.orders, order_ids),
        "hedge_business_events": [event_row(event) for event in events],
        "deal_bookings": deal_rows(events),
        "gl_entries": gl_rows(events),
        "hedge_effectiveness": effectiveness_rows(data.orders, effectiveness_rng),
    }
    return {"format": FORMAT, "business_date": BUSINESS_DATE.isoformat(), "tables": tables}


def render(bundle: dict[str, Any]) -> str:
    """Stable text for stable diffs: sorted keys, one-space indent, trailing newline."""
    return json.dumps(bundle, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def pb_summary(data: DemoData) -> list[str]:
    rates = latest_rates(data.quotes)
    lines = []
    for code, limit in sorted(data.limits.items()):
        current = hedged_usd(data.book, code, rates)
        status = limit.status(current) if limit.active else "NOT_APPLICABLE (limit inactive)"
        lines.append(
            f"{code}: hedged {current:,.0f} USD; warning {limit.warning:,.0f}, critical "
            f"{limit.critical:,.0f}, maximum {limit.maximum:,.0f} -> {status}"
        )
    return lines


def main() -> None:
    data = demo_data()
    bundle = build_bundle(data)
    OUTPUT.write_text(render(bundle), encoding="utf-8")
    counts = ", ".join(f"{table} {len(rows)}" for table, rows in bundle["tables"].items())
    print(f"wrote {OUTPUT}: {counts}")
    print("\n".join(pb_summary(data)))


if __name__ == "__main__":
    main()

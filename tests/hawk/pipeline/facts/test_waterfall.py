"""Opening waterfall: the default and configured order, and allocation in whole lots."""

from decimal import Decimal
from typing import Any

from hawk.pipeline.facts import compute_facts
from hawk.pipeline.facts.waterfall import lot_floor
from tests.hawk.pipeline.facts.builders import (
    buffer_rule,
    capacity_records,
    currency,
    entity,
    facts_input,
    position,
    waterfall_row,
)


def facts_of(records: dict, **options: Any) -> dict:
    return compute_facts(facts_input(records, **options)).facts


def row_order(records: dict) -> list[tuple[str, str]]:
    return [(row["entity_id"], row["nav_type"]) for row in facts_of(records)["capacity"]["rows"]]


def test_rows_follow_entity_type_order_branch_subsidiary_associate_tmu():
    records = capacity_records(
        entities=[
            entity("E1", "TMU"),
            entity("E2", "Associate"),
            entity("E3", "Subsidiary"),
            entity("E4", "Branch"),
        ],
        positions=[position(f"E{n}", "COI", "100000") for n in (1, 2, 3, 4)],
    )

    assert row_order(records) == [("E4", "COI"), ("E3", "COI"), ("E2", "COI"), ("E1", "COI")]


def test_retained_earnings_come_before_cost_of_investment():
    records = capacity_records(
        entities=[entity("E1")],
        positions=[position("E1", "COI", "100000"), position("E1", "RE", "100000")],
    )

    assert row_order(records) == [("E1", "RE"), ("E1", "COI")]


def test_larger_available_first_then_entity_id():
    records = capacity_records(
        entities=[entity("E1"), entity("E2"), entity("E3")],
        positions=[
            position("E1", "COI", "100000"),
            position("E3", "COI", "200000"),
            position("E2", "COI", "100000"),
        ],
    )

    assert row_order(records) == [("E3", "COI"), ("E1", "COI"), ("E2", "COI")]


def two_entities(waterfall: list[dict]) -> dict:
    return capacity_records(
        entities=[entity("E1", "Branch"), entity("E2", "Subsidiary")],
        positions=[
            position("E1", "COI", "100000"),
            position("E1", "RE", "100000"),
            position("E2", "COI", "100000"),
        ],
        waterfall=waterfall,
    )


def test_configured_opening_order_overrides_the_default():
    records = two_entities(
        [waterfall_row("Subsidiary", "COI", 1), waterfall_row("Branch", "COI", 2)]
    )

    # Branch RE is not configured: it follows the configured pairs.
    assert row_order(records) == [("E2", "COI"), ("E1", "COI"), ("E1", "RE")]


def test_currency_specific_configuration_beats_the_general_one_and_closing_rows_are_ignored():
    records = two_entities(
        [
            waterfall_row("Subsidiary", "COI", 1),
            waterfall_row("Branch", "COI", 1, code="CNY"),
            waterfall_row("Subsidiary", "COI", 2, code="CNY"),
            waterfall_row("Subsidiary", "COI", 0, code="CNY", waterfall_type="Closing"),
        ]
    )

    assert row_order(records) == [("E1", "COI"), ("E2", "COI"), ("E1", "RE")]


def test_allocation_follows_the_configured_order():
    records = two_entities(
        [waterfall_row("Subsidiary", "COI", 1), waterfall_row("Branch", "COI", 2)]
    )
    check = facts_of(records, amount="100000")["check"]

    assert check["allocations"] == [
        {"entity_id": "E2", "nav_type": "COI", "amount": "95000.00"},
        {"entity_id": "E1", "nav_type": "COI", "amount": "5000.00"},
    ]


def test_takes_are_whole_lots_and_takes_below_a_lot_are_skipped():
    records = capacity_records(
        currencies=[currency(lot_size=Decimal("1000"))],
        entities=[entity("E1"), entity("E2", "Subsidiary"), entity("E3", "Associate")],
        buffers=[buffer_rule(1, "0")],
        positions=[
            position("E1", "COI", "2500"),
            position("E2", "COI", "3700"),
            position("E3", "COI", "800"),
        ],
    )
    check = facts_of(records, amount="6000")["check"]

    assert check == {
        "requested": "6000.00",
        "decision": "PASS",
        "reasons": [],
        "allocations": [
            {"entity_id": "E1", "nav_type": "COI", "amount": "2000.00"},
            {"entity_id": "E2", "nav_type": "COI", "amount": "3000.00"},
        ],
        "allocated": "5000.00",
        "not_allocated": "1000.00",
        "lot_size": "1000.00",
        "minimum_deal_size": None,
        "maximum_deal_size": None,
    }


def test_allocation_stops_once_the_request_is_filled():
    records = capacity_records(
        entities=[entity("E1"), entity("E2", "Subsidiary")],
        positions=[position("E1", "COI", "1000000"), position("E2", "COI", "1000000")],
    )
    check = facts_of(records, amount="400000.50")["check"]

    assert check["allocations"] == [{"entity_id": "E1", "nav_type": "COI", "amount": "400000.00"}]
    assert (check["allocated"], check["not_allocated"]) == ("400000.00", "0.50")


def test_lot_floor_rounds_down_to_whole_lots():
    assert lot_floor(Decimal("2999.99"), Decimal("1000")) == Decimal("2000")
    assert lot_floor(Decimal("3000"), Decimal("1000")) == Decimal("3000")
    assert lot_floor(Decimal("12.75"), Decimal("0.5")) == Decimal("12.5")

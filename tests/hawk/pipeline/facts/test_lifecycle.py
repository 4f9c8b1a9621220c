"""Rollover candidates, termination order, amendment delta and its check, inquiry grouping."""

import datetime
from typing import Any

from hawk.pipeline.facts import compute_facts
from tests.hawk.pipeline.facts.builders import (
    BUSINESS_DATE,
    allocation,
    capacity_records,
    currency,
    entity,
    facts_input,
    instruction,
    position,
)


def day(month: int, day_of_month: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day_of_month)


def facts_of(records: dict, intent: str, **options: Any) -> dict:
    return compute_facts(facts_input(records, intent=intent, **options)).facts


def codes(facts: dict) -> list[str]:
    return [warning["code"] for warning in facts["warnings"]]


# --- rollover -------------------------------------------------------------------------------

ROLLOVER_ALLOCATIONS = [
    allocation(1, "E1", "COI", "100000", maturity_date=BUSINESS_DATE),
    allocation(2, "E1", "RE", "50000", status="Approved", maturity_date=day(12, 20)),
    allocation(3, "E2", "COI", "70000", maturity_date=day(12, 21)),
    allocation(4, "E2", "COI", "30000", maturity_date=day(11, 19)),
    allocation(5, "E2", "COI", "40000", status="Calculated", maturity_date=day(12, 1)),
    allocation(6, "E2", "COI", "10000", maturity_date=day(12, 1), code="HKD"),
    allocation(7, "E2", "COI", "10000", maturity_date=None),
]


def rollover_records() -> dict:
    return {"currencies": [currency()], "allocations": ROLLOVER_ALLOCATIONS, "instructions": []}


def test_rollover_lists_active_hedges_maturing_within_the_window():
    rollover = facts_of(rollover_records(), "rollover")["rollover"]

    assert rollover == {
        "window_days": 30,
        "window_start": "2026-11-20",
        "window_end": "2026-12-20",
        "count": 2,
        "total": "150000.00",
        "allocations": [
            {
                "allocation_id": 1,
                "entity_id": "E1",
                "nav_type": "COI",
                "amount": "100000.00",
                "status": "Executed",
                "execution_date": "2026-01-15",
                "maturity_date": "2026-11-20",
                "days_to_maturity": 0,
            },
            {
                "allocation_id": 2,
                "entity_id": "E1",
                "nav_type": "RE",
                "amount": "50000.00",
                "status": "Approved",
                "execution_date": "2026-01-15",
                "maturity_date": "2026-12-20",
                "days_to_maturity": 30,
            },
        ],
    }


def test_rollover_window_is_configurable():
    rollover = facts_of(rollover_records(), "rollover", rollover_window_days=31)["rollover"]

    assert [line["allocation_id"] for line in rollover["allocations"]] == [1, 2, 3]
    assert (rollover["window_end"], rollover["total"]) == ("2026-12-21", "220000.00")


def test_rollover_without_a_currency_covers_every_currency_with_totals_apart():
    rollover = facts_of(rollover_records(), "rollover", currency_code=None)["rollover"]

    assert [(line["allocation_id"], line["currency"]) for line in rollover["allocations"]] == [
        (1, "CNY"),
        (6, "HKD"),
        (2, "CNY"),
    ]
    assert rollover["total"] is None
    assert rollover["total_by_currency"] == [
        {"currency": "CNY", "total": "150000.00"},
        {"currency": "HKD", "total": "10000.00"},
    ]


def test_rollover_of_an_unknown_currency_is_a_warning_not_all_currencies():
    facts = facts_of(rollover_records(), "rollover", currency_code=None, unknown_currency="XYZ")

    assert "rollover" not in facts
    assert codes(facts) == ["UNKNOWN_CURRENCY"]


# --- termination ----------------------------------------------------------------------------

TERMINATION_ALLOCATIONS = [
    allocation(1, "E1", "RE", "100000", maturity_date=day(1, 10, 2027)),
    allocation(2, "E1", "COI", "50000", status="Approved", maturity_date=day(3, 1, 2027)),
    allocation(3, "E2", "COI", "80000", maturity_date=day(2, 1, 2027), request_id=7),
    allocation(4, "E1", "COI", "20000", status="Closed", maturity_date=day(2, 1, 2027)),
]


def termination_of(amount: str | None = None, **options: Any) -> dict:
    records = {
        "currencies": [currency()],
        "entities": [entity("E1"), entity("E2", "Subsidiary")],
        "allocations": TERMINATION_ALLOCATIONS,
        "instructions": [instruction(7, "ORD-7", "80000", status="Executed")],
    }
    return facts_of(records, "termination", amount=amount, **options)


def test_termination_closes_cost_of_investment_before_retained_earnings():
    termination = termination_of()["termination"]

    assert [line["allocation_id"] for line in termination["allocations"]] == [2, 3, 1]
    assert termination["closings"] == [
        {"allocation_id": 2, "entity_id": "E1", "nav_type": "COI", "amount": "50000.00"},
        {"allocation_id": 3, "entity_id": "E2", "nav_type": "COI", "amount": "80000.00"},
        {"allocation_id": 1, "entity_id": "E1", "nav_type": "RE", "amount": "100000.00"},
    ]
    assert [termination[key] for key in ("requested", "total_active", "closed", "not_closed")] == [
        None,
        "230000.00",
        "230000.00",
        "0.00",
    ]


def test_termination_of_an_amount_closes_in_order_until_reached():
    termination = termination_of("100000")["termination"]

    assert [(c["allocation_id"], c["amount"]) for c in termination["closings"]] == [
        (2, "50000.00"),
        (3, "50000.00"),
    ]
    assert (termination["closed"], termination["not_closed"]) == ("100000.00", "0.00")


def test_termination_beyond_the_active_hedges_says_what_is_not_closed():
    termination = termination_of("300000")["termination"]

    assert (termination["closed"], termination["not_closed"]) == ("230000.00", "70000.00")


def test_termination_of_an_order_closes_only_its_allocations():
    facts = termination_of(order_id="ORD-7")

    assert [line["allocation_id"] for line in facts["termination"]["allocations"]] == [3]
    assert facts["warnings"] == []


def test_termination_of_an_unknown_order_closes_nothing_and_warns():
    facts = termination_of(order_id="ORD-404")

    assert facts["termination"]["allocations"] == []
    assert codes(facts) == ["ORDER_NOT_FOUND"]


# --- amendment ------------------------------------------------------------------------------


def amendment_records() -> dict:
    return capacity_records(
        entities=[entity("E1"), entity("E2", "Subsidiary")],
        positions=[position("E1", "COI", "1000000"), position("E2", "RE", "500000")],
        instructions=[
            instruction(
                11, "ORD-2025-011", "500000", status="Approved", entity_id="E1", nav_type="COI"
            ),
            instruction(9, "ORD-2025-011", "300000", instruction_date=day(10, 1)),
        ],
    )


def test_amendment_increase_is_checked_on_the_orders_entity_and_nav_type():
    facts = facts_of(amendment_records(), "amendment", order_id="ORD-2025-011", amount="800000")

    amendment = facts["amendment"]
    assert (amendment["found"], amendment["instruction"]["instruction_id"]) == (True, 11)
    assert [amendment[key] for key in ("old_notional", "new_notional", "delta", "direction")] == [
        "500000.00",
        "800000.00",
        "300000.00",
        "INCREASE",
    ]
    assert [row["entity_id"] for row in facts["capacity"]["rows"]] == ["E1"]
    assert (facts["check"]["requested"], facts["check"]["decision"]) == ("300000.00", "PASS")
    assert facts["check"]["allocations"] == [
        {"entity_id": "E1", "nav_type": "COI", "amount": "300000.00"}
    ]


def test_amendment_decrease_needs_no_check():
    facts = facts_of(amendment_records(), "amendment", order_id="ORD-2025-011", amount="400000")

    assert (facts["amendment"]["delta"], facts["amendment"]["direction"]) == (
        "-100000.00",
        "DECREASE",
    )
    assert "check" not in facts and "capacity" not in facts


def test_amendment_takes_the_currency_from_the_order():
    facts = facts_of(
        amendment_records(),
        "amendment",
        currency_code=None,
        order_id="ORD-2025-011",
        amount="600000",
    )

    assert (facts["currency"], facts["check"]["requested"]) == ("CNY", "100000.00")


def test_amendment_of_an_unknown_order_is_a_warning():
    facts = facts_of(amendment_records(), "amendment", order_id="ORD-404", amount="1")

    assert facts["amendment"] == {
        "order_id": "ORD-404",
        "found": False,
        "instruction": None,
        "old_notional": None,
        "new_notional": "1.00",
        "delta": None,
        "direction": None,
    }
    assert facts["warnings"] == [
        {
            "code": "ORDER_NOT_FOUND",
            "severity": "warning",
            "message": "No instruction found for order ORD-404.",
        }
    ]


# --- inquiry --------------------------------------------------------------------------------

INSTRUCTIONS = [
    instruction(1, "ORD-1", "100000", instruction_date=day(11, 1)),
    instruction(2, "ORD-2", "200000", status="Approved", instruction_date=day(11, 10)),
    instruction(3, "ORD-3", "300000", status="Approved", instruction_date=day(11, 15)),
    instruction(4, "ORD-4", "50000", status="Rejected", instruction_date=day(11, 18)),
    instruction(5, "ORD-5", "25000", status="Executed", instruction_date=day(11, 19)),
    instruction(6, "ORD-6", "10000", instruction_date=day(11, 20)),
    instruction(8, "ORD-8", "999", code="HKD"),
]


def inquiry_of(**options: Any) -> dict:
    records = {"currencies": [currency()], "instructions": INSTRUCTIONS, "business_events": []}
    return facts_of(records, "inquiry", **options)


def test_inquiry_groups_the_currencys_instructions_by_status():
    inquiry = inquiry_of()["inquiry"]

    assert inquiry["total"] == 6
    assert inquiry["by_status"] == [
        {
            "status": "Received",
            "count": 2,
            "notional": "110000.00",
            "notional_by_currency": [{"currency": "CNY", "notional": "110000.00"}],
        },
        {
            "status": "Approved",
            "count": 2,
            "notional": "500000.00",
            "notional_by_currency": [{"currency": "CNY", "notional": "500000.00"}],
        },
        {
            "status": "Executed",
            "count": 1,
            "notional": "25000.00",
            "notional_by_currency": [{"currency": "CNY", "notional": "25000.00"}],
        },
        {
            "status": "Rejected",
            "count": 1,
            "notional": "50000.00",
            "notional_by_currency": [{"currency": "CNY", "notional": "50000.00"}],
        },
    ]
    assert [line["order_id"] for line in inquiry["latest"]] == [
        "ORD-6",
        "ORD-5",
        "ORD-4",
        "ORD-3",
        "ORD-2",
    ]


def test_inquiry_of_an_order_shows_its_instructions():
    inquiry = inquiry_of(order_id="ORD-3")["inquiry"]

    assert inquiry["order"] == [
        {
            "instruction_id": 3,
            "order_id": "ORD-3",
            "instruction_type": "I",
            "instruction_date": "2026-11-15",
            "currency": "CNY",
            "entity_id": None,
            "nav_type": None,
            "amount": "300000.00",
            "status": "Approved",
            "check_status": None,
        }
    ]

"""Capacity rows: each rule of DOMAIN.md on its own small dataset, expected values by hand."""

import datetime
from typing import Any

from hawk.pipeline.facts import compute_facts
from tests.hawk.pipeline.facts.builders import (
    BUSINESS_DATE,
    buffer_rule,
    capacity_records,
    entity,
    facts_input,
    framework,
    hedged,
    overlay,
    position,
)


def capacity_of(records: dict, **options: Any) -> dict:
    return compute_facts(facts_input(records, **options)).facts["capacity"]


def only_row(records: dict, **options: Any) -> dict:
    rows = capacity_of(records, **options)["rows"]
    assert len(rows) == 1
    return rows[0]


def one_position(**sources: list) -> dict:
    """E1 (Branch) with a 1,000,000 COI position, plus whatever the test adds."""
    defaults = {"entities": [entity("E1")], "positions": [position("E1", "COI", "1000000")]}
    return capacity_records(**(defaults | sources))


def test_row_follows_the_formula_with_the_default_buffer():
    records = one_position(hedged=[hedged("E1", "COI", "200000")])

    assert only_row(records) == {
        "entity_id": "E1",
        "entity_type": "Branch",
        "nav_type": "COI",
        "sfx": "1000000.00",
        "car": "0.00",
        "overlay": "0.00",
        "buffer_pct": "5.0000",
        "buffer": "50000.00",
        "hedged": "200000.00",
        "hedgeable": "950000.00",
        "unhedged": "750000.00",
        "available": "750000.00",
        "utilisation": "0.2105",
        "state": "Partially_Hedged",
    }


def test_more_specific_buffer_rule_beats_a_better_priority():
    rules = [
        buffer_rule(1, "10", currency_code="CNY", priority=1),
        buffer_rule(2, "3", entity_id="E1", currency_code="CNY", priority=50),
    ]
    row = only_row(one_position(buffers=rules))

    assert (row["buffer_pct"], row["buffer"], row["hedgeable"]) == (
        "3.0000",
        "30000.00",
        "970000.00",
    )


def test_lowest_priority_breaks_a_tie_between_equally_specific_rules():
    rules = [
        buffer_rule(1, "4", currency_code="CNY", priority=20),
        buffer_rule(2, "7", nav_type="COI", priority=10),
    ]
    row = only_row(one_position(buffers=rules))

    assert (row["buffer_pct"], row["buffer"]) == ("7.0000", "70000.00")


def test_lowest_rule_id_breaks_a_tie_of_equal_priority():
    rules = [
        buffer_rule(5, "2", currency_code="CNY", priority=10),
        buffer_rule(3, "6", currency_code="CNY", priority=10),
    ]

    assert only_row(one_position(buffers=rules))["buffer_pct"] == "6.0000"


def test_rule_for_another_entity_does_not_match_but_a_general_rule_does():
    rules = [
        buffer_rule(1, "1", entity_id="E2", currency_code="CNY", priority=1),
        buffer_rule(2, "8", priority=100),
    ]
    row = only_row(one_position(buffers=rules))

    assert (row["buffer_pct"], row["buffer"]) == ("8.0000", "80000.00")


def test_rules_for_another_entity_or_nav_type_leave_the_default_of_five_percent():
    rules = [buffer_rule(1, "1", entity_id="E2"), buffer_rule(2, "2", nav_type="RE")]

    assert only_row(one_position(buffers=rules))["buffer_pct"] == "5.0000"


def test_default_buffer_is_zero_under_excess_of_car_with_car_exemption():
    records = one_position(
        entities=[entity("E1", car_exemption_flag="Y")],
        frameworks=[framework("E1")],
        positions=[position("E1", "COI", "1000000", car="100000")],
    )
    row = only_row(records)

    assert [row[key] for key in ("car", "buffer_pct", "buffer", "hedgeable", "available")] == [
        "100000.00",
        "0.0000",
        "0.00",
        "900000.00",
        "900000.00",
    ]
    assert (row["utilisation"], row["state"]) == ("0.0000", "Available")


def test_car_exemption_without_the_excess_framework_keeps_the_default_buffer():
    records = one_position(
        entities=[entity("E1", car_exemption_flag="Y")],
        frameworks=[framework("E1", "Fully Hedge")],
        positions=[position("E1", "COI", "1000000", car="100000")],
    )
    row = only_row(records)

    assert (row["car"], row["buffer_pct"], row["hedgeable"]) == ("0.00", "5.0000", "950000.00")


def test_car_is_deducted_under_excess_of_optimal_car():
    records = one_position(
        frameworks=[framework("E1")],
        positions=[position("E1", "COI", "1000000", car="100000")],
    )
    row = only_row(records)

    assert (row["car"], row["buffer"], row["hedgeable"]) == ("100000.00", "50000.00", "850000.00")


def test_car_is_ignored_without_a_framework_row():
    records = one_position(positions=[position("E1", "COI", "1000000", car="100000")])

    assert only_row(records)["car"] == "0.00"


def test_null_car_counts_as_zero_under_excess_of_car():
    records = one_position(frameworks=[framework("E1")])
    row = only_row(records)

    assert (row["car"], row["hedgeable"]) == ("0.00", "950000.00")


def test_approved_overlay_is_added_to_hedgeable():
    row = only_row(one_position(overlays=[overlay("E1", "COI", "20000")]))

    assert (row["overlay"], row["hedgeable"], row["available"]) == (
        "20000.00",
        "970000.00",
        "970000.00",
    )


def test_overlay_of_the_other_nav_type_is_not_added():
    row = only_row(one_position(overlays=[overlay("E1", "RE", "20000")]))

    assert (row["overlay"], row["hedgeable"]) == ("0.00", "950000.00")


def test_hedged_amounts_are_summed_and_subtracted():
    records = one_position(hedged=[hedged("E1", "COI", "100000"), hedged("E1", "COI", "50000")])
    row = only_row(records)

    assert (row["hedged"], row["unhedged"], row["available"]) == (
        "150000.00",
        "800000.00",
        "800000.00",
    )


def test_inactive_entities_are_excluded():
    records = capacity_records(
        entities=[entity("E1"), entity("E2", active_flag="N")],
        positions=[position("E1", "COI", "1000000"), position("E2", "COI", "500000")],
    )
    capacity = capacity_of(records)

    assert [row["entity_id"] for row in capacity["rows"]] == ["E1"]
    assert (capacity["total_sfx"], capacity["total_available"]) == ("1000000.00", "950000.00")


def test_utilisation_is_null_when_hedgeable_is_not_positive():
    records = one_position(
        frameworks=[framework("E1")], positions=[position("E1", "COI", "1000", car="2000")]
    )
    row = only_row(records)

    assert [row[key] for key in ("hedgeable", "unhedged", "available", "utilisation")] == [
        "-1050.00",
        "-1050.00",
        "0.00",
        None,
    ]
    assert row["state"] == "Available"


def test_over_hedged_row_has_nothing_available_and_is_fully_hedged():
    row = only_row(one_position(hedged=[hedged("E1", "COI", "980000")]))

    assert [row[key] for key in ("unhedged", "available", "utilisation", "state")] == [
        "-30000.00",
        "0.00",
        "1.0316",
        "Fully_Hedged",
    ]


def test_totals_add_up_the_rows():
    records = capacity_records(
        entities=[entity("E1"), entity("E2", "Subsidiary")],
        positions=[position("E1", "COI", "1000000"), position("E2", "RE", "400000")],
        hedged=[hedged("E1", "COI", "200000")],
    )
    capacity = capacity_of(records)

    assert (capacity["total_sfx"], capacity["total_hedged"], capacity["total_available"]) == (
        "1400000.00",
        "200000.00",
        "1130000.00",
    )


def test_amounts_are_rounded_half_even_only_when_presented():
    records = one_position(positions=[position("E1", "COI", "1234567.89")])
    row = only_row(records)

    # buffer 61728.3945, hedgeable 1172839.4955: each rounded from the exact value.
    assert (row["buffer"], row["hedgeable"], row["available"]) == (
        "61728.39",
        "1172839.50",
        "1172839.50",
    )


def test_the_newest_position_up_to_the_business_date_is_used():
    positions = [
        position("E1", "COI", "1000000", as_of_date=BUSINESS_DATE - datetime.timedelta(days=30)),
        position("E1", "COI", "2000000", as_of_date=BUSINESS_DATE - datetime.timedelta(days=1)),
        position("E1", "COI", "9000000", as_of_date=BUSINESS_DATE + datetime.timedelta(days=1)),
    ]

    assert only_row(one_position(positions=positions))["sfx"] == "2000000.00"


def test_nav_type_restricts_the_rows():
    records = one_position(
        positions=[position("E1", "COI", "1000000"), position("E1", "RE", "300000")]
    )
    capacity = capacity_of(records, nav_type="RE")

    assert [(row["nav_type"], row["sfx"]) for row in capacity["rows"]] == [("RE", "300000.00")]
    assert capacity["total_available"] == "285000.00"


def test_unvalidated_positions_give_a_data_quality_note():
    records = one_position(positions=[position("E1", "COI", "1000", data_quality_status="Pending")])
    facts = compute_facts(facts_input(records)).facts

    assert facts["warnings"] == [
        {
            "code": "DATA_QUALITY",
            "severity": "info",
            "message": "Positions not validated: E1 COI (Pending).",
        }
    ]


def test_no_positions_is_a_warning_with_empty_capacity():
    facts = compute_facts(facts_input(capacity_records(entities=[entity("E1")]))).facts

    assert facts["capacity"] == {
        "rows": [],
        "total_sfx": "0.00",
        "total_hedged": "0.00",
        "total_available": "0.00",
    }
    assert [warning["code"] for warning in facts["warnings"]] == ["NO_POSITIONS"]


def test_unknown_currency_gives_a_warning_and_no_capacity():
    records = one_position(currencies=[])
    facts = compute_facts(facts_input(records, currency_code="XYZ", amount="100")).facts

    assert "capacity" not in facts and "check" not in facts
    assert facts["warnings"] == [
        {
            "code": "UNKNOWN_CURRENCY",
            "severity": "warning",
            "message": "Currency XYZ is not configured.",
        }
    ]


def test_missing_currency_gives_a_warning_and_no_capacity():
    facts = compute_facts(facts_input(one_position(), currency_code=None)).facts

    assert (facts["currency"], "capacity" in facts) == (None, False)
    assert [warning["code"] for warning in facts["warnings"]] == ["MISSING_CURRENCY"]

"""The utilisation check: PB deposit standing, deal size limits, decision and allocations.

The dataset: E1 (Branch) COI 1,000,000 and E2 (Subsidiary) RE 500,000, default 5% buffer, so
950,000 and 475,000 available (1,425,000 in all). 700,000 CNY is hedged by E9, an entity with
no capacity row: the PB deposit counts it all the same.
"""

import datetime
from decimal import Decimal
from typing import Any

from hawk.pipeline.facts import compute_facts
from tests.hawk.pipeline.facts.builders import (
    NOW,
    capacity_records,
    currency,
    entity,
    facts_input,
    hedged,
    position,
    rate,
    threshold,
)

PB_LIMITS = threshold(1, "100000", "200000", "300000")


def dataset(**sources: list) -> dict:
    defaults = {
        "entities": [entity("E1"), entity("E2", "Subsidiary")],
        "positions": [position("E1", "COI", "1000000"), position("E2", "RE", "500000")],
        "hedged": [hedged("E9", "COI", "700000")],
        "thresholds": [PB_LIMITS],
        "rates": [rate("CNYUSD", "0.14")],
    }
    return capacity_records(**(defaults | sources))


def facts_of(records: dict, amount: str | None, **options: Any) -> dict:
    return compute_facts(facts_input(records, amount=amount, **options)).facts


def pb_of(amount: str, **sources: list) -> dict:
    return facts_of(dataset(**sources), amount)["pb_deposit"]


def codes(facts: dict) -> list[str]:
    return [warning["code"] for warning in facts["warnings"]]


def test_pass_allocates_down_the_waterfall_within_the_pb_deposit():
    facts = facts_of(dataset(), "10000")

    assert facts["check"] == {
        "requested": "10000.00",
        "decision": "PASS",
        "reasons": [],
        "allocations": [{"entity_id": "E1", "nav_type": "COI", "amount": "10000.00"}],
        "allocated": "10000.00",
        "not_allocated": "0.00",
        "lot_size": "1.00",
        "minimum_deal_size": None,
        "maximum_deal_size": None,
    }
    assert facts["pb_deposit"] == {
        "status": "WITHIN",
        "current_usd": "98000.00",
        "projected_usd": "99400.00",
        "warning_level": "100000.00",
        "critical_level": "200000.00",
        "maximum_limit": "300000.00",
        "headroom_usd": "200600.00",
        "rates": [{"pair": "CNYUSD", "rate": "0.14", "effective_date": "2026-11-20"}],
    }
    assert facts["warnings"] == []


def test_pb_deposit_warn_with_a_direct_rate():
    pb = pb_of("500000")

    assert (pb["status"], pb["current_usd"], pb["projected_usd"]) == (
        "WARN",
        "98000.00",
        "168000.00",
    )


def test_pb_deposit_warn_with_an_inverse_rate():
    pb = pb_of("500000", rates=[rate("USDCNY", "8")])

    assert (pb["status"], pb["current_usd"], pb["projected_usd"]) == (
        "WARN",
        "87500.00",
        "150000.00",
    )


def test_pb_deposit_critical_with_a_cross_rate_through_sgd():
    pb = pb_of("1000000", rates=[rate("CNYSGD", "0.2"), rate("USDSGD", "1.25")])

    assert (pb["status"], pb["current_usd"], pb["projected_usd"]) == (
        "CRITICAL",
        "112000.00",
        "272000.00",
    )
    assert [quote["pair"] for quote in pb["rates"]] == ["CNYSGD", "USDSGD"]


def test_pb_deposit_exactly_at_the_warning_level_is_within():
    pb = pb_of("300000", rates=[rate("CNYUSD", "0.1")])

    assert (pb["status"], pb["projected_usd"]) == ("WITHIN", "100000.00")


def test_pb_breach_fails_with_no_allocations():
    facts = facts_of(dataset(), "1500000")

    assert (facts["pb_deposit"]["status"], facts["pb_deposit"]["projected_usd"]) == (
        "BREACH",
        "308000.00",
    )
    assert facts["check"] == {
        "requested": "1500000.00",
        "decision": "FAIL",
        "reasons": ["PB_BREACH"],
        "allocations": [],
        "allocated": "0.00",
        "not_allocated": "1500000.00",
        "lot_size": "1.00",
        "minimum_deal_size": None,
        "maximum_deal_size": None,
    }


def test_no_threshold_means_not_applicable_and_no_rate_is_needed():
    facts = facts_of(dataset(thresholds=[], rates=[]), "10000")

    assert facts["pb_deposit"] == {
        "status": "NOT_APPLICABLE",
        "current_usd": None,
        "projected_usd": None,
        "warning_level": None,
        "critical_level": None,
        "maximum_limit": None,
        "headroom_usd": None,
        "rates": [],
    }
    assert (facts["check"]["decision"], facts["warnings"]) == ("PASS", [])


def test_missing_rate_gives_unknown_with_a_warning_and_does_not_block():
    facts = facts_of(dataset(rates=[]), "10000")

    assert (facts["pb_deposit"]["status"], facts["pb_deposit"]["current_usd"]) == (
        "UNKNOWN",
        None,
    )
    assert facts["pb_deposit"]["maximum_limit"] == "300000.00"
    assert facts["check"]["decision"] == "PASS"
    assert codes(facts) == ["NO_RATE"]


def test_stale_rate_warns_but_is_still_used():
    facts = facts_of(dataset(rates=[rate("CNYUSD", "0.14", hours_old=80)]), "10000")

    assert facts["pb_deposit"]["current_usd"] == "98000.00"
    assert codes(facts) == ["RATE_STALE"]


def test_rate_age_is_measured_at_the_business_date_not_the_clock():
    weeks_later = NOW + datetime.timedelta(days=16)
    facts = facts_of(dataset(), "10000", now=weeks_later)

    assert codes(facts) == []


def test_rate_older_than_the_business_date_allows_is_stale_however_late_the_clock():
    records = dataset(rates=[rate("CNYUSD", "0.14", hours_old=100)])
    facts = facts_of(records, "10000", now=NOW + datetime.timedelta(days=16))

    assert codes(facts) == ["RATE_STALE"]


def test_general_pb_threshold_applies_when_the_currency_has_none():
    general = threshold(2, "1000", "2000", "500000", code=None)

    assert pb_of("10000", thresholds=[general])["status"] == "CRITICAL"


def test_request_below_the_minimum_deal_size_fails():
    records = dataset(currencies=[currency(minimum_deal_size=Decimal("100000"))])
    check = facts_of(records, "50000")["check"]

    assert (check["decision"], check["reasons"], check["allocations"]) == (
        "FAIL",
        ["MIN_DEAL_SIZE"],
        [],
    )
    assert (check["allocated"], check["not_allocated"]) == ("0.00", "50000.00")


def test_request_above_the_maximum_deal_size_fails():
    records = dataset(currencies=[currency(maximum_deal_size=Decimal("400000"))])
    check = facts_of(records, "500000")["check"]

    assert (check["decision"], check["reasons"], check["not_allocated"]) == (
        "FAIL",
        ["MAX_DEAL_SIZE"],
        "500000.00",
    )


def test_partial_allocates_everything_available():
    check = facts_of(dataset(thresholds=[]), "2000000")["check"]

    assert (check["decision"], check["reasons"]) == ("PARTIAL", [])
    assert check["allocations"] == [
        {"entity_id": "E1", "nav_type": "COI", "amount": "950000.00"},
        {"entity_id": "E2", "nav_type": "RE", "amount": "475000.00"},
    ]
    assert (check["allocated"], check["not_allocated"]) == ("1425000.00", "575000.00")


def test_no_capacity_fails():
    records = dataset(
        thresholds=[], hedged=[hedged("E1", "COI", "950000"), hedged("E2", "RE", "480000")]
    )
    facts = facts_of(records, "1000")

    assert facts["capacity"]["total_available"] == "0.00"
    assert (facts["check"]["decision"], facts["check"]["reasons"]) == ("FAIL", ["NO_CAPACITY"])
    assert facts["check"]["not_allocated"] == "1000.00"


def test_entity_restricts_the_candidates():
    facts = facts_of(dataset(), "100000", entity_id="E2")

    assert [row["entity_id"] for row in facts["capacity"]["rows"]] == ["E2"]
    assert facts["check"]["allocations"] == [
        {"entity_id": "E2", "nav_type": "RE", "amount": "100000.00"}
    ]
    # The PB deposit still counts every entity's hedges.
    assert facts["pb_deposit"]["current_usd"] == "98000.00"


def test_utilisation_without_an_amount_shows_capacity_only():
    facts = facts_of(dataset(), None)

    assert sorted(facts) == [
        "as_of",
        "business_date",
        "capacity",
        "currency",
        "entity_names",
        "warnings",
    ]


def test_entity_names_cover_the_entities_the_facts_mention_only():
    records = dataset(entities=[entity("E1"), entity("E2", "Subsidiary"), entity("E7")])
    facts = facts_of(records, "10000")

    assert facts["entity_names"] == {"E1": "Entity E1", "E2": "Entity E2"}


def test_inception_with_an_amount_is_checked_and_shows_its_booking_model():
    facts = facts_of(dataset(booking_models=[]), "10000", intent="inception", nav_type="COI")

    assert facts["check"]["decision"] == "PASS"
    assert facts["booking_model"]["models"][0]["booking_model"] == "A-COI"


def test_numbers_hold_every_presented_amount():
    numbers = compute_facts(facts_input(dataset(), amount="10000")).numbers

    assert {"10000.00", "98000.00", "99400.00", "950000.00", "0.0000", "5.0000"} <= numbers
    assert "ENTITY0001" not in numbers and "2026-11-20" not in numbers

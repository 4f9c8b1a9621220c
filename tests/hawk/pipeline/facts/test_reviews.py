"""Reviews: thresholds with their current standing, effectiveness, booking model defaults."""

from decimal import Decimal
from typing import Any

import pytest

from hawk.pipeline.facts import compute_facts
from tests.hawk.pipeline.facts.builders import (
    booking_model_row,
    currency,
    effectiveness_test,
    facts_input,
    hedged,
    rate,
    threshold,
)


def facts_of(records: dict, intent: str = "compliance", **options: Any) -> dict:
    return compute_facts(facts_input(records, intent=intent, **options)).facts


# --- effectiveness --------------------------------------------------------------------------


def effectiveness_of(*tests: dict) -> dict:
    return facts_of({"currencies": [currency()], "effectiveness": list(tests)}, "performance")[
        "effectiveness"
    ]


def test_dollar_offset_passes_fails_or_is_inconclusive():
    effectiveness = effectiveness_of(
        effectiveness_test(1, "-100000", "95000"),
        effectiveness_test(2, "100000", "-130000", result="PASS"),
        effectiveness_test(3, "500", "-1000"),
        effectiveness_test(4, "0", "-10"),
    )

    assert [(t["effectiveness_id"], t["ratio"], t["result"]) for t in effectiveness["tests"]] == [
        ("EFF-00001", "0.9500", "PASS"),
        ("EFF-00002", "1.3000", "FAIL"),
        ("EFF-00003", "2.0000", "INCONCLUSIVE"),
        ("EFF-00004", None, "INCONCLUSIVE"),
    ]
    assert effectiveness["summary"] == {"total": 4, "PASS": 1, "FAIL": 1, "INCONCLUSIVE": 2}
    assert effectiveness["tests"][1]["recorded_result"] == "PASS"


def test_the_pass_range_includes_both_bounds():
    effectiveness = effectiveness_of(
        effectiveness_test(1, "10000", "-8000"),
        effectiveness_test(2, "10000", "-12500"),
        effectiveness_test(3, "10000", "-7999"),
        effectiveness_test(4, "10000", "-12501"),
    )

    assert [(t["ratio"], t["result"]) for t in effectiveness["tests"]] == [
        ("0.8000", "PASS"),
        ("1.2500", "PASS"),
        ("0.7999", "FAIL"),
        ("1.2501", "FAIL"),
    ]


def test_a_hawk_row_without_changes_is_judged_on_its_recorded_ratio_and_own_thresholds():
    within = {**effectiveness_test(1, None, None), "effectiveness_ratio": Decimal("0.9")}
    outside_own_band = {
        **effectiveness_test(2, None, None),
        "effectiveness_ratio": Decimal("0.9"),
        "lower_threshold": Decimal("0.95"),
        "upper_threshold": Decimal("1.05"),
    }
    no_ratio = effectiveness_test(3, None, None)

    tests = effectiveness_of(within, outside_own_band, no_ratio)["tests"]

    assert [(t["ratio"], t["result"], t["hedged_item_change"]) for t in tests] == [
        ("0.9000", "PASS", None),
        ("0.9000", "FAIL", None),
        (None, "INCONCLUSIVE", None),
    ]


def test_a_change_at_the_materiality_floor_is_tested_and_the_floor_is_configurable():
    test = effectiveness_test(1, "-1000", "900")

    assert effectiveness_of(test)["tests"][0]["result"] == "PASS"
    records = {"effectiveness": [test]}
    lowered = facts_of(records, "performance", effectiveness_materiality=Decimal("5000"))[
        "effectiveness"
    ]
    assert (lowered["materiality"], lowered["tests"][0]["result"]) == ("5000.00", "INCONCLUSIVE")


# --- booking model --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nav_type", "currency_type", "model", "deals"),
    [
        ("COI", "Matched", "A-COI", 6),
        ("COI", "Mismatched", "B-COI", 10),
        ("COI", "Mismatched_with_Proxy", "C-COI", 10),
        ("RE", "Matched", "A-RE", 3),
        ("RE", "Mismatched", "B-RE", 3),
        ("RE", "Mismatched_with_Proxy", "C-RE", 5),
    ],
)
def test_booking_model_defaults(nav_type, currency_type, model, deals):
    records = {"currencies": [currency(currency_type=currency_type)], "booking_models": []}
    booking = facts_of(records, "inception", nav_type=nav_type)["booking_model"]

    assert booking == {
        "currency_type": currency_type,
        "models": [
            {
                "nav_type": nav_type,
                "booking_model": model,
                "deal_count": deals,
                "gl_entry_count": None,
                "hedging_instrument": None,
                "accounting_method": None,
                "source": "default",
            }
        ],
    }


def test_configured_booking_model_beats_the_default_and_both_nav_types_show_without_one():
    records = {
        "currencies": [currency(currency_type="Mismatched")],
        "booking_models": [
            booking_model_row("COI", "Mismatched", "B-COI", 12, 8),
            booking_model_row("COI", "Matched", "A-COI", 7, 4),
        ],
    }
    models = facts_of(records, "monitoring")["booking_model"]["models"]

    assert [
        (m["booking_model"], m["deal_count"], m["gl_entry_count"], m["source"]) for m in models
    ] == [
        ("B-COI", 12, 8, "configured"),
        ("B-RE", 3, None, "default"),
    ]


# --- thresholds -----------------------------------------------------------------------------


def threshold_records(**sources: list) -> dict:
    records = {
        "currencies": [currency()],
        "thresholds": [
            threshold(1, "100000", "200000", "300000"),
            threshold(2, "10", "20", "30", threshold_type="CONCENTRATION_LIMIT"),
            threshold(3, "5", "10", "15", threshold_type="HEDGE_DEVIATION", code=None),
            threshold(4, "1", "2", "3", code="HKD"),
        ],
        "hedged": [hedged("E1", "COI", "700000")],
        "rates": [rate("CNYUSD", "0.25")],
    }
    return records | sources


def test_thresholds_show_every_active_threshold_with_the_pb_deposit_standing():
    thresholds = facts_of(threshold_records(), "monitoring")["thresholds"]

    assert [(t["threshold_type"], t["current_value"], t["status"]) for t in thresholds] == [
        ("CONCENTRATION_LIMIT", None, "NOT_COMPUTED"),
        ("HEDGE_DEVIATION", None, "NOT_COMPUTED"),
        ("USD_PB_DEPOSIT", "175000.00", "WARN"),
    ]
    assert thresholds[2] == {
        "threshold_id": 1,
        "threshold_type": "USD_PB_DEPOSIT",
        "currency": "CNY",
        "entity_type": None,
        "warning_level": "100000.00",
        "critical_level": "200000.00",
        "maximum_limit": "300000.00",
        "unit_of_measure": "USD",
        "current_value": "175000.00",
        "headroom": "125000.00",
        "status": "WARN",
        "reason": None,
    }
    reasons = {t["threshold_type"]: t["reason"] for t in thresholds}
    assert reasons["HEDGE_DEVIATION"] == "DOMAIN.md defines no current value for HEDGE_DEVIATION"
    assert reasons["CONCENTRATION_LIMIT"] == "needs the hedge book of every currency"


def test_without_a_currency_every_currencys_pb_deposit_is_measured_through_any_rate_path():
    records = {
        "currencies": [currency(), currency("HKD"), currency("KRW")],
        "thresholds": [
            threshold(1, "100000", "200000", "300000"),
            threshold(4, "100", "200", "300", code="HKD"),
            threshold(5, "1", "2", "3", code="KRW"),
            threshold(6, "40", "60", "80", threshold_type="CONCENTRATION_LIMIT", code="CNY"),
        ],
        "hedged": [
            {**hedged("E1", "COI", "700000"), "currency_code": "CNY"},
            {**hedged("E2", "RE", "1000"), "currency_code": "HKD"},
            {**hedged("E3", "RE", "5000"), "currency_code": "KRW"},
        ],
        # CNY direct; HKD across SGD (HKDSGD, then USDSGD inverted); KRW has no rate at all.
        "rates": [rate("CNYUSD", "0.25"), rate("HKDSGD", "0.2"), rate("USDSGD", "1.25")],
    }
    facts = facts_of(records, "monitoring", currency=None)

    found = {(t["threshold_type"], t["currency"]): t for t in facts["thresholds"]}
    assert found["USD_PB_DEPOSIT", "CNY"]["current_value"] == "175000.00"
    assert found["USD_PB_DEPOSIT", "HKD"]["current_value"] == "160.00"  # 1000 * 0.2 / 1.25
    assert found["USD_PB_DEPOSIT", "HKD"]["status"] == "WARN"
    assert found["USD_PB_DEPOSIT", "KRW"]["status"] == "UNKNOWN"
    assert found["USD_PB_DEPOSIT", "KRW"]["reason"] == (
        "no SPOT rate converts KRW to USD (missing KRWUSD or USDKRW; "
        "KRWSGD/SGDKRW with SGDUSD/USDSGD)"
    )
    # The KRW book could not be converted, so no share of the whole book is known.
    assert found["CONCENTRATION_LIMIT", "CNY"]["status"] == "NOT_COMPUTED"


def test_pb_deposit_threshold_is_unknown_without_a_rate():
    facts = facts_of(threshold_records(rates=[]), "monitoring")

    pb = [t for t in facts["thresholds"] if t["threshold_type"] == "USD_PB_DEPOSIT"]
    assert [(t["current_value"], t["status"]) for t in pb] == [(None, "UNKNOWN")]
    assert [warning["code"] for warning in facts["warnings"]] == ["NO_RATE"]


def test_review_shows_a_section_for_each_source_its_plan_read():
    facts = facts_of({"currencies": [currency()], "thresholds": []}, "general")

    assert sorted(facts) == ["as_of", "business_date", "currency", "thresholds", "warnings"]


def test_compliance_review_shows_capacity_thresholds_and_effectiveness_without_a_check():
    records = threshold_records(
        entities=[],
        positions=[],
        effectiveness=[effectiveness_test(1, "-100000", "95000")],
    )
    facts = facts_of(records, "compliance", amount="1000")

    assert sorted(facts) == [
        "as_of",
        "business_date",
        "capacity",
        "currency",
        "effectiveness",
        "thresholds",
        "warnings",
    ]
    assert [warning["code"] for warning in facts["warnings"]] == ["NO_POSITIONS"]


def test_a_concentration_limit_is_the_currencys_share_of_the_whole_book_in_usd():
    records = {
        "currencies": [currency(), currency("HKD")],
        "thresholds": [
            threshold(6, "40", "60", "80", threshold_type="CONCENTRATION_LIMIT", code="CNY")
        ],
        "hedged": [
            {**hedged("E1", "COI", "700000"), "currency_code": "CNY"},  # USD 175,000
            {**hedged("E2", "RE", "125000"), "currency_code": "HKD"},  # USD 25,000 (via SGD)
        ],
        "rates": [rate("CNYUSD", "0.25"), rate("HKDSGD", "0.25"), rate("SGDUSD", "0.8")],
    }
    (row,) = facts_of(records, "monitoring", currency=None)["thresholds"]

    assert (row["current_value"], row["status"]) == ("87.50", "BREACH")  # 175 / 200

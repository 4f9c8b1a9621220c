"""Presentation: half-even rounding to fixed places, and the set of presented numbers."""

from decimal import Decimal

from hawk.pipeline.facts.present import money, percentage, presented_numbers, rate, ratio


def test_amounts_round_half_even_to_two_places():
    assert [money(Decimal(value)) for value in ("0.125", "0.135", "2.5", "1E+3")] == [
        "0.12",
        "0.14",
        "2.50",
        "1000.00",
    ]


def test_a_negative_amount_rounding_to_zero_is_presented_without_its_sign():
    assert money(Decimal("-0.004")) == "0.00"


def test_ratios_and_percentages_have_four_places():
    assert ratio(Decimal("0.21055")) == "0.2106"
    assert ratio(Decimal("0.21045")) == "0.2104"
    assert percentage(Decimal("5")) == "5.0000"
    assert money(None) is None and ratio(None) is None


def test_rates_are_shown_as_stored_without_trailing_zeros():
    assert rate(Decimal("7.1000000000")) == "7.1"
    assert rate(Decimal("1500.0000000000")) == "1500"


def test_presented_numbers_are_collected_from_values_only():
    facts = {
        "business_date": "2026-11-20",
        "rows": [{"entity_id": "ENTITY0001", "sfx": "10.00", "count": 3, "ok": True}],
        "ratio": "-0.5000",
    }

    assert presented_numbers(facts) == frozenset({"10.00", "3", "-0.5000"})

"""The number check: answer numbers found in the context despite formatting and rounding."""

import json

import pytest

from hawk.analysis.quality import Quality, check_numbers, context_numbers

CONTEXT = json.dumps(
    {
        "business_date": "2026-11-20",
        "currency": "CNY",
        "requested": "150000.00",
        "available": "1347500.0000",
        "down": "1344000.0000",
        "total": "3828985370.00",
        "big": "5000000000.00",
        "utilisation": "0.2500",
        "buffer_pct": "7.5000",
        "delta": "-20000000.00",
        "rate": "0.1825",
        "count": 42,
        "entity_id": "ENTITY0015",
        "order_id": "ORD-2025-011",
        "effective_date": "2026-11-20T08:00:00+00:00",
    }
)


def verified(answer: str) -> bool:
    quality = check_numbers(answer, CONTEXT)
    assert quality.checked == 1, f"{answer!r} should hold one checked number"
    return quality.verified == 1


@pytest.mark.parametrize(
    "answer",
    [
        "Requested 150000.00 CNY.",  # exact
        "Requested 150000 CNY.",  # trailing zeros dropped
        "Requested 150,000.00 CNY.",  # thousands separators
        "Available: 1,347,500.00",
        "Available: 1,347,500",
        "Requested 150K.",  # K suffix
        "Requested 150k.",
        "Available USD 1.35M.",  # M suffix, rounded up from 1347500
        "Available $1.3475M.",
        "Available 1.34M.",  # rounded down from 1344000
        "Available 1.3475 million.",
        "A total of 3.83bn.",  # bn suffix, rounded up
        "A total of 3.8 billion.",  # rounded down
        "A total of 3,828,985,370.",
        "Up to 5bn.",
        "Up to 5 bn.",
        "Utilisation 25%.",  # a percentage of the ratio 0.2500
        "Utilisation 25.00%.",
        "Utilisation 25.0 percent.",
        "Buffer 7.5%.",  # a percentage equal to a percentage number
        "Buffer 7.50%.",
        "The notional falls by 20,000,000.00.",  # the sign of -20000000.00 is said in words
        "Amended by -20M.",
        "Rate 0.1825.",
        "There are 42 instructions.",
        "Rate 0.18.",  # 0.1825 rounded to the two places written
    ],
)
def test_formatted_and_rounded_numbers_are_verified(answer):
    assert verified(answer)


def test_a_currency_code_glued_to_an_amount_is_a_figure_not_an_id():
    assert check_numbers("Hedge USD25M", "25000000.00") == Quality(1.0, 1, 1, [])


@pytest.mark.parametrize(
    "answer",
    [
        "Available 1.4M.",  # 1347500 rounds to 1.3M at this precision
        "Available 1,347,600.",
        "Utilisation 26%.",
        "Requested 15K.",
        "A total of 3.82bn.",
    ],
)
def test_wrong_figures_are_not_verified(answer):
    assert not verified(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Business date 2026-11-20.",
        "Rates as of 2026-11-20T08:00:00+00:00.",
        "Booked at 14:30 and confirmed at 09:15:02.",
        "Order ORD-123 and order ORD-2025-011.",
        "Entity ENTITY0015 (E1) in Q3.",
        "1. Raise the instruction.\n2. Book it.\n10. Done.",
        "## 1. Decision\n### Next steps",
        "- 3. nested marker",
        "3 entities, 0 failures, step 10.",
        "Test 7 of allocation 2 is -4.",
    ],
)
def test_dates_times_ids_list_markers_and_small_integers_are_not_checked(answer):
    assert check_numbers(answer, CONTEXT) == Quality(1.0, 0, 0, [])


def test_small_numbers_with_decimals_or_a_suffix_are_checked():
    quality = check_numbers("Ratio 0.17, 7.5%, 3M and 2.00", CONTEXT)

    assert quality.checked == 4
    assert quality.unverified_numbers == ["0.17", "3M", "2.00"]


def test_a_made_up_number_is_listed_and_the_score_is_exact():
    answer = "Requested 150,000.00; available 1.35M; utilisation 25%; and 1,234,567 more."

    quality = check_numbers(answer, CONTEXT)

    assert quality == Quality(0.75, 4, 3, ["1,234,567"])
    assert quality.as_dict() == {
        "score": 0.75,
        "checked": 4,
        "verified": 3,
        "unverified_numbers": ["1,234,567"],
    }


def test_a_repeated_unverified_number_counts_each_time_and_is_listed_once():
    quality = check_numbers("999,999 then 999,999 and 150K", CONTEXT)

    assert (quality.checked, quality.verified) == (3, 1)
    assert quality.score == 0.3333
    assert quality.unverified_numbers == ["999,999"]


def test_an_empty_answer_scores_one():
    assert check_numbers("", CONTEXT) == Quality(1.0, 0, 0, [])
    assert check_numbers("", "").as_dict()["score"] == 1.0


def test_nothing_is_verified_against_an_empty_context():
    quality = check_numbers("Requested 150,000.00 and 1.35M.", "")

    assert quality == Quality(0.0, 2, 0, ["150,000.00", "1.35M"])


def test_ids_and_dates_in_the_context_verify_nothing():
    quality = check_numbers("15 and 2025 and 11", CONTEXT)

    assert quality.unverified_numbers == ["15", "2025", "11"]


def test_huge_amounts_keep_their_precision():
    context = "total 123456789012345678901.2345"

    assert check_numbers("123,456,789,012,345,678,901.23", context).score == 1.0
    assert check_numbers("123,456,789,012,345,678,901.24", context).score == 0.0


def test_a_context_seen_before_is_not_read_again():
    # The same context comes back run after run (its facts come from the data cache); reading
    # its numbers was a tenth of a loaded worker's time (docs/benchmarks.md, issue 19).
    context = "".join(["Capacity 1,347,499.60 ", "and 25.0000"])  # a new string object
    same_text = "".join(["Capacity 1,347,499.60 and ", "25.0000"])
    assert context_numbers(context) is context_numbers(same_text)
    assert check_numbers("1.35M and 25%", context) == check_numbers("1.35M and 25%", same_text)
    assert context_numbers(context) is not context_numbers(context + " 7.5")

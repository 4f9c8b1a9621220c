"""The scoring of `manage.py hawk_eval` (the command itself runs in `make eval`)."""

from hawk.evaluation.golden import GOLDEN, GoldenCase
from hawk.evaluation.runner import THRESHOLDS, facts_value, failed_thresholds, score_case

FACTS = {
    "as_of": "2026-10-31",
    "capacity": {"total_sfx": "10.00"},
    "thresholds": [{"threshold_type": "USD_PB_DEPOSIT", "currency": "CNY", "status": "WARN"}],
    "inquiry": {"by_status": [{"status": "Received", "notional": None, "notional_by_currency": [
        {"currency": "CNY", "notional": "1.00"}, {"currency": "JPY", "notional": "2.00"}]}]},
}  # fmt: skip


def test_facts_paths_reach_sections_thresholds_warnings_and_notionals():
    warnings = [{"code": "NO_RATE", "severity": "warning", "message": "..."}]
    assert facts_value(FACTS, warnings, "capacity.total_sfx") == "10.00"
    assert facts_value(FACTS, warnings, "thresholds[USD_PB_DEPOSIT/CNY].status") == "WARN"
    assert facts_value(FACTS, warnings, "thresholds[USD_PB_DEPOSIT/HKD].status") is None
    assert facts_value(FACTS, warnings, "warnings[NO_RATE]") == "present"
    assert facts_value(FACTS, [], "warnings[NO_RATE]") == "absent"
    path = "inquiry.by_status[*].notional_by_currency"
    assert facts_value(FACTS, [], path) == "one entry per currency"
    mixed = {
        "inquiry": {
            "by_status": [
                {
                    "notional": "3.00",
                    "notional_by_currency": [
                        {"currency": "CNY", "notional": "1.00"},
                        {"currency": "JPY", "notional": "2.00"},
                    ],
                }
            ]
        }
    }
    assert facts_value(mixed, [], path) == "mixed"  # fmt: skip


def test_a_case_scores_intent_parameters_clarification_and_facts():
    case = GoldenCase("c", "p", "utilisation", {"currency": "CNY", "amount": None},
                      facts={"as_of": "2026-10-31", "capacity.total_sfx": "11.00"})  # fmt: skip
    events = [
        {"event": "hawk_plan", "intent": "utilisation", "parameters": {"currency": "CNY"},
         "clarification": {"question": "?"}},
        {"event": "hawk_facts", "facts": FACTS, "warnings": []},
        {"event": "message_end", "quality": {"score": 1.0}},
    ]  # fmt: skip
    result = score_case(case, events, 1.0, 2.0)
    assert (result.intent_ok, result.parameters_ok, result.asked_ok) == (True, True, False)
    assert (result.facts_checked, result.facts_ok) == (2, 1)
    assert "facts capacity.total_sfx = '10.00' (want '11.00')" in result.problems


def test_a_missed_threshold_is_named():
    scores = {**THRESHOLDS, "facts_accuracy": 0.5, "total_ms": 9000.0}
    assert failed_thresholds(scores) == [
        "facts_accuracy 0.5 (threshold 1)",
        "total_ms 9000 (threshold 5000)",
    ]


def test_the_golden_set_covers_asking_dates_templates_and_mixed_currencies():
    assert sum(case.unclear for case in GOLDEN) >= 3
    assert any(case.template for case in GOLDEN)
    assert any("as_of" in case.parameters for case in GOLDEN)

"""The answer check's three layers and its weighted risk, on answers written by hand against a
small context (no database, no backend)."""

import pytest

from hawk.analysis.checks import check_answer

CONTEXT = (
    "Intent: utilisation\n"
    'Parameters: {"amount": "150000.00", "currency": "CNY"}\n'
    '{"check": {"decision": "PASS", "entity_id": "ENTITY0005", "available": "418618000.00",'
    ' "instruction_id": "ORD-2026-011"}}\n'
)
FACTS = {"check": {"decision": "PASS", "entity_id": "ENTITY0005"}}


def checked(answer: str, previous: dict | None = None):
    return check_answer(answer, context=CONTEXT, facts=FACTS, previous=previous)


def kinds(answer: str, previous: dict | None = None) -> list[str]:
    return [finding.kind for finding in checked(answer, previous).findings]


def test_an_answer_true_to_the_facts_is_low_risk():
    check = checked("## CNY 150,000.00: PASS\nENTITY0005 has 418.6M available (ORD-2026-011).\n")
    assert (check.risk, check.findings) == ("low", [])
    assert check.layers == {"facts": 0.0, "consistency": 0.0, "uncertainty": 0.0}


def test_a_wrong_decision_is_critical():
    check = checked("## CNY 150,000.00: FAIL\n")
    assert check.risk == "critical"
    [finding] = check.findings
    assert (finding.layer, finding.kind, finding.claim) == ("facts", "decision", "FAIL")
    assert finding.message == "the answer says FAIL; the facts decide PASS"


def test_a_wrong_total_is_high():
    check = checked("## CNY 150,000.00: PASS\nThe total available is 9,876,543.21.\n")
    assert check.risk == "high"
    assert [(f.kind, f.claim) for f in check.findings] == [("number", "9,876,543.21")]


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        ("Most of it sits with ENTITY9999.", "entity"),
        ("Instruction ORD-2026-999 booked it.", "order_id"),
        ("The request is in JPY.", "currency"),
    ],
)
def test_a_claim_the_facts_do_not_hold_is_high(answer, kind):
    check = checked(answer)
    assert (check.risk, kinds(answer)) == ("high", [kind])


def test_hedging_a_figure_is_medium_risk():
    check = checked("Capacity is possibly around 418,618,000.00.\n")
    assert check.risk == "medium"
    assert [(f.layer, f.claim) for f in check.findings] == [
        ("uncertainty", "possibly"),
        ("uncertainty", "around"),
    ]


def test_hedging_words_away_from_figures_are_not_findings():
    assert kinds("Positions may have moved since inception: run a check first.\n") == []


def test_contradicting_the_previous_answer_is_high():
    check = checked("## CNY 150,000.00: PASS\n", previous={"decisions": ["PARTIAL"]})
    assert check.risk == "high"
    [finding] = check.findings
    assert (finding.layer, finding.kind) == ("consistency", "contradiction")
    assert "said PARTIAL" in finding.message


def test_repeating_the_previous_decision_is_consistent():
    assert kinds("## CNY 150,000.00: PASS\n", previous={"decisions": ["PASS"]}) == []


def test_the_thresholds_come_from_the_settings(settings):
    settings.HAWK_RISK_HIGH = settings.HAWK_RISK_CRITICAL = 0.6
    assert checked("The total available is 9,876,543.21.").risk == "critical"


def test_the_quality_keeps_the_number_check_and_adds_the_layers():
    quality = checked("## CNY 150,000.00: FAIL\n").as_dict()
    assert {"score", "checked", "verified", "unverified_numbers"} <= set(quality)
    assert quality["risk"] == "critical" and quality["risk_score"] == 1.0
    assert quality["findings"][0]["kind"] == "decision"

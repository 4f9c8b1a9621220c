"""The answer check's three layers and its weighted risk, on answers written by hand against a
small context (no database, no backend)."""

import pytest

from hawk.analysis import checks
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


def test_an_answer_checked_again_against_the_same_context_is_read_once(monkeypatch):
    """A replayed answer (same text, same context) is checked from what was read of it the
    first time: the number check runs once, whichever string objects carry the texts."""
    answer = "## CNY 150,000.00: PASS\nThe total available is 9,876,543.21.\n"
    calls = []
    read_numbers = checks.check_numbers
    monkeypatch.setattr(checks, "check_numbers", lambda *a: calls.append(a) or read_numbers(*a))
    checks.forget_checked_answers()
    first = check_answer("".join(answer), context="".join(CONTEXT), facts=dict(FACTS))
    again = check_answer("".join(answer), context="".join(CONTEXT), facts=dict(FACTS))
    assert len(calls) == 1
    assert again == first
    assert again.risk == "high"


def test_a_kept_check_never_answers_for_other_facts_or_another_previous_answer():
    """What is kept is keyed by the answer, the context and the facts' decisions; the
    consistency layer is checked against each run's previous answer."""
    answer = "## CNY 150,000.00: PASS\n"
    assert check_answer(answer, context=CONTEXT, facts=FACTS).risk == "low"
    failing = {"check": {"decision": "FAIL", "entity_id": "ENTITY0005"}}
    assert check_answer(answer, context=CONTEXT, facts=failing).risk == "critical"
    previous = {"decisions": ["FAIL"], "currencies": ["CNY"], "identifiers": []}
    with_previous = check_answer(answer, context=CONTEXT, facts=FACTS, previous=previous)
    assert [f.kind for f in with_previous.findings] == ["contradiction"]
    assert check_answer(answer, context=CONTEXT, facts=FACTS).findings == []


def test_a_kept_check_takes_the_risk_thresholds_of_now(settings):
    answer = "Capacity is possibly around 418,618,000.00.\n"
    assert check_answer(answer, context=CONTEXT, facts=FACTS).risk == "medium"
    settings.HAWK_RISK_MEDIUM = 0.9
    assert check_answer(answer, context=CONTEXT, facts=FACTS).risk == "low"

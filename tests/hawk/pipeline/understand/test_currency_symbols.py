"""Currency symbols, and the question asked when an amount comes without a currency."""

from pathlib import Path

import pytest

from hawk.evaluation.labelled import load_labelled, read_with_rules
from hawk.pipeline.understand.intents import KEY_PARAMETERS

DATA = Path(__file__).parents[2] / "evaluation" / "data"


@pytest.mark.parametrize(
    ("prompt", "currency"),
    [
        ("can we hedge US$2M", "USD"),
        ("can we hedge S$2M", "SGD"),
        ("can we hedge HK$ 2m", "HKD"),
        ("can we hedge JP¥500M", "JPY"),
        ("can we hedge CN¥150K", "CNY"),
        ("can we hedge €10M", "EUR"),
        ("can we hedge £8M", "GBP"),
    ],
)
def test_a_currency_symbol_names_its_currency(prompt, currency):
    understood = read_with_rules(prompt)
    assert understood.parameters.currency == currency
    assert understood.clarification is None


def test_a_bare_dollar_asks_which_currency_with_the_dollar_currencies_of_the_book():
    understood = read_with_rules("hedge $500,000")
    asked = understood.clarification
    assert understood.parameters.currency is None
    assert understood.parameters.currency_candidates == ("USD", "HKD", "AUD", "TWD")
    assert asked is not None
    assert asked.question == "Which currency is $500,000 in: USD, HKD, AUD or TWD?"
    assert [s.user_prompt for s in asked.suggestions][:2] == [
        "hedge 500,000 USD",
        "hedge 500,000 HKD",
    ]


def test_a_bare_yen_sign_asks_between_yen_and_yuan():
    asked = read_with_rules("Can I hedge ¥150K today?").clarification
    assert asked is not None
    assert [s.label for s in asked.suggestions] == ["JPY", "CNY"]


@pytest.mark.parametrize(
    ("prompt", "intent"),
    [
        ("hedge 5M", "utilisation"),
        ("book a new hedge of 5M", "inception"),
        ("roll over 5M of hedges", "rollover"),
        ("terminate 5M", "termination"),
        ("status of the 5M hedge", "inquiry"),
    ],
)
def test_an_amount_without_a_currency_is_asked_about(prompt, intent):
    understood = read_with_rules(prompt)
    assert understood.intent == intent
    assert understood.clarification is not None
    assert understood.clarification.question.startswith("Which currency is 5M in")


def test_an_order_stands_in_for_the_currency_and_a_review_needs_none():
    assert read_with_rules("roll over ORD-2025-009 for 5M").clarification is None
    assert read_with_rules("Analyze risk for $25M position").clarification is None


def test_every_labelled_prompt_with_an_amount_and_no_currency_is_asked_about_when_needed():
    rows = load_labelled(sorted(DATA.glob("*.jsonl")))
    readings = [read_with_rules(row.prompt) for row in rows]
    unasked = [
        understood
        for understood in readings
        if understood.parameters.amount is not None
        and understood.parameters.currency is None
        and "currency" in KEY_PARAMETERS.get(understood.intent, ())
        and understood.parameters.order_id is None
        and understood.clarification is None
    ]
    assert unasked == []

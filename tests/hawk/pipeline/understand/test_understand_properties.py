"""Properties of the prompt parser on odd input (issue 8): whatever the text, understanding it
never raises (nor does making it JSON-ready), and it never returns an amount or a currency that
the text does not contain. Bounded: a fixed number of examples, derandomized."""

import datetime
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hawk.pipeline.understand import INTENTS, Understanding, understand
from hawk.pipeline.vocabulary import SYMBOL_CURRENCIES, phrase_key
from tests.hawk.pipeline.understand.support import VOCABULARY

TODAY = datetime.date(2026, 11, 22)
UNITS = (Decimal(1), Decimal(1000), Decimal(1_000_000), Decimal(1_000_000_000))
BOUNDED = settings(max_examples=300, deadline=None, derandomize=True, database=None)

# Pieces of real prompts and of the odd things people type, joined at random.
FRAGMENTS = [
    "Check if I can hedge", "hedge", "Start", "COI", "RE", "hedge position", "Rollover",
    "existing", "Close", "terminate", "Modify order", "notional to", "from", "to", "Status of",
    "all", "instructions", "today", "yesterday", "as of", "end of last month", "on", "for",
    "CNY", "cny", "USD", "HKD", "yuan", "won", "dong", "Hong Kong", "HK", "Tokyo", "EUR",
    "US$", "HK$", "$", "€", "¥", "£", "150K", "25M", "120M", "1,000", "1,500.50", "2bn",
    "0.5", "1e9", "6 months", "3M tenor", "5%", "at 7.25", "2025", "ORD-123", "ORD-2025-011",
    "ENTITY0001", "Shanghai Branch", "2026-11-31", "31/02/2026", "99999999999999999999999999999",
    "9" * 60, "1" + "0" * 40 + "K", "-", "/", ",", ".", "?", "\n", "\t", "\x00", "🙂", "元",
]  # fmt: skip
prompts = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.integers(0, 10**30).map(str), st.text(max_size=8)),
        max_size=14,
    ).map(" ".join),
)


def understood(prompt: str) -> Understanding:
    return understand(prompt, vocabulary=VOCABULARY, today=TODAY)


def written_in(prompt: str, amount: Decimal) -> bool:
    """Whether the amount is a number of the text, times nothing, K, M or B."""
    digits = prompt.replace(",", "")
    return any(format((amount / unit).normalize(), "f") in digits for unit in UNITS)


def named_in(prompt: str, currency: str) -> bool:
    """Whether the text names the currency: its code, a name or alias, or its symbol."""
    words = f" {phrase_key(prompt)} "
    names = [phrase for phrase, code in VOCABULARY.currency_words.items() if code == currency]
    symbols = [symbol for symbol, code in SYMBOL_CURRENCIES.items() if code == currency]
    return any(f" {name} " in words for name in names) or any(
        symbol in prompt.upper() for symbol in symbols
    )


@BOUNDED
@given(prompts)
@example("hedge 99999999999999999999999999999 CNY")
@example("hedge 1" + "0" * 40 + "K CNY")
def test_any_text_is_understood_without_raising_and_made_json_ready(prompt):
    result = understood(prompt)
    assert result.intent in INTENTS
    assert 0 <= result.confidence <= 1
    result.as_dict()


@BOUNDED
@given(prompts)
@example("Modify order ORD-123 notional from 100M to 120M")
def test_every_amount_found_is_written_in_the_text(prompt):
    parameters = understood(prompt).parameters
    for amount in parameters.amounts:
        assert written_in(prompt, amount), amount
    assert parameters.amount is None or parameters.amount in parameters.amounts


@BOUNDED
@given(prompts)
@example("hedge $5M for Hong Kong")
def test_a_currency_found_is_named_in_the_text(prompt):
    currency = understood(prompt).parameters.currency
    assert currency is None or named_in(prompt, currency), currency


@BOUNDED
@given(st.text(alphabet="0123456789 ,.-/:%+()", max_size=80))
def test_text_without_letters_or_symbols_has_no_currency(prompt):
    assert understood(prompt).parameters.currency is None


def test_an_amount_too_large_for_any_hedge_is_not_taken_as_one():
    parameters = understood("hedge 99999999999999999999999999999 CNY").parameters
    assert (parameters.amount, parameters.currency) == (None, "CNY")
    assert understood("hedge 1000000000000000 CNY").parameters.amount == Decimal(10) ** 15
    assert understood("hedge 1000001B CNY").parameters.amount is None


def test_an_amount_finer_than_a_ten_thousandth_is_not_taken_as_one():
    assert understood("hedge 1.00000000000000000000000000001M CNY").parameters.amount is None
    assert understood("hedge 1.123456M CNY").parameters.amount == Decimal("1123456")

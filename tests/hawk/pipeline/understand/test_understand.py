"""Understanding prompts: intent and parameters from plain words (pure, no database)."""

import datetime
import json
from decimal import Decimal

import pytest

from hawk.pipeline.understand import INTENTS, Parameters, understand
from hawk.pipeline.vocabulary import builtin_vocabulary, vocabulary_from_rows
from tests.hawk.pipeline.understand.support import VOCABULARY

TODAY = datetime.date(2026, 11, 22)
TOMORROW = datetime.date(2026, 11, 23)

M = Decimal(1_000_000)

# (prompt, intent, expected parameters). `currency` and `amount` are always checked: when a
# row does not name them they must be None (never a default currency).
PROMPTS = [
    # The prompts the Angular app sends most.
    ("Check if I can hedge 150K CNY today", "utilisation",
     {"currency": "CNY", "amount": Decimal(150_000), "date": TODAY}),
    ("hedge 150K CNY", "utilisation", {"currency": "CNY", "amount": Decimal(150_000)}),
    ("Start USD 25M COI hedge", "inception",
     {"currency": "USD", "amount": 25 * M, "nav_type": "COI"}),
    ("Modify order ORD-123 notional to 120M", "amendment",
     {"order_id": "ORD-123", "amount": 120 * M}),
    ("Status of all CNY instructions", "inquiry", {"currency": "CNY"}),
    ("Rollover existing EUR hedge", "rollover", {"currency": "EUR"}),
    ("Close JPY hedge position", "termination", {"currency": "JPY"}),
    ("Can we hedge our Hong Kong exposure today?", "utilisation",
     {"currency": "HKD", "date": TODAY}),
    # Lower case.
    ("can i hedge 2m hkd", "utilisation", {"currency": "HKD", "amount": 2 * M}),
    ("check if i can hedge 500k usd", "utilisation",
     {"currency": "USD", "amount": Decimal(500_000)}),
    ("hedge 1.5bn jpy", "utilisation", {"currency": "JPY", "amount": Decimal(1_500_000_000)}),
    # No currency.
    ("Can I hedge 5M today?", "utilisation", {"amount": 5 * M, "date": TODAY}),
    ("What is our hedging capacity?", "utilisation", {}),
    ("Start a new hedge", "inception", {}),
    ("Can I hedge $500,000?", "utilisation", {"amount": Decimal(500_000)}),
    ("Can I hedge ¥100M?", "utilisation", {"amount": 100 * M}),
    # Two numbers.
    ("Amend ORD-2025-011 from 100M to 120M", "amendment",
     {"order_id": "ORD-2025-011", "amount": 120 * M, "amounts": (100 * M, 120 * M)}),
    ("Increase the CNY hedge from 2M to 3M", "amendment",
     {"currency": "CNY", "amount": 3 * M, "amounts": (2 * M, 3 * M)}),
    ("Can I hedge 5M USD and 2M HKD?", "utilisation",
     {"currency": "USD", "amount": 5 * M, "amounts": (5 * M, 2 * M)}),
    # The amount before or after its currency.
    ("Can I hedge CNY 150,000?", "utilisation", {"currency": "CNY", "amount": Decimal(150_000)}),
    ("Can I hedge 150,000 CNY?", "utilisation", {"currency": "CNY", "amount": Decimal(150_000)}),
    ("Can I hedge $500,000 of USD?", "utilisation",
     {"currency": "USD", "amount": Decimal(500_000)}),
    ("Check capacity for USD 25M", "utilisation", {"currency": "USD", "amount": 25 * M}),
    ("Check capacity for 25M USD", "utilisation", {"currency": "USD", "amount": 25 * M}),
    ("hedge USD25M", "utilisation", {"currency": "USD", "amount": 25 * M}),
    ("Can I hedge 150k Aussie dollars?", "utilisation",
     {"currency": "AUD", "amount": Decimal(150_000)}),
    # Names and places instead of codes.
    ("hedge 3 million yuan", "utilisation", {"currency": "CNY", "amount": 3 * M}),
    ("Can we hedge 10M renminbi exposure?", "utilisation", {"currency": "CNY", "amount": 10 * M}),
    ("Check headroom for Korean won", "utilisation", {"currency": "KRW"}),
    ("How much can we hedge in Hong Kong dollars?", "utilisation", {"currency": "HKD"}),
    ("Can I hedge 2 million US dollars?", "utilisation", {"currency": "USD", "amount": 2 * M}),
    ("Headroom for the rupiah book", "utilisation", {"currency": "IDR"}),
    ("Can I hedge 5M for Japan?", "utilisation", {"currency": "JPY", "amount": 5 * M}),
    ("Where is my Taiwan dollar instruction?", "inquiry", {"currency": "TWD"}),
    ("How much can India hedge today?", "utilisation", {"currency": "INR", "date": TODAY}),
    ("Initiate a hedge of 40M Philippine peso", "inception",
     {"currency": "PHP", "amount": 40 * M}),
    # Amount spellings.
    ("hedge 25 million INR", "utilisation", {"currency": "INR", "amount": 25 * M}),
    ("hedge 2.5 thousand PHP", "utilisation", {"currency": "PHP", "amount": Decimal(2500)}),
    ("hedge 25mm TWD", "utilisation", {"currency": "TWD", "amount": 25 * M}),
    ("hedge 1.5 billion VND", "utilisation",
     {"currency": "VND", "amount": Decimal(1_500_000_000)}),
    ("Can I hedge 1.5bn JPY?", "utilisation",
     {"currency": "JPY", "amount": Decimal(1_500_000_000)}),
    ("Hedge 100 CNY", "utilisation", {"currency": "CNY", "amount": Decimal(100)}),
    ("Can I hedge 1250000.50 HKD?", "utilisation",
     {"currency": "HKD", "amount": Decimal("1250000.50")}),
    # Symbols.
    ("Can I hedge €2M?", "utilisation", {"currency": "EUR", "amount": 2 * M}),
    ("Can I hedge £750,000?", "utilisation", {"currency": "GBP", "amount": Decimal(750_000)}),
    ("Can I hedge US$3M?", "utilisation", {"currency": "USD", "amount": 3 * M}),
    # NAV types.
    ("Start a 10M CNY hedge on retained earnings", "inception",
     {"currency": "CNY", "amount": 10 * M, "nav_type": "RE"}),
    ("New hedge for cost of investment, USD 5M", "inception",
     {"currency": "USD", "amount": 5 * M, "nav_type": "COI"}),
    ("Can I hedge 3M KRW RE?", "utilisation",
     {"currency": "KRW", "amount": 3 * M, "nav_type": "RE"}),
    ("Check coi capacity for INR", "utilisation", {"currency": "INR", "nav_type": "COI"}),
    ("RE: can I hedge 1M IDR", "utilisation", {"currency": "IDR", "amount": M, "nav_type": None}),
    # Entities, by id and by name.
    ("Can ENTITY0015 hedge 2M JPY?", "utilisation",
     {"entity_id": "ENTITY0015", "currency": "JPY", "amount": 2 * M}),
    ("Status of entity0001 instructions", "inquiry", {"entity_id": "ENTITY0001"}),
    ("Status of ENTITY0015 positions", "inquiry", {"entity_id": "ENTITY0015"}),
    ("Can Shanghai Branch hedge 1M?", "utilisation", {"entity_id": "ENTITY0005", "amount": M}),
    ("List instructions for Tokyo Subsidiary KK", "inquiry", {"entity_id": "ENTITY0020"}),
    ("Can singapore treasury centre hedge 4M USD?", "utilisation",
     {"entity_id": "ENTITY0001", "currency": "USD", "amount": 4 * M}),
    # Dates.
    ("Start a USD 5M hedge on 2026-11-20", "inception",
     {"currency": "USD", "amount": 5 * M, "date": datetime.date(2026, 11, 20)}),
    ("Can I hedge 1M HKD tomorrow?", "utilisation",
     {"currency": "HKD", "amount": M, "date": TOMORROW}),
    ("Roll over the JPY hedge maturing 20 Nov 2026", "rollover",
     {"currency": "JPY", "date": datetime.date(2026, 11, 20)}),
    # Orders: the order digits are never an amount; the replaced order is the previous one.
    ("What happened to ORD-2025-011?", "inquiry", {"order_id": "ORD-2025-011", "amounts": ()}),
    ("Where is order ord-77", "inquiry", {"order_id": "ORD-77", "amounts": ()}),
    ("Terminate ORD-123456", "termination", {"order_id": "ORD-123456", "amounts": ()}),
    ("Cancel hedge ORD-55", "termination", {"order_id": "ORD-55"}),
    ("Reduce ORD-12 notional by 1M", "amendment", {"order_id": "ORD-12", "amount": M}),
    ("Roll over previous order ORD-1 into a new forward", "rollover",
     {"previous_order_id": "ORD-1", "order_id": None, "instrument": "forward"}),
    ("Rollover ORD-2025-011 replacing ORD-2025-007", "rollover",
     {"order_id": "ORD-2025-011", "previous_order_id": "ORD-2025-007"}),
    ("Amend ORD-9 replacing ORD-8, notional to 50M", "amendment",
     {"order_id": "ORD-9", "previous_order_id": "ORD-8", "amount": 50 * M}),
    # Instruments and tenors (a tenor is not an amount).
    ("Book a new 10M INR NDF", "inception",
     {"currency": "INR", "amount": 10 * M, "instrument": "NDF"}),
    ("Can I hedge 5M TWD with a forward?", "utilisation",
     {"currency": "TWD", "amount": 5 * M, "instrument": "forward"}),
    ("Roll the 20M HKD FX swap", "rollover",
     {"currency": "HKD", "amount": 20 * M, "instrument": "swap"}),
    ("Unwind the 5M VND forward", "termination",
     {"currency": "VND", "amount": 5 * M, "instrument": "forward"}),
    ("Book a new 7M SGD forward", "inception", {"currency": "SGD", "amount": 7 * M}),
    ("Can I hedge 5M CNY for 3 months?", "utilisation",
     {"currency": "CNY", "amount": 5 * M, "amounts": (5 * M,)}),
    ("Start a 3M tenor forward on 2M USD", "inception",
     {"currency": "USD", "amount": 2 * M, "amounts": (2 * M,)}),
    ("Can I hedge 10M JPY for 3M?", "utilisation",
     {"currency": "JPY", "amount": 10 * M, "amounts": (10 * M,)}),
    ("Extend the PHP hedge by 1Y", "rollover", {"currency": "PHP", "amounts": ()}),
    ("Hedge 5% of the CNY exposure", "utilisation", {"currency": "CNY", "amounts": ()}),
    ("List the 2025 hedges for INR", "inquiry", {"currency": "INR", "amounts": ()}),
    ("Show me the top 10 instructions", "inquiry", {"amounts": ()}),
    # Every review category, and the fallback.
    ("Run a risk analysis on our INR exposure", "risk_analysis", {"currency": "INR"}),
    ("What is the VaR of the KRW book?", "risk_analysis", {"currency": "KRW"}),
    ("Show currency concentration across entities", "risk_analysis", {}),
    ("Are our CNY hedges IFRS 9 compliant?", "compliance", {"currency": "CNY"}),
    ("Any limit breaches this month?", "compliance", {}),
    ("Check hedge accounting rules for USD", "compliance", {"currency": "USD"}),
    ("How is hedge effectiveness for JPY?", "performance", {"currency": "JPY"}),
    ("Dollar offset results for HKD hedges", "performance", {"currency": "HKD"}),
    ("Show the P&L on USD hedges", "performance", {"currency": "USD"}),
    ("Open the monitoring dashboard", "monitoring", {}),
    ("Any threshold alerts for IDR?", "monitoring", {"currency": "IDR"}),
    ("What can you do?", "general", {}),
    ("Explain hedge accounting", "general", {}),
    # Codes the database does not configure are still currencies.
    ("Can I hedge 5M GBP?", "utilisation", {"currency": "GBP", "amount": 5 * M}),
    ("Close the CHF hedge", "termination", {"currency": "CHF"}),
    # Codes that are English words ("TRY", "ALL", "TOP") and "us" are not currencies...
    ("TRY again: can I hedge 2M HKD?", "utilisation", {"currency": "HKD", "amount": 2 * M}),
    ("TRY again to hedge 5M", "utilisation", {"amount": 5 * M}),
    ("Show ALL instructions", "inquiry", {}),
    ("Status of ALL hedges", "inquiry", {}),
    ("Can you help us hedge 1M CNY?", "utilisation", {"currency": "CNY", "amount": M}),
    # ...unless used as one.
    ("Can I hedge 5M TRY?", "utilisation", {"currency": "TRY", "amount": 5 * M}),
    ("Check capacity for our exposure in TRY", "utilisation", {"currency": "TRY"}),
    ("Can I hedge 5M for US entities?", "utilisation", {"currency": "USD", "amount": 5 * M}),
]  # fmt: skip


@pytest.mark.parametrize(("prompt", "intent", "expected"), PROMPTS, ids=[p[0] for p in PROMPTS])
def test_it_reads_intent_and_parameters(prompt, intent, expected):
    understood = understand(prompt, vocabulary=VOCABULARY, today=TODAY)

    assert understood.intent == intent
    wanted = {"currency": None, "amount": None, **expected}
    found = {name: getattr(understood.parameters, name) for name in wanted}
    assert found == wanted


def test_the_table_covers_every_intent():
    assert {intent for _, intent, _ in PROMPTS} == set(INTENTS)
    assert len(PROMPTS) >= 70


def test_an_unknown_word_never_becomes_a_currency_or_amount():
    understood = understand("Please look into this", vocabulary=VOCABULARY, today=TODAY)

    assert understood.intent == "general"
    assert understood.parameters == Parameters()


def test_explicit_parameters_replace_parsed_ones():
    understood = understand(
        "Can I hedge 150K CNY for ENTITY0005 on COI?",
        vocabulary=VOCABULARY,
        overrides={
            "currency": "hkd",
            "amount": "2000000",
            "nav_type": "RE",
            "entity_id": "ENTITY0015",
            "order_id": "ORD-7",
        },
        today=TODAY,
    )

    parameters = understood.parameters
    assert parameters.currency == "HKD"
    assert parameters.amount == Decimal("2000000")
    assert parameters.nav_type == "RE"
    assert parameters.entity_id == "ENTITY0015"
    assert parameters.order_id == "ORD-7"
    assert parameters.amounts == (Decimal(150_000),)  # what the text said is still recorded
    for name in ("currency", "amount", "nav_type", "entity_id", "order_id"):
        assert understood.evidence[name] == "explicit"


def test_an_empty_override_keeps_the_parsed_value():
    understood = understand(
        "hedge 150K CNY",
        vocabulary=VOCABULARY,
        overrides={"currency": None, "amount": "", "template_id": 4},
        today=TODAY,
    )

    assert understood.parameters.currency == "CNY"
    assert understood.parameters.amount == Decimal(150_000)
    assert understood.evidence["currency"] == "CNY"


def test_template_category_overrides_the_detected_intent():
    understood = understand(
        "Close JPY hedge position",
        vocabulary=VOCABULARY,
        template_category="risk_analysis",
        today=TODAY,
    )

    assert understood.intent == "risk_analysis"
    assert understood.template_category == "risk_analysis"
    assert understood.evidence["intent"] == "template_category"
    assert understood.parameters.currency == "JPY"


def test_evidence_names_the_words_that_decided():
    understood = understand(
        "Check if I can hedge 150K CNY today", vocabulary=VOCABULARY, today=TODAY
    )

    assert understood.evidence == {
        "intent": "Check if I can hedge",
        "currency": "CNY",
        "amount": "150K",
        "date": "today",
    }


def test_confidence_is_high_with_intent_words_and_their_key_parameter():
    def confidence(prompt: str) -> float:
        return understand(prompt, vocabulary=VOCABULARY, today=TODAY).confidence

    assert confidence("Check if I can hedge 150K CNY today") >= 0.8
    assert confidence("hedge 150K CNY") >= 0.8
    assert confidence("Modify order ORD-123 notional to 120M") >= 0.8
    assert 0.5 <= confidence("Can I hedge 5M today?") < 0.8  # no currency
    assert confidence("What can you do?") < 0.5


def test_longest_phrase_wins():
    understood = understand("Can I hedge 2M Hong Kong dollar?", vocabulary=VOCABULARY, today=TODAY)

    assert understood.parameters.currency == "HKD"
    assert understood.evidence["currency"] == "Hong Kong dollar"


def test_database_aliases_take_precedence_over_built_in_words():
    vocabulary = vocabulary_from_rows([("SGD", "Singapore Dollar", ["Hong Kong"])], [])

    understood = understand("hedge 2M for Hong Kong", vocabulary=vocabulary, today=TODAY)

    assert understood.parameters.currency == "SGD"
    assert vocabulary.known_currencies == frozenset({"SGD"})


def test_it_needs_no_database_with_the_built_in_vocabulary():
    # No `db` fixture: any query would fail the test.
    understood = understand(
        "Can we hedge 3 million yuan for Hong Kong today?",
        vocabulary=builtin_vocabulary(),
        today=TODAY,
    )

    assert understood.intent == "utilisation"
    assert understood.parameters.currency == "CNY"
    assert understood.parameters.amount == 3 * M
    assert builtin_vocabulary().known_currencies == frozenset()


def test_as_dict_is_ready_for_json():
    understood = understand(
        "Amend ORD-2025-011 from 100M to 120.5M on 2026-11-20",
        vocabulary=VOCABULARY,
        today=TODAY,
    )

    data = json.loads(json.dumps(understood.as_dict()))
    assert data["intent"] == "amendment"
    assert data["template_category"] is None
    assert data["parameters"] == {
        "currency": None,
        "amount": "120500000.00",
        "nav_type": None,
        "order_id": "ORD-2025-011",
        "previous_order_id": None,
        "entity_id": None,
        "date": "2026-11-20",
        "instrument": None,
        "amounts": ["100000000.00", "120500000.00"],
        "as_of": "2026-11-20",
        "unknown_currency": None,
        "currency_candidates": [],
    }
    assert data["clarification"] is None
    assert 0 <= data["confidence"] <= 1
    assert data["evidence"]["amount"] == "120.5M"


def test_amounts_are_exact_decimals():
    understood = understand("hedge 0.1M CNY", vocabulary=VOCABULARY, today=TODAY)

    assert understood.parameters.amount == Decimal("100000.0")
    assert isinstance(understood.parameters.amount, Decimal)


# --- issue 9: understood, or asked ------------------------------------------------------------


def test_typos_of_intent_and_currency_words_are_read_as_meant():
    understood = understand("chek if i can hegde 150k cny tody", vocabulary=VOCABULARY, today=TODAY)

    assert understood.intent == "utilisation"
    assert understood.parameters.currency == "CNY"
    assert understood.parameters.amount == Decimal(150_000)
    assert understood.parameters.date == TODAY
    assert understood.clarification is None
    assert "hegde -> hedge" in understood.evidence["spelling"]


def test_numbers_and_short_words_are_never_spelling_corrected():
    understood = understand("can we hedge 150k cnh", vocabulary=VOCABULARY, today=TODAY)

    assert understood.parameters.amount == Decimal(150_000)
    assert understood.parameters.currency is None  # CNH is no typo of CNY: codes are exact
    assert "spelling" not in understood.evidence


def test_a_prompt_with_no_intent_is_answered_with_a_question():
    understood = understand("CNY 150k", vocabulary=VOCABULARY, today=TODAY)

    assert understood.confidence < 0.5
    assert understood.clarification is not None
    assert "150,000.00 CNY" in understood.clarification.question
    prompts = [s.user_prompt for s in understood.clarification.suggestions]
    assert "Check if I can hedge 150,000.00 CNY today" in prompts


def test_the_confidence_floor_decides_when_to_ask():
    prompt = "hedge 150K CNY"  # a hint of weight 1
    low = understand(prompt, vocabulary=VOCABULARY, today=TODAY, confidence_floor=0.9)
    high = understand(prompt, vocabulary=VOCABULARY, today=TODAY, confidence_floor=0.2)

    assert low.clarification is not None and low.clarification.suggestions
    assert low.clarification.question.startswith("Did you mean a capacity check")
    assert high.clarification is None


@pytest.mark.parametrize(
    ("prompt", "intent"),
    [
        ("Can we utilise 5 billion CNY RE for ENTITY0006?", "utilisation"),
        ("What is the current hedge position for HKD?", "utilisation"),
        ("create a hedge 2m aud", "inception"),
        ("process new hedge request 4M INR", "inception"),
        ("settle ORD-2025-008", "termination"),
        ("update ORD-2025-006 to 18M", "amendment"),
        ("what are our pending instructions", "inquiry"),
        ("how effective are our krw hedges", "performance"),
        ("VaR for the JPY book", "risk_analysis"),
    ],
)
def test_verbs_and_question_forms_find_their_intent(prompt, intent):
    assert understand(prompt, vocabulary=VOCABULARY, today=TODAY).intent == intent


@pytest.mark.parametrize(
    ("prompt", "as_of"),
    [
        ("hedge 150K CNY as of 2026-10-01", datetime.date(2026, 10, 1)),
        ("capacity in JPY as of yesterday", datetime.date(2026, 11, 21)),
        ("How much CNY could we hedge at end of last month?", datetime.date(2026, 10, 31)),
        ("CNY capacity on 31 Oct", datetime.date(2026, 10, 31)),
        ("Check if I can hedge 150K CNY today", None),
        ("Start a CNY 5M hedge with value date 2026-12-01", None),
        ("effectiveness tests since 2026-01-01", None),
    ],
)
def test_the_as_of_date_is_a_past_date_asked_for(prompt, as_of):
    assert understand(prompt, vocabulary=VOCABULARY, today=TODAY).parameters.as_of == as_of


def test_a_rollover_tenor_is_not_an_amount():
    understood = understand(
        "Roll over order ORD-2025-014 for another 3M", vocabulary=VOCABULARY, today=TODAY
    )

    assert understood.intent == "rollover"
    assert understood.parameters.amount is None
    assert understood.parameters.amounts == ()


def test_an_unknown_code_is_reported_as_an_unknown_currency():
    understood = understand("Can I hedge 5M XYZ?", vocabulary=VOCABULARY, today=TODAY)

    assert understood.parameters.currency is None
    assert understood.parameters.unknown_currency == "XYZ"

"""The built-in analyst: a report of every intent rendered from the facts alone, streamed in
chunks and ended like Dify, with no number that the facts do not hold.

The CNY dataset: ENTITY0001 (Branch) COI 1,000,000 with 250,000 hedged and RE 400,000,
ENTITY0002 (Subsidiary) COI 2,500,000, ENTITY0003 (Associate) RE 300,000; default 5% buffer,
so 700,000, 380,000, 2,375,000 and 285,000 available. PB deposit limits 100,000 / 200,000 /
300,000 USD at CNYUSD 0.14: 250,000 hedged is USD 35,000 today.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from hawk.analysis.base import AnalysisChunk, AnalysisRequest
from hawk.analysis.builtin import BuiltinAnalyst
from hawk.analysis.builtin.markdown import MAX_TABLE_ROWS
from hawk.analysis.quality import check_numbers
from hawk.pipeline.context import facts_block
from hawk.pipeline.facts import Facts, compute_facts
from tests.hawk.pipeline.facts.builders import (
    BUSINESS_DATE,
    allocation,
    booking_model_row,
    capacity_records,
    currency,
    effectiveness_test,
    entity,
    facts_input,
    hedged,
    instruction,
    position,
    rate,
    threshold,
)

E1, E2, E3 = "ENTITY0001", "ENTITY0002", "ENTITY0003"


def in_days(days: int) -> datetime.date:
    return BUSINESS_DATE + datetime.timedelta(days=days)


def cny_records(**sources: list) -> dict:
    defaults = {
        "entities": [entity(E1), entity(E2, "Subsidiary"), entity(E3, "Associate")],
        "positions": [
            position(E1, "COI", "1000000"),
            position(E1, "RE", "400000"),
            position(E2, "COI", "2500000"),
            position(E3, "RE", "300000"),
        ],
        "hedged": [hedged(E1, "COI", "250000")],
        "thresholds": [threshold(1, "100000", "200000", "300000")],
        "rates": [rate("CNYUSD", "0.14")],
    }
    return capacity_records(**(defaults | sources))


ALLOCATIONS = [
    allocation(11, E1, "COI", "250000", maturity_date=in_days(7)),
    allocation(12, E2, "RE", "120000", status="Approved", maturity_date=in_days(25)),
    allocation(13, E2, "COI", "90000", maturity_date=in_days(90)),
]
INSTRUCTIONS = [
    instruction(25, "ORD-123", "100000", status="Executed", entity_id=E1, nav_type="COI"),
    instruction(31, "ORD-2026-031", "450000", status="Received", instruction_type="U"),
    instruction(32, "ORD-2026-032", "75000", status="Validated", instruction_type="R"),
    instruction(
        33,
        "ORD-2026-033",
        "5000000",
        status="Rejected",
        failure_reason="Rejected by Treasury: a 2Y tenor exceeds the 1Y policy limit",
    ),
]
EFFECTIVENESS = [
    effectiveness_test(1, "-100000", "95000"),
    effectiveness_test(2, "100000", "-130000", result="PASS"),
    effectiveness_test(3, "500", "-400", result="INCONCLUSIVE"),
]
BOOKING_MODELS = [booking_model_row("COI", "Matched", "A-COI", 6, 4)]


def scenario(intent: str, records: dict, **options: Any) -> tuple[str, Facts]:
    return intent, compute_facts(facts_input(records, intent=intent, **options))


SCENARIOS = {
    "pass": lambda: scenario("utilisation", cny_records(), amount="150000"),
    "partial": lambda: scenario("utilisation", cny_records(), amount="500000", entity_id=E3),
    "pb_breach": lambda: scenario("utilisation", cny_records(), amount="2000000"),
    "min_deal_size": lambda: scenario(
        "utilisation",
        cny_records(currencies=[currency(minimum_deal_size=Decimal("100000"))]),
        amount="50000",
    ),
    "max_deal_size": lambda: scenario(
        "utilisation",
        cny_records(currencies=[currency(maximum_deal_size=Decimal("100000"))]),
        amount="150000",
    ),
    "no_capacity": lambda: scenario(
        "utilisation",
        cny_records(
            positions=[position(E1, "COI", "1000000")], hedged=[hedged(E1, "COI", "950000")]
        ),
        amount="10000",
    ),
    "inception": lambda: scenario(
        "inception",
        cny_records(booking_models=BOOKING_MODELS),
        amount="150000",
        nav_type="COI",
    ),
    "inception_without_amount": lambda: scenario(
        "inception", cny_records(booking_models=BOOKING_MODELS)
    ),
    "rollover": lambda: scenario("rollover", {"allocations": ALLOCATIONS}),
    "rollover_all_currencies": lambda: scenario(
        "rollover",
        {
            "allocations": [
                *ALLOCATIONS,
                allocation(14, E2, "RE", "5000", maturity_date=in_days(9), code="HKD"),
            ]
        },
        currency_code=None,
    ),
    "rollover_empty": lambda: scenario("rollover", {"allocations": ALLOCATIONS[2:]}),
    "termination": lambda: scenario(
        "termination", cny_records(allocations=ALLOCATIONS), amount="300000"
    ),
    "termination_in_full": lambda: scenario("termination", cny_records(allocations=ALLOCATIONS)),
    "amendment_increase": lambda: scenario(
        "amendment",
        cny_records(instructions=INSTRUCTIONS),
        currency_code=None,
        order_id="ORD-123",
        amount="120000",
    ),
    "amendment_decrease": lambda: scenario(
        "amendment",
        cny_records(instructions=INSTRUCTIONS),
        currency_code=None,
        order_id="ORD-123",
        amount="80000",
    ),
    "amendment_unknown_order": lambda: scenario(
        "amendment",
        cny_records(instructions=INSTRUCTIONS),
        currency_code=None,
        order_id="ORD-999",
        amount="80000",
    ),
    "inquiry": lambda: scenario("inquiry", {"instructions": INSTRUCTIONS}),
    "inquiry_of_an_order": lambda: scenario(
        "inquiry", {"instructions": INSTRUCTIONS}, currency_code=None, order_id="ORD-123"
    ),
    "inquiry_of_a_rejected_order": lambda: scenario(
        "inquiry", {"instructions": INSTRUCTIONS}, currency_code=None, order_id="ORD-2026-033"
    ),
    "risk_analysis": lambda: scenario("risk_analysis", cny_records(allocations=ALLOCATIONS)),
    "compliance": lambda: scenario("compliance", cny_records(effectiveness=EFFECTIVENESS)),
    "performance": lambda: scenario(
        "performance", {"currencies": [currency()], "effectiveness": EFFECTIVENESS}
    ),
    "monitoring": lambda: scenario(
        "monitoring",
        {"thresholds": [threshold(1, "100000", "200000", "300000")], "instructions": INSTRUCTIONS},
        currency_code=None,
    ),
    "missing_currency": lambda: scenario(
        "utilisation", cny_records(), currency_code=None, amount="150000"
    ),
    "stale_rate": lambda: scenario(
        "utilisation",
        cny_records(
            rates=[rate("CNYUSD", "0.14", hours_old=100)],
            positions=[position(E1, "COI", "1000000", data_quality_status="Provisional")],
        ),
        amount="150000",
    ),
}


# Answers about a request that could not be computed: they hold no figures at all.
WITHOUT_NUMBERS = ("missing_currency", "amendment_unknown_order")


@dataclass
class Report:
    facts: Facts
    chunks: list[AnalysisChunk]

    @property
    def text(self) -> str:
        return "".join(chunk.text for chunk in self.chunks if chunk.kind == "answer")

    @property
    def context(self) -> str:
        return facts_block(self.facts.facts, self.facts.warnings)


def request_for(facts: Facts, intent: str, instructions: str = "") -> AnalysisRequest:
    return AnalysisRequest(
        query="",
        context=facts_block(facts.facts, facts.warnings),
        intent=intent,
        parameters={},
        facts=facts.facts,
        warnings=facts.warnings,
        user="tester",
        instructions=instructions,
    )


async def report_of(name: str) -> Report:
    intent, facts = SCENARIOS[name]()
    request = request_for(facts, intent)
    return Report(facts, [chunk async for chunk in BuiltinAnalyst().stream(request)])


# --- every intent ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
async def test_the_analyst_never_invents_a_number(name):
    report = await report_of(name)

    quality = check_numbers(report.text, report.context)

    assert quality.unverified_numbers == []
    assert quality.score == 1.0
    assert quality.checked > 0 or name in WITHOUT_NUMBERS


@pytest.mark.parametrize("name", SCENARIOS)
async def test_the_report_streams_in_chunks_and_ends_once_with_zero_usage(name):
    report = await report_of(name)

    answers = [chunk for chunk in report.chunks if chunk.kind == "answer"]
    assert len(answers) > 1
    assert all(chunk.text.endswith("\n") for chunk in answers)
    assert [chunk.kind for chunk in report.chunks[-1:]] == ["end"]
    assert [chunk.kind for chunk in report.chunks].count("end") == 1
    end = report.chunks[-1]
    assert end.usage["prompt_tokens"] == end.usage["completion_tokens"] == 0
    assert end.usage["total_tokens"] == 0
    assert end.usage["total_price"] == end.usage["prompt_price"] == "0"
    assert (end.usage["currency"], end.usage["latency"]) == ("USD", 0.0)
    assert len(end.message_id) == 36
    assert {chunk.message_id for chunk in report.chunks} == {end.message_id}


@pytest.mark.parametrize("name", SCENARIOS)
async def test_the_report_has_a_title_warnings_and_next_steps(name):
    text = (await report_of(name)).text

    assert text.startswith("## ")
    assert "### Warnings" in text
    if name != "missing_currency":
        assert "### Next steps\n\n1. " in text


# --- the utilisation check ------------------------------------------------------------------


async def test_pass_shows_the_decision_allocations_capacity_and_pb_deposit():
    text = (await report_of("pass")).text

    assert text.startswith("## CNY 150,000.00: PASS\n")
    assert "### Decision: PASS" in text
    assert "| Entity ENTITY0001 (ENTITY0001) | Branch | RE | 150,000.00 |" in text
    assert "| **Allocated** | | | **150,000.00** |" in text
    assert (
        "| Entity ENTITY0001 (ENTITY0001) | Branch | COI | 1,000,000.00 | 0.00 | 0.00 "
        "| 50,000.00 | 950,000.00 | 250,000.00 | 700,000.00 | 26.32% | Partially hedged |"
    ) in text
    # Each row adds up on the page: SFX - CAR + overlay - buffer = hedgeable; - hedged = available.
    assert "hedgeable = SFX - CAR + overlay - buffer" in text
    assert "available **3,740,000.00** CNY" in text
    assert "### USD PB deposit: WITHIN" in text
    assert "| Projected after this request | 56,000.00 |" in text
    assert "Raise the inception (I) instruction for 150,000.00 CNY" in text
    assert "### Warnings\n\nNone." in text


async def test_partial_offers_the_available_amount_or_an_overlay():
    text = (await report_of("partial")).text

    assert text.startswith("## CNY 500,000.00: PARTIAL\n")
    assert "Only 285,000.00 of the requested 500,000.00 CNY can be hedged now" in text
    assert "| Entity ENTITY0003 (ENTITY0003) | Associate | RE | 285,000.00 |" in text
    assert "| Not allocated | | | 215,000.00 |" in text
    assert "Hedge the available 285,000.00 CNY now" in text
    assert "For the remaining 215,000.00 CNY, request an overlay" in text


async def test_a_pb_breach_fails_allocates_nothing_and_escalates_to_treasury():
    text = (await report_of("pb_breach")).text

    assert text.startswith("## CNY 2,000,000.00: FAIL\n")
    assert (
        "**PB_BREACH**: after this hedge the USD PB deposit would stand at USD 315,000.00" in text
    )
    assert "above its maximum limit of USD 300,000.00" in text
    assert "No allocations: a failed check allocates nothing." in text
    assert "### USD PB deposit: BREACH" in text
    assert "1. Escalate to Treasury" in text


async def test_deal_size_and_capacity_failures_are_explained():
    min_deal = (await report_of("min_deal_size")).text
    no_capacity = (await report_of("no_capacity")).text

    assert "**MIN_DEAL_SIZE**: 50,000.00 CNY is below the minimum deal size" in min_deal
    assert "at least the minimum deal size of CNY" in min_deal
    assert "**NO_CAPACITY**: no candidate position has room left (available 0.00 CNY)" in (
        no_capacity
    )
    assert "request an overlay or a review of the buffer" in no_capacity


async def test_a_deal_size_failure_states_the_limit_it_broke():
    max_deal = (await report_of("max_deal_size")).text
    min_deal = (await report_of("min_deal_size")).text

    assert (
        "**MAX_DEAL_SIZE**: 150,000.00 CNY is above the maximum deal size configured for CNY, "
        "100,000.00 CNY." in max_deal
    )
    assert "within the maximum deal size of CNY, 100,000.00 CNY, or seek" in max_deal
    assert "below the minimum deal size configured for CNY, 100,000.00 CNY." in min_deal


async def test_a_question_about_a_failed_order_gives_its_failure_reason_first():
    text = (await report_of("inquiry_of_a_rejected_order")).text
    order_part = text.split("### Order ORD-2026-033")[1]

    assert order_part.lstrip().startswith(
        "- **Failure reason** (33, Rejected): Rejected by Treasury: a 2Y tenor exceeds the 1Y "
        "policy limit"
    )


async def test_a_maturity_question_without_a_currency_covers_every_currency():
    text = (await report_of("rollover_all_currencies")).text

    assert text.startswith("## All currencies, rollover: 3 hedges maturing by 2026-12-20\n")
    assert "totalling **370,000.00** CNY; **5,000.00** HKD, soonest first:" in text
    assert "| 14 | HKD | ENTITY0002 | RE | 5,000.00 |" in text


async def test_inception_shows_the_booking_model():
    text = (await report_of("inception")).text

    assert "### Booking model (Matched currency)" in text
    assert "| COI | **A-COI** | 6 | 4 | FX_SWAP | NIH | configured |" in text
    assert "Book COI through model A-COI: 6 Murex deals per event." in text


async def test_inception_without_an_amount_shows_the_capacity_to_hedge():
    text = (await report_of("inception_without_amount")).text

    assert text.startswith("## CNY capacity: 3,740,000.00 available to hedge\n")
    assert "### Decision" not in text
    assert "name an amount up to 3,740,000.00 CNY" in text


async def test_data_warnings_are_listed_with_their_severity_and_must_be_resolved():
    text = (await report_of("stale_rate")).text

    assert "- **warning** `RATE_STALE`: Rate CNYUSD is older than 72 hours" in text
    assert "- **info** `DATA_QUALITY`: Positions not validated: ENTITY0001 COI" in text
    assert "Resolve the data warnings (RATE_STALE) before acting on these figures." in text


async def test_a_missing_currency_asks_for_what_to_specify():
    text = (await report_of("missing_currency")).text

    assert text.startswith("## Utilisation check: more details needed\n")
    assert "- the **currency**: an ISO code" in text
    assert "- the **amount** in that currency" in text
    assert "- **warning** `MISSING_CURRENCY`: No currency given for utilisation." in text


# --- the lifecycle --------------------------------------------------------------------------


async def test_rollover_lists_the_maturing_hedges_soonest_first():
    text = (await report_of("rollover")).text

    assert text.startswith("## CNY rollover: 2 hedges maturing by 2026-12-20\n")
    assert "| 11 | ENTITY0001 | COI | 250,000.00 | Executed | 2026-01-15 | 2026-11-27 | 7 |" in (
        text
    )
    assert "| 12 | ENTITY0002 | RE | 120,000.00 | Approved |" in text
    assert "| 13 |" not in text
    assert "**370,000.00** CNY" in text
    assert "Raise rollover (R) instructions" in text


async def test_rollover_with_nothing_maturing_says_so():
    text = (await report_of("rollover_empty")).text

    assert text.startswith("## CNY rollover: nothing matures by 2026-12-20\n")
    assert "Nothing to roll over within 30 days" in text


async def test_termination_closes_in_closing_order_up_to_the_amount():
    text = (await report_of("termination")).text

    assert text.startswith("## CNY termination of 300,000.00: 300,000.00 can be closed\n")
    assert (
        "| 11 | Entity ENTITY0001 (ENTITY0001) | COI | 250,000.00 | 250,000.00 | 2026-11-27 |"
    ) in text
    assert "| 13 | Entity ENTITY0002 (ENTITY0002) | COI | 90,000.00 | 50,000.00 |" in text
    assert "| 12 | Entity ENTITY0002 (ENTITY0002) | RE | 120,000.00 | - |" in text
    assert "Raise termination (T) instructions" in text


async def test_termination_without_an_amount_closes_everything():
    text = (await report_of("termination_in_full")).text

    assert text.startswith("## CNY termination: close 460,000.00 of 460,000.00 active\n")
    assert "every active hedge in scope is closed in full" in text


async def test_an_amendment_increase_is_checked_and_raised_as_an_amendment():
    text = (await report_of("amendment_increase")).text

    assert text.startswith(
        "## Amendment of ORD-123: 100,000.00 to 120,000.00 CNY (INCREASE), check PASS\n"
    )
    assert "The increase of 20,000.00 CNY is checked like a new hedge" in text
    assert "| Entity ENTITY0001 (ENTITY0001) | Branch | COI | 20,000.00 |" in text
    assert "Raise the amendment (A) instruction for ORD-123 for 20,000.00 CNY" in text


async def test_an_amendment_decrease_needs_no_check():
    text = (await report_of("amendment_decrease")).text

    assert "(DECREASE)" in text
    assert "The decrease of 20,000.00 CNY releases capacity" in text
    assert "### Decision" not in text


async def test_an_amendment_of_an_unknown_order_says_so():
    text = (await report_of("amendment_unknown_order")).text

    assert text.startswith("## Amendment of ORD-999: order not found\n")
    assert "`ORDER_NOT_FOUND`" in text
    assert "Check the order id" in text


async def test_inquiry_groups_instructions_by_status_and_follows_up_pending_ones():
    text = (await report_of("inquiry")).text

    assert text.startswith("## CNY instructions: 4 in total\n")
    assert "| Received | 1 | 450,000.00 CNY |" in text
    assert "| 31 | ORD-2026-031 | U (Utilisation) | 2026-11-20 | CNY |" in text
    assert "Follow up the 1 Received instruction (450,000.00 CNY in notional)" in text
    assert "Review the 1 rejected instruction and the reasons for failure." in text


async def test_inquiry_of_an_order_shows_its_instructions():
    text = (await report_of("inquiry_of_an_order")).text

    assert text.startswith("## Status of order ORD-123\n")
    assert "| 25 | ORD-123 | I (Inception) | 2026-11-20 | CNY | ENTITY0001 | COI |" in text


# --- reviews --------------------------------------------------------------------------------


async def test_risk_analysis_summarises_capacity_thresholds_and_rollovers():
    text = (await report_of("risk_analysis")).text

    assert text.startswith("## CNY: risk analysis\n")
    assert "### Summary" in text
    assert "- Capacity: 3,740,000.00 CNY available to hedge" in text
    assert "- Thresholds: WITHIN (USD_PB_DEPOSIT)." in text
    assert "- Rollover: 2 hedges (370,000.00 CNY) mature by 2026-12-20." in text
    assert "| 1 | USD_PB_DEPOSIT | CNY | all | 100,000.00 |" in text


async def test_performance_shows_effectiveness_failures_first():
    text = (await report_of("performance")).text

    assert text.startswith("## CNY: hedge performance\n")
    assert "- Effectiveness: 1 PASS, 1 FAIL, 1 INCONCLUSIVE of 3 tests." in text
    assert "within 0.8000 to 1.2500" in text
    assert text.index("| EFF-00002 | ALLOC-00102 |") < text.index("| EFF-00001 | ALLOC-00101 |")
    assert "Investigate the failing tests (allocations ALLOC-00102)" in text
    assert "Correct the recorded results of the tests EFF-00002:" in text


async def test_monitoring_without_a_currency_covers_all_currencies():
    text = (await report_of("monitoring")).text

    assert text.startswith("## All currencies: threshold monitoring\n")
    assert "| 1 | USD_PB_DEPOSIT | CNY | all |" in text
    assert "`MISSING_CURRENCY`" in text


async def test_pb_deposit_headroom_is_stated_for_a_check_and_for_each_threshold():
    check = (await report_of("pass")).text
    review = (await report_of("risk_analysis")).text

    assert "| Headroom to the maximum after this request | 244,000.00 |" in check
    assert "| Current | Headroom | Status |" in review
    assert "| 35,000.00 | 265,000.00 | WITHIN |" in review


async def test_analysis_instructions_put_the_sections_they_name_first():
    _, facts = SCENARIOS["pass"]()
    request = request_for(
        facts, "utilisation", "Give the PB deposit headroom, then the capacity by entity."
    )
    text = "".join([chunk.text async for chunk in BuiltinAnalyst().stream(request)])
    order = [text.index(part) for part in ("### USD PB deposit", "### Capacity", "### Decision")]

    assert order == sorted(order)
    assert text.startswith("## CNY 150,000.00: PASS\n")


async def test_without_analysis_instructions_the_decision_leads():
    text = (await report_of("pass")).text
    order = [text.index(part) for part in ("### Decision", "### Capacity", "### USD PB deposit")]

    assert order == sorted(order)


# --- presentation ---------------------------------------------------------------------------


async def test_long_tables_are_capped_with_a_count_of_the_rest():
    entities = [entity(f"ENTITY{index:04d}") for index in range(1, 31)]
    positions = [position(f"ENTITY{index:04d}", "COI", "1000000") for index in range(1, 31)]
    _, facts = scenario("utilisation", cny_records(entities=entities, positions=positions))

    chunks = [chunk async for chunk in BuiltinAnalyst().stream(request_for(facts, "utilisation"))]
    text = "".join(chunk.text for chunk in chunks)

    assert text.count("| Entity ENTITY00") == MAX_TABLE_ROWS
    assert "... and 5 more rows (see the facts)." in text


async def test_stop_does_nothing():
    assert await BuiltinAnalyst().stop(task_id="task", user="tester") is None
    assert BuiltinAnalyst.name == "builtin"

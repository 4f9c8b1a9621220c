"""The golden set of `manage.py hawk_eval`: prompts (or templates with variables) over the demo
data, with what the agent must understand, ask and compute.

Expected figures never come from HAWK's own output: they are written by hand from the demo
generator's tables (`hawk/demo`: PB_TARGETS, the demo's own checks) or computed here from the
generator's inputs (`demo_data()`: position sizes, entities, its own rates and book), which share
no code with the pipeline's facts. docs/evaluation.md says how to add a case.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from hawk.demo.generate import DemoData, demo_data
from hawk.demo.positions import NAV_TYPES
from hawk.demo.rates import latest_rates
from hawk.demo.thresholds import hedged_usd

Expected = Callable[[DemoData], str]


@dataclass(frozen=True)
class GoldenCase:
    name: str
    prompt: str
    intent: str
    parameters: dict[str, str | None] = field(default_factory=dict)  # as in hawk_plan
    unclear: bool = False  # the agent must ask
    # facts path ("capacity.total_sfx", "thresholds[USD_PB_DEPOSIT/CNY].status") -> expected
    facts: dict[str, str | Expected] = field(default_factory=dict)
    template: str | None = None  # a demo template's name: the prompt is rendered from it
    variables: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)  # explicit request fields


@functools.cache
def demo() -> DemoData:
    return demo_data()


def total_sfx(currency: str, as_of: datetime.date) -> Expected:
    """The SFX of the currency's active entities on a date: the generator's position sizes."""

    def expected(data: DemoData) -> str:
        total = sum(
            (
                data.sizes[entity.entity_id, nav, as_of]
                for entity in data.entities
                if entity.active and entity.currency.code == currency
                for nav in NAV_TYPES
            ),
            Decimal(0),
        )
        return f"{total:.2f}"

    return expected


def pb_current_usd(currency: str) -> Expected:
    """The currency's hedged total in USD with the generator's own rates and conversion."""

    def expected(data: DemoData) -> str:
        return f"{hedged_usd(data.book, currency, latest_rates(data.quotes)):.2f}"

    return expected


BUSINESS_DATE = datetime.date(2026, 11, 20)
END_OF_OCTOBER = datetime.date(2026, 10, 31)
END_OF_SEPTEMBER = datetime.date(2026, 9, 30)

# USD PB deposit standing of each currency: hawk/demo/thresholds.py PB_TARGETS (NEAR_WARN is
# still WITHIN), VND's limit is inactive.
PB_STATUS = {
    "AUD": "WITHIN", "CNY": "WITHIN", "HKD": "WITHIN", "INR": "BREACH", "JPY": "WITHIN",
    "KRW": "CRITICAL", "PHP": "WITHIN", "TWD": "WARN",
}  # fmt: skip

GOLDEN: tuple[GoldenCase, ...] = (
    GoldenCase(
        "capacity check CNY 150K (the app's most common prompt)",
        "Check if I can hedge 150K CNY today",
        "utilisation",
        {"currency": "CNY", "amount": "150000.00"},
        facts={
            "check.decision": "PASS",
            "check.allocated": "150000.00",
            "pb_deposit.status": "WITHIN",
            "capacity.total_sfx": total_sfx("CNY", BUSINESS_DATE),
            "pb_deposit.current_usd": pb_current_usd("CNY"),
        },
    ),
    GoldenCase(
        "typo'd capacity check",
        "chek if i can hegde 150k cny tody",
        "utilisation",
        {"currency": "CNY", "amount": "150000.00"},
        facts={"check.decision": "PASS", "check.allocated": "150000.00"},
    ),
    # The demo's own utilisation checks (hawk/demo/checks.py decided them independently).
    GoldenCase(
        "TWD partial for one entity",
        "Can I hedge 71M TWD for ENTITY0036?",
        "utilisation",
        {"currency": "TWD", "amount": "71000000.00", "entity_id": "ENTITY0036"},
        facts={
            "check.decision": "PARTIAL",
            "check.allocated": "43850400.00",
            "check.not_allocated": "27149600.00",
            "pb_deposit.status": "WARN",
        },
    ),
    GoldenCase(
        "INR breach",
        "can we hedge 2bn INR",
        "utilisation",
        {"currency": "INR", "amount": "2000000000.00"},
        facts={"check.decision": "FAIL", "pb_deposit.status": "BREACH"},
    ),
    GoldenCase(
        "KRW at critical",
        "Can we utilise 30bn KRW?",
        "utilisation",
        {"currency": "KRW", "amount": "30000000000.00"},
        facts={"check.decision": "PASS", "pb_deposit.status": "CRITICAL"},
    ),
    GoldenCase(
        "HKD position question (no false NO_RATE: HKD converts across SGD)",
        "What is the current hedge position for HKD?",
        "utilisation",
        {"currency": "HKD"},
        facts={
            "capacity.total_sfx": total_sfx("HKD", BUSINESS_DATE),
            "warnings[NO_RATE]": "absent",
        },
    ),
    GoldenCase(
        "as of the end of last month",
        "CNY capacity at end of last month",
        "utilisation",
        {"currency": "CNY", "as_of": "2026-10-31"},
        facts={"as_of": "2026-10-31", "capacity.total_sfx": total_sfx("CNY", END_OF_OCTOBER)},
    ),
    GoldenCase(
        "as of a date without positions: the nearest earlier ones",
        "hedge 150K CNY as of 2026-10-01",
        "utilisation",
        {"currency": "CNY", "amount": "150000.00", "as_of": "2026-10-01"},
        facts={
            "as_of": "2026-10-01",
            "positions_as_of": "2026-09-30",
            "capacity.total_sfx": total_sfx("CNY", END_OF_SEPTEMBER),
            "warnings[AS_OF_NOT_AVAILABLE]": "present",
        },
    ),
    GoldenCase(
        "rollover tenor is not an amount",
        "Roll over order ORD-2026-009 for another 3M",
        "rollover",
        {"order_id": "ORD-2026-009", "amount": None},
    ),
    GoldenCase(
        "daily dashboard template: per-currency notionals, every PB deposit measured",
        "",
        "monitoring",
        template="Daily hedge dashboard",
        variables={"date": "2026-11-20"},
        facts={
            **{f"thresholds[USD_PB_DEPOSIT/{code}].status": s for code, s in PB_STATUS.items()},
            "inquiry.by_status[*].notional_by_currency": "one entry per currency",
        },
    ),
    GoldenCase(
        "PB deposit monitor template for a named currency",
        "",
        "monitoring",
        template="Threshold configuration review",
        variables={"currency": "AUD"},
        facts={
            "thresholds[USD_PB_DEPOSIT/AUD].status": "WITHIN",
            "thresholds[USD_PB_DEPOSIT/AUD].current_value": pb_current_usd("AUD"),
        },
    ),
    GoldenCase("no intent: ask", "CNY 150k", "general", {"currency": "CNY"}, unclear=True),
    GoldenCase("nothing at all: ask", "hmm", "general", unclear=True),
    GoldenCase(
        "an order alone: ask", "ORD-2026-009", "general", {"order_id": "ORD-2026-009"}, unclear=True
    ),
)

"""Deterministic demo dataset for the business date 2026-11-20, written as a hawk-bundle/1 file.

Run ``python -m hawk.demo.generate`` to rewrite ``hawk/demo/demo_bundle.json``. Plain Python, no
Django and no database: every row derives from the tables in this module and fixed-seed
random generators, so the committed file changes only when this module does.

The story the data tells (DOMAIN.md formulas): each currency has a main hedge book sized to a
share of its hedgeable capacity, a few currencies roll, amend or terminate hedges, and the USD
PB deposit limits are set from what ends up hedged so that the currencies spread over WITHIN,
WARN, CRITICAL and BREACH.
"""

import calendar
import json
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

FORMAT = "hawk-bundle/1"
BUSINESS_DATE = date(2026, 11, 20)
SEED = 20261120
OUTPUT = Path(__file__).with_name("demo_bundle.json")

D = Decimal
ZERO = D(0)
FOUR_PLACES = D("0.0001")
TEN_PLACES = D("0.0000000001")
HEDGED_STATUSES = ("Approved", "Executed")
ENTITY_TYPES = ("Branch", "Subsidiary", "Associate", "TMU")
NAV_TYPES = ("COI", "RE")
TENOR_MONTHS = {"1M": 1, "3M": 3, "6M": 6, "9M": 9, "1Y": 12, "2Y": 24}
# Below this change in SGD a dollar-offset ratio says nothing: the test is INCONCLUSIVE.
MATERIALITY_FLOOR_SGD = D(10_000)

Row = dict[str, Any]
RowKey = tuple[str, str]  # (entity_id, nav_type): one capacity row of DOMAIN.md


# --- formatting --------------------------------------------------------------------------------


def money(value: Decimal) -> str:
    """Amounts and percentages as the bundle carries them: strings with 4 decimal places."""
    return str(value.quantize(FOUR_PLACES, ROUND_HALF_EVEN))


def rate_text(value: Decimal) -> str:
    """Rates and ratios: Decimal(18, 10)."""
    return str(value.quantize(TEN_PLACES, ROUND_HALF_EVEN))


def optional_money(value: Decimal | None) -> str | None:
    return None if value is None else money(value)


def optional_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def significant(value: Decimal, digits: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """`value` with `digits` significant digits, so positions and limits look like real figures."""
    if value == 0:
        return value
    quantum = D(1).scaleb(value.adjusted() - digits + 1)
    return value.quantize(quantum, rounding=rounding)


def deal_amount(value: Decimal, lot: Decimal) -> Decimal:
    """A hedge amount as a desk would book it: 4 significant digits, whole lots, never more."""
    if value <= 0:
        return ZERO
    rounded = significant(value, 4, ROUND_FLOOR)
    return (rounded // lot) * lot


def jitter(rng: random.Random, spread: float) -> Decimal:
    """1 ± spread, as a Decimal with 4 places (floats never reach an amount)."""
    return 1 + D(f"{rng.uniform(-spread, spread):.4f}")


# --- calendar ----------------------------------------------------------------------------------


def business_day(day: date) -> date:
    """Following convention: a weekend date moves to Monday (no holiday calendar in the demo)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    for _ in range(count):
        day = business_day(day + timedelta(days=1))
    return day


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return business_day(date(year, month, min(day.day, last_day)))


# --- currencies --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencySpec:
    code: str
    name: str
    currency_type: str
    deliverable: bool
    min_deal: Decimal
    max_deal: Decimal
    lot: Decimal
    aliases: tuple[str, ...]
    city: str
    country_code: str
    region: str
    subsidiary: str
    associate: str
    quote: Decimal  # the business date's SPOT: SGD per unit, or units per SGD when inverse_quote
    branch_coi: Decimal  # size of the Branch COI position, in the currency's own units
    coverage: Decimal  # share of each capacity row the hedges cover
    carry: Decimal  # yearly forward premium over spot, for forward legs
    inverse_quote: bool = False

    @property
    def sgd_rate(self) -> Decimal:
        """SGD per unit of the currency on the business date."""
        return 1 / self.quote if self.inverse_quote else self.quote

    @property
    def proxy(self) -> str:
        return "USD" if self.currency_type == "Mismatched_with_Proxy" else ""

    @property
    def hedge_method(self) -> str:
        return "FX Swap" if self.deliverable else "NDF"


def currency(
    code: str, name: str, kind: str, deliverable: bool, *values: Any, **extra: Any
) -> CurrencySpec:
    """One CurrencySpec from a compact table line (amounts as strings, read as Decimal)."""
    min_deal, max_deal, lot, aliases, city, country, region, subsidiary, associate = values[:9]
    quote, branch_coi, coverage, carry = (D(text) for text in values[9:])
    return CurrencySpec(
        code, name, kind, deliverable, D(min_deal), D(max_deal), D(lot), aliases, city,
        country, region, subsidiary, associate, quote, branch_coi, coverage, carry, **extra,
    )  # fmt: skip


# Each line: code, name, currency type, deliverable; min and max deal size, lot size; aliases;
# city, country, region, subsidiary and associate names; SPOT quote, Branch COI size, hedge
# coverage, carry (CurrencySpec documents each).
CURRENCIES: tuple[CurrencySpec, ...] = (
    currency(
        "AUD", "Australian Dollar", "Matched", True,
        "1000000", "500000000", "1",
        ("Aussie dollar", "Australian dollar", "Australia", "Sydney"),
        "Sydney", "AU", "Oceania", "Bank (Australia) Ltd", "Harbour Bridge Finance Pty Ltd",
        "0.8620", "420000000", "0.66", "0.012",
    ),
    currency(
        "CNY", "Chinese Yuan Renminbi", "Mismatched", True,
        "100000", "3000000000", "1",
        ("yuan", "renminbi", "RMB", "Chinese yuan", "China", "Shanghai", "Beijing"),
        "Shanghai", "CN", "Greater China", "Bank (China) Ltd", "Yangtze Consumer Finance Co Ltd",
        "0.18250", "2800000000", "0.72", "-0.015",
    ),
    currency(
        "HKD", "Hong Kong Dollar", "Matched", True,
        "1000000", "4000000000", "1",
        ("Hong Kong dollar", "HK dollar", "Hong Kong"),
        "Hong Kong", "HK", "Greater China", "Bank (Hong Kong) Ltd",
        "Victoria Harbour Securities Ltd",
        "0.16770", "3200000000", "0.80", "0.004",
    ),
    currency(
        "IDR", "Indonesian Rupiah", "Mismatched", False,
        "10000000000", "5000000000000", "1000000",
        ("rupiah", "Indonesia", "Jakarta"),
        "Jakarta", "ID", "Southeast Asia", "PT Bank (Indonesia) Tbk", "PT Jakarta Multifinance",
        "12165", "4500000000000", "0.55", "0.035",
        inverse_quote=True,
    ),
    currency(
        "INR", "Indian Rupee", "Mismatched_with_Proxy", False,
        "50000000", "25000000000", "1",
        ("rupee", "Indian rupee", "India", "Mumbai"),
        "Mumbai", "IN", "South Asia", "Bank (India) Ltd", "Deccan Housing Finance Ltd",
        "0.015450", "28000000000", "0.85", "0.045",
    ),
    currency(
        "JPY", "Japanese Yen", "Matched", True,
        "100000000", "75000000000", "1000",
        ("yen", "Japan", "Tokyo"),
        "Tokyo", "JP", "North Asia", "Bank (Japan) KK", "Sakura Leasing Co Ltd",
        "0.008650", "52000000000", "0.70", "-0.022",
    ),
    currency(
        "KRW", "South Korean Won", "Mismatched_with_Proxy", False,
        "1000000000", "500000000000", "1",
        ("won", "Korean won", "Korea", "Seoul"),
        "Seoul", "KR", "North Asia", "Bank (Korea) Ltd", "Han River Capital Co Ltd",
        "0.0009350", "380000000000", "0.78", "0.000",
    ),
    currency(
        "PHP", "Philippine Peso", "Mismatched", False,
        "25000000", "10000000000", "1",
        ("peso", "Philippine peso", "Philippines", "Manila"),
        "Manila", "PH", "Southeast Asia", "Bank (Philippines) Inc", "Makati Savings Bank Inc",
        "0.02240", "14000000000", "0.60", "0.028",
    ),
    currency(
        "TWD", "New Taiwan Dollar", "Mismatched_with_Proxy", False,
        "15000000", "15000000000", "1",
        ("Taiwan dollar", "NT dollar", "Taiwan", "Taipei"),
        "Taipei", "TW", "Greater China", "Bank (Taiwan) Ltd",
        "Formosa Securities Investment Trust Co Ltd",
        "0.04120", "9500000000", "0.75", "-0.012",
    ),
    currency(
        "USD", "US Dollar", "Matched", True,
        "500000", "1000000000", "1",
        ("US dollar", "greenback", "United States", "New York"),
        "New York", "US", "Americas", "Bank (USA) NA", "Hudson Asset Management LLC",
        "1.3050", "450000000", "0.68", "0.015",
    ),
    currency(
        "VND", "Vietnamese Dong", "Mismatched", False,
        "10000000000", "10000000000000", "1000000",
        ("dong", "Vietnam", "Hanoi"),
        "Hanoi", "VN", "Southeast Asia", "Bank (Vietnam) Ltd", "Saigon Consumer Finance JSC",
        "19455", "6800000000000", "0.50", "0.030",
        inverse_quote=True,
    ),
)  # fmt: skip
CURRENCY = {spec.code: spec for spec in CURRENCIES}


def currency_rows() -> list[Row]:
    return [
        {
            "currency_code": spec.code,
            "currency_name": spec.name,
            "currency_type": spec.currency_type,
            "base_currency": "SGD",
            "is_deliverable": spec.deliverable,
            "proxy_currency": spec.proxy,
            "settlement_days": 2,
            "min_deal_size": money(spec.min_deal),
            "maximum_deal_size": money(spec.max_deal),
            "lot_size": money(spec.lot),
            "hedge_accounting_eligible": True,
            "aliases": list(spec.aliases),
            "active_flag": "Y",
        }
        for spec in CURRENCIES
    ]


# --- entities ----------------------------------------------------------------------------------

# Entity ids run currency by currency (alphabetical) and Branch, Subsidiary, Associate, TMU
# within one: ENTITY0005 is the CNY branch.
INACTIVE = {"ENTITY0032", "ENTITY0043"}  # PHP TMU (merged into the branch), VND associate (sold)
CAR_EXEMPT = {"ENTITY0004", "ENTITY0010", "ENTITY0023", "ENTITY0038"}
EXCESS_OF_CAR = {"ENTITY0006", "ENTITY0010", "ENTITY0014", "ENTITY0018", "ENTITY0026", "ENTITY0038"}
NO_FRAMEWORK = {"ENTITY0004", "ENTITY0036"}  # no row: the formulas fall back to "Fully Hedge"
TYPE_WEIGHT = {"Branch": D("1"), "Subsidiary": D("2.2"), "Associate": D("0.35"), "TMU": D("0.12")}
RE_SHARE = {"Branch": D("0.45"), "Subsidiary": D("0.6"), "Associate": D("0.3"), "TMU": D("0.2")}
CAR_SHARE = D("0.35")  # optimal CAR kept unhedged, as a share of the COI position


@dataclass(frozen=True)
class EntitySpec:
    entity_id: str
    entity_type: str
    currency: CurrencySpec
    number: int

    @property
    def active(self) -> bool:
        return self.entity_id not in INACTIVE

    @property
    def branch_id(self) -> str:
        return f"ENTITY{self.number - ENTITY_TYPES.index(self.entity_type):04d}"

    @property
    def name(self) -> str:
        spec = self.currency
        return {
            "Branch": f"Bank {spec.city} Branch",
            "Subsidiary": spec.subsidiary,
            "Associate": spec.associate,
            "TMU": f"Bank {spec.city} Treasury Markets Unit",
        }[self.entity_type]


def entity_specs() -> list[EntitySpec]:
    entities: list[EntitySpec] = []
    for spec in CURRENCIES:
        for entity_type in ENTITY_TYPES:
            number = len(entities) + 1
            entities.append(EntitySpec(f"ENTITY{number:04d}", entity_type, spec, number))
    return entities


def entity_row(entity: EntitySpec) -> Row:
    country = entity.currency.country_code
    legal_entity = {
        "Branch": "BANK-SG-HO",  # a branch is part of the head office's legal entity
        "Subsidiary": f"BANK-{country}-SUB",
        "Associate": f"{country}-ASSOC-{entity.number:02d}",
        "TMU": "BANK-SG-HO",
    }[entity.entity_type]
    return {
        "entity_id": entity.entity_id,
        "entity_name": entity.name,
        "entity_type": entity.entity_type,
        "parent_entity_id": entity.branch_id if entity.entity_type == "TMU" else None,
        "currency_code": entity.currency.code,
        "car_exemption_flag": "Y" if entity.entity_id in CAR_EXEMPT else "N",
        "legal_entity_code": legal_entity,
        "country_code": country,
        "region": entity.currency.region,
        "active_flag": "Y" if entity.active else "N",
    }


def framework_rows(entities: list[EntitySpec]) -> list[Row]:
    """One active framework per entity and currency; ENTITY0006 keeps its replaced one."""
    specs = [("ENTITY0006", "Fully Hedge", "N")]
    for entity in entities:
        if entity.entity_id in NO_FRAMEWORK:
            continue
        excess = entity.entity_id in EXCESS_OF_CAR
        specs.append(
            (entity.entity_id, "Hedge in Excess of Optimal CAR" if excess else "Fully Hedge", "Y")
        )
    by_id = {entity.entity_id: entity for entity in entities}
    return [
        {
            "framework_id": number,
            "entity_id": entity_id,
            "currency_code": by_id[entity_id].currency.code,
            "framework_type": framework,
            "hedge_ratio": money(D(100)),
            "effectiveness_lower": money(D(80)),
            "effectiveness_upper": money(D(125)),
            "active_flag": active,
        }
        for number, (entity_id, framework, active) in enumerate(specs, start=1)
    ]


# --- positions ---------------------------------------------------------------------------------

AS_OF_DATES = (date(2026, 9, 30), date(2026, 10, 31), BUSINESS_DATE)
DATE_LEVEL = {date(2026, 9, 30): D("0.962"), date(2026, 10, 31): D("0.981"), BUSINESS_DATE: D(1)}
# A position dated after the business date: the facts must not use it.
FUTURE_POSITION = ("ENTITY0005", "COI", date(2026, 11, 30), D("1.035"))
PROVISIONAL = {"ENTITY0013", "ENTITY0041"}  # month-to-date estimates still being validated

PositionKey = tuple[str, str, date]  # (entity_id, nav_type, as_of_date)


def position_sizes(entities: list[EntitySpec], rng: random.Random) -> dict[PositionKey, Decimal]:
    """Every entity's COI and RE positions at every as-of date, in the currency's own units."""
    sizes: dict[PositionKey, Decimal] = {}
    for entity in entities:
        coi = entity.currency.branch_coi * TYPE_WEIGHT[entity.entity_type] * jitter(rng, 0.1)
        base = {"COI": coi, "RE": coi * RE_SHARE[entity.entity_type] * jitter(rng, 0.1)}
        for nav in NAV_TYPES:
            for as_of in AS_OF_DATES:
                level = DATE_LEVEL[as_of] * (1 if as_of == BUSINESS_DATE else jitter(rng, 0.01))
                sizes[entity.entity_id, nav, as_of] = significant(base[nav] * level, 5)
    entity_id, nav, as_of, growth = FUTURE_POSITION
    sizes[entity_id, nav, as_of] = significant(sizes[entity_id, nav, BUSINESS_DATE] * growth, 5)
    return sizes


def optimal_car(entity_id: str, nav: str, coi: Decimal) -> Decimal | None:
    """CAR capital is invested capital: only COI rows of CAR-framework entities carry it."""
    if entity_id not in EXCESS_OF_CAR or nav != "COI":
        return None
    return significant(coi * CAR_SHARE, 4)


def position_rows(entities: list[EntitySpec], sizes: dict[PositionKey, Decimal]) -> list[Row]:
    by_id = {entity.entity_id: entity for entity in entities}
    rows = []
    for nav_id, (entity_id, nav, as_of) in enumerate(sorted(sizes), start=1):
        coi, re = sizes.get((entity_id, "COI", as_of)), sizes.get((entity_id, "RE", as_of))
        quality = "Validated"
        if as_of > BUSINESS_DATE:
            quality = "Forecast"
        elif as_of == BUSINESS_DATE and entity_id in PROVISIONAL:
            quality = "Provisional"
        rows.append(
            {
                "nav_id": nav_id,
                "entity_id": entity_id,
                "currency_code": by_id[entity_id].currency.code,
                "as_of_date": as_of.isoformat(),
                "nav_type": nav,
                "position_type": "NET",
                "current_position": money(sizes[entity_id, nav, as_of]),
                "coi_amount": optional_money(coi),
                "re_amount": optional_money(re),
                "optimal_car_amount": optional_money(optimal_car(entity_id, nav, coi or ZERO)),
                "data_quality_status": quality,
            }
        )
    return rows


# --- buffers and overlays ----------------------------------------------------------------------


@dataclass(frozen=True)
class BufferRule:
    entity_id: str | None
    currency_code: str | None
    nav_type: str | None
    percentage: Decimal
    priority: int
    active: bool = True

    def matches(self, entity: EntitySpec, nav: str) -> bool:
        wanted = (entity.entity_id, entity.currency.code, nav)
        own = (self.entity_id, self.currency_code, self.nav_type)
        return self.active and all(
            mine in (None, theirs) for mine, theirs in zip(own, wanted, strict=True)
        )

    @property
    def specificity(self) -> int:
        return sum(part is not None for part in (self.entity_id, self.currency_code, self.nav_type))


BUFFER_RULES = (
    BufferRule(None, None, None, D("5"), 100),  # the global default
    BufferRule(None, "CNY", None, D("7.5"), 50),
    BufferRule(None, "CNY", "RE", D("6"), 40),
    BufferRule(None, "KRW", None, D("10"), 50),
    BufferRule(None, "INR", None, D("8"), 50),
    BufferRule(None, "IDR", None, D("10"), 50),
    BufferRule(None, "VND", None, D("10"), 50),
    BufferRule(None, "AUD", None, D("4"), 60),
    # Ties with the AUD rule (one column each) for ENTITY0002: the lower priority wins.
    BufferRule("ENTITY0002", None, None, D("2.5"), 20),
    BufferRule("ENTITY0010", "HKD", None, D("0"), 10),  # CAR-exempt subsidiary keeps no buffer
    BufferRule(None, None, "RE", D("4"), 80),  # loses ties with the currency rules
    BufferRule(None, "JPY", None, D("5.5"), 40),
    BufferRule(None, "USD", None, D("2"), 30, active=False),  # proposed, never activated
    BufferRule(None, "TWD", "COI", D("7"), 45),
    BufferRule("ENTITY0017", "INR", "COI", D("6.5"), 5),
)


def buffer_percentage(entity: EntitySpec, nav: str) -> Decimal:
    """DOMAIN.md: the most specific matching rule, ties to the lowest rule_priority."""
    rules = [rule for rule in BUFFER_RULES if rule.matches(entity, nav)]
    if rules:
        return min(rules, key=lambda rule: (-rule.specificity, rule.priority)).percentage
    exempt = entity.entity_id in EXCESS_OF_CAR and entity.entity_id in CAR_EXEMPT
    return ZERO if exempt else D(5)


def buffer_rows() -> list[Row]:
    return [
        {
            "buffer_rule_id": number,
            "entity_id": rule.entity_id,
            "currency_code": rule.currency_code,
            "nav_type": rule.nav_type,
            "buffer_percentage": money(rule.percentage),
            "rule_priority": rule.priority,
            "active_flag": "Y" if rule.active else "N",
        }
        for number, rule in enumerate(BUFFER_RULES, start=1)
    ]


OVERLAYS = (  # (entity_id, nav_type, overlay_amount, approval_status)
    ("ENTITY0005", "COI", D("150000000"), "Approved"),
    ("ENTITY0005", "COI", D("50000000"), "Rejected"),
    ("ENTITY0009", "RE", D("100000000"), "Rejected"),
    ("ENTITY0013", "COI", D("200000000000"), "Pending"),
    ("ENTITY0017", "RE", D("500000000"), "Approved"),
    ("ENTITY0021", "COI", D("2000000000"), "Pending"),
    ("ENTITY0025", "RE", D("-8000000000"), "Approved"),  # dividend declared, not yet paid
    ("ENTITY0033", "COI", D("250000000"), "Approved"),
    ("ENTITY0037", "COI", D("25000000"), "Approved"),
)


def approved_overlay(entity_id: str, nav: str) -> Decimal:
    approved = [
        amount
        for who, kind, amount, status in OVERLAYS
        if (who, kind, status) == (entity_id, nav, "Approved")
    ]
    return sum(approved, ZERO)


def overlay_rows(entities: list[EntitySpec]) -> list[Row]:
    by_id = {entity.entity_id: entity for entity in entities}
    return [
        {
            "overlay_id": number,
            "entity_id": entity_id,
            "currency_code": by_id[entity_id].currency.code,
            "nav_type": nav,
            "overlay_amount": money(amount),
            "approval_status": status,
        }
        for number, (entity_id, nav, amount, status) in enumerate(OVERLAYS, start=1)
    ]


def hedgeable_capacity(
    entities: list[EntitySpec], sizes: dict[PositionKey, Decimal]
) -> dict[RowKey, Decimal]:
    """DOMAIN.md `hedgeable` of every active capacity row on the business date, which the hedge
    book is sized against (so it never exceeds a position by accident)."""
    capacity = {}
    for entity in entities:
        if not entity.active:
            continue
        for nav in NAV_TYPES:
            sfx = sizes[entity.entity_id, nav, BUSINESS_DATE]
            car = optimal_car(entity.entity_id, nav, sfx) or ZERO
            buffer = sfx * buffer_percentage(entity, nav) / 100
            overlay = approved_overlay(entity.entity_id, nav)
            capacity[entity.entity_id, nav] = sfx - car + overlay - buffer
    return capacity


# --- rates -------------------------------------------------------------------------------------

RATE_TIMES = (
    datetime(2026, 9, 30, 8, tzinfo=UTC),
    datetime(2026, 10, 30, 8, tzinfo=UTC),
    datetime(2026, 11, 19, 8, tzinfo=UTC),
    datetime(2026, 11, 20, 8, tzinfo=UTC),
)
# PHP's feed stopped on 2026-11-14: its latest rate is six days old on the business date.
STALE_RATE_TIMES = (
    datetime(2026, 9, 30, 8, tzinfo=UTC),
    datetime(2026, 10, 30, 8, tzinfo=UTC),
    datetime(2026, 11, 13, 8, tzinfo=UTC),
    datetime(2026, 11, 14, 8, tzinfo=UTC),
)
STALE_CURRENCY = "PHP"
RATE_LEVEL = (D("0.985"), D("0.992"), D("0.998"), D(1))  # older rates drift from the spot


@dataclass(frozen=True)
class Quote:
    pair: str
    value: Decimal
    effective: datetime


def rate_quotes(rng: random.Random) -> list[Quote]:
    """SPOT quotes: XXXSGD for every currency, SGDIDR/SGDVND as the market quotes them, and
    USDJPY/AUDUSD as direct pairs; cross pairs agree with the SGD pairs at every time."""
    quotes = [Quote("USDSGD", D("1.3046"), datetime(2026, 11, 20, 1, tzinfo=UTC))]
    for spec in CURRENCIES:
        times = STALE_RATE_TIMES if spec.code == STALE_CURRENCY else RATE_TIMES
        for level, moment in zip(RATE_LEVEL, times, strict=True):
            drift = level if level == 1 else level * jitter(rng, 0.004)
            sgd = spec.sgd_rate * drift
            quotes.append(Quote(f"{spec.code}SGD", significant(sgd, 6), moment))
            if spec.inverse_quote:
                quotes.append(Quote(f"SGD{spec.code}", significant(1 / sgd, 6), moment))
    return quotes + cross_quotes(quotes)


def cross_quotes(quotes: list[Quote]) -> list[Quote]:
    by_key = {(quote.pair, quote.effective): quote.value for quote in quotes}
    crosses = []
    for moment in RATE_TIMES:
        usd, jpy, aud = (by_key[f"{code}SGD", moment] for code in ("USD", "JPY", "AUD"))
        crosses.append(Quote("USDJPY", significant(usd / jpy, 6), moment))
        crosses.append(Quote("AUDUSD", significant(aud / usd, 5), moment))
    return crosses


def latest_rates(quotes: list[Quote]) -> dict[str, Decimal]:
    latest: dict[str, Quote] = {}
    for quote in quotes:
        if quote.pair not in latest or quote.effective > latest[quote.pair].effective:
            latest[quote.pair] = quote
    return {pair: quote.value for pair, quote in latest.items()}


def usd_per_unit(code: str, rates: dict[str, Decimal]) -> Decimal:
    """DOMAIN.md conversion order: direct pair, inverse pair, then across SGD."""
    if code == "USD":
        return D(1)
    if f"{code}USD" in rates:
        return rates[f"{code}USD"]
    if f"USD{code}" in rates:
        return 1 / rates[f"USD{code}"]
    return sgd_per_unit(code, rates) / sgd_per_unit("USD", rates)


def sgd_per_unit(code: str, rates: dict[str, Decimal]) -> Decimal:
    if f"{code}SGD" in rates:
        return rates[f"{code}SGD"]
    return 1 / rates[f"SGD{code}"]


def rate_rows(quotes: list[Quote]) -> list[Row]:
    ordered = sorted(quotes, key=lambda quote: (quote.pair, quote.effective))
    return [
        {
            "rate_id": number,
            "currency_pair": quote.pair,
            "rate_type": "SPOT",
            "rate_value": rate_text(quote.value),
            "effective_date": quote.effective.isoformat(),
        }
        for number, quote in enumerate(ordered, start=1)
    ]


# --- the hedge book: instructions and their allocations ----------------------------------------


@dataclass
class AllocationSpec:
    entity: EntitySpec
    nav: str
    amount: Decimal
    status: str
    execution_date: date | None
    maturity_date: date | None
    notes: str  # may name orders as {order key}, resolved once order ids are assigned
    closed_on: date | None = None
    allocation_id: int = 0


@dataclass
class Order:
    key: str
    instruction_type: str
    instruction_date: date
    currency: CurrencySpec
    status: str
    amount: Decimal = ZERO
    tenor: str = ""
    entity: EntitySpec | None = None
    nav: str | None = None
    previous: str = ""  # key of the order this one rolls, terminates, amends or asks about
    check_status: str | None = "Pass"
    pb_status: str = ""  # "" on a checked order: WITHIN or NOT_APPLICABLE when written
    failure_reason: str = ""
    not_allocated: Decimal = ZERO
    booking_failed: bool = False
    order_id: str = ""
    instruction_id: int = 0
    allocations: list[AllocationSpec] = field(default_factory=list)
    terminates: list[AllocationSpec] = field(default_factory=list)

    @property
    def value_date(self) -> date | None:
        if self.instruction_type == "Q":
            return None
        return add_business_days(self.instruction_date, 2)

    @property
    def maturity_date(self) -> date | None:
        if not self.tenor or self.value_date is None:
            return None
        return add_months(self.value_date, TENOR_MONTHS[self.tenor])


class Book:
    """The orders built so far and what they hedge per capacity row (Approved and Executed)."""

    def __init__(self, entities: list[EntitySpec], capacity: dict[RowKey, Decimal]) -> None:
        self.entities = {entity.entity_id: entity for entity in entities}
        self.capacity = capacity
        self.orders: dict[str, Order] = {}
        self.hedged: dict[RowKey, Decimal] = defaultdict(Decimal)

    def add(self, order: Order) -> Order:
        if order.key in self.orders:
            raise ValueError(f"duplicate order key {order.key}")
        self.orders[order.key] = order
        for allocation in order.allocations:
            if allocation.status in HEDGED_STATUSES:
                self.hedged[allocation.entity.entity_id, allocation.nav] += allocation.amount
        if order.allocations and not order.amount:
            order.amount = sum((allocation.amount for allocation in order.allocations), ZERO)
        return order

    def rows(self, code: str, entity_id: str | None = None) -> list[RowKey]:
        return [
            key
            for key in self.capacity
            if self.entities[key[0]].currency.code == code and entity_id in (None, key[0])
        ]

    def share(self, key: RowKey, fraction: Decimal) -> Decimal:
        return deal_amount(self.capacity[key] * fraction, self.entities[key[0]].currency.lot)

    def available(self, key: RowKey) -> Decimal:
        return max(ZERO, self.capacity[key] - self.hedged[key])

    def hedged_total(self, code: str) -> Decimal:
        return sum((self.hedged[key] for key in self.rows(code)), ZERO)


def row_key(code: str, entity_type: str, nav: str) -> RowKey:
    number = [spec.code for spec in CURRENCIES].index(code) * 4 + ENTITY_TYPES.index(entity_type)
    return f"ENTITY{number + 1:04d}", nav


def allocate(
    book: Book,
    order: Order,
    key: RowKey,
    amount: Decimal,
    status: str,
    notes: str,
    maturity: date | None = None,
) -> AllocationSpec:
    """An allocation of `order`; executed ones carry the value date, live ones a maturity."""
    executed = order.value_date if status in ("Executed", "Closed") else None
    live = status not in ("Calculated", "Rejected")
    allocation = AllocationSpec(
        book.entities[key[0]],
        key[1],
        amount,
        status,
        executed,
        (maturity or order.maturity_date) if live else None,
        notes,
    )
    order.allocations.append(allocation)
    return allocation


def subtract_business_days(day: date, count: int) -> date:
    for _ in range(count):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


ORD_123 = ("USD", date(2026, 9, 15), D("100000000"))  # the legacy order id people still quote
ROLLOVER_PAIRS = (  # (currency, inception of the 6M hedge that matured, tenor of its rollover)
    ("CNY", date(2026, 3, 4), "3M"),
    ("HKD", date(2026, 3, 6), "6M"),
    ("INR", date(2026, 3, 9), "3M"),
    ("JPY", date(2026, 3, 11), "6M"),
    ("TWD", date(2026, 3, 10), "3M"),
    ("USD", date(2026, 3, 13), "6M"),
)
ROLLED_ROWS = (("Branch", "COI"), ("Subsidiary", "RE"))
APPROVED_ORDERS = (  # (currency, instruction date, tenor, rows): approved, not yet executed
    ("AUD", date(2026, 11, 17), "6M", (("Branch", "RE"), ("Associate", "COI"))),
    ("CNY", date(2026, 11, 18), "3M", (("Branch", "RE"), ("Subsidiary", "COI"), ("TMU", "COI"))),
    ("IDR", date(2026, 11, 16), "6M", (("Branch", "COI"), ("Subsidiary", "RE"))),
    ("INR", date(2026, 11, 16), "3M", (("Branch", "RE"), ("Subsidiary", "COI"))),
    ("KRW", date(2026, 11, 19), "6M", (("Branch", "COI"), ("Associate", "RE"))),
    ("TWD", date(2026, 11, 17), "3M", (("Branch", "RE"), ("Subsidiary", "COI"))),
    ("VND", date(2026, 11, 18), "1Y", (("Branch", "COI"),)),
)
EARLY_TERMINATIONS = (  # (currency, inception, termination date, rows terminated)
    ("AUD", date(2025, 11, 10), date(2026, 10, 15), (("Associate", "COI"), ("TMU", "RE"))),
    ("PHP", date(2025, 12, 1), date(2026, 11, 2), (("Associate", "COI"), ("Subsidiary", "RE"))),
)
MAIN_BOOKS = {  # currency: (inception, tenor); 6M books from June mature within 30 days
    "AUD": (date(2026, 7, 15), "1Y"),
    "CNY": (date(2026, 6, 5), "6M"),
    "HKD": (date(2026, 6, 10), "9M"),
    "IDR": (date(2026, 8, 3), "6M"),
    "INR": (date(2026, 7, 1), "9M"),
    "JPY": (date(2026, 5, 25), "6M"),
    "KRW": (date(2026, 6, 15), "9M"),
    "PHP": (date(2026, 8, 17), "6M"),
    "TWD": (date(2026, 7, 20), "6M"),
    "USD": (date(2026, 9, 1), "3M"),
    "VND": (date(2026, 8, 24), "1Y"),
}
FULLY_HEDGED_ROW = ("ENTITY0009", "RE")  # hedged exactly to its hedgeable amount
OVER_HEDGED_ROW = ("ENTITY0036", "COI")  # hedged above it: a case for the deviation checks
OVER_HEDGE = D("1.04")
# Left unhedged: a TMU set up last month, and an INR row the PB breach keeps from being hedged.
UNHEDGED_ROWS = {("ENTITY0044", "RE"), ("ENTITY0020", "COI")}


def add_legacy_order(book: Book) -> None:
    code, day, amount = ORD_123
    order = Order("USD-123", "I", day, CURRENCY[code], "Executed", tenor="1Y", order_id="ORD-123")
    allocate(book, order, row_key(code, "Branch", "COI"), amount, "Executed", "Legacy order")
    book.add(order)


def add_rollover_pair(book: Book, code: str, start: date, tenor: str) -> None:
    """A 6M hedge that matured and was rolled at the same notional: the old allocations are
    Closed, the rollover's Executed."""
    spec = CURRENCY[code]
    old = Order(f"{code}-old", "I", start, spec, "Executed", tenor="6M")
    matured = old.maturity_date or start
    rolled_on = subtract_business_days(matured, 2)  # so the rollover's value date is maturity
    roll = Order(f"{code}-roll", "R", rolled_on, spec, "Executed", tenor=tenor, previous=old.key)
    for entity_type, nav in ROLLED_ROWS:
        key = row_key(code, entity_type, nav)
        amount = book.share(key, D("0.12"))
        closed = allocate(book, old, key, amount, "Closed", f"Matured; rolled into {{{roll.key}}}")
        closed.closed_on = matured
        allocate(book, roll, key, amount, "Executed", f"Rolled from {{{old.key}}}")
    book.add(old)
    book.add(roll)


def add_approved_order(book: Book, code: str, day: date, tenor: str, rows: Iterable) -> None:
    order = Order(f"{code}-approved", "I", day, CURRENCY[code], "Approved", tenor=tenor)
    for entity_type, nav in rows:
        key = row_key(code, entity_type, nav)
        note = f"Approved {day}; execution on value date {order.value_date}"
        allocate(book, order, key, book.share(key, D("0.08")), "Approved", note)
    if code == "INR":
        order.pb_status = "CRITICAL"  # approved while critical; it took INR over the limit
    book.add(order)


def add_early_termination(book: Book, code: str, start: date, ended: date, rows: Iterable) -> None:
    spec = CURRENCY[code]
    old = Order(f"{code}-terminated", "I", start, spec, "Executed", tenor="1Y")
    end = Order(f"{code}-termination", "T", ended, spec, "Executed", previous=old.key)
    for entity_type, nav in rows:
        key = row_key(code, entity_type, nav)
        note = f"Terminated early under {{{end.key}}}"
        closed = allocate(book, old, key, book.share(key, D("0.1")), "Closed", note)
        closed.closed_on = ended
        end.terminates.append(closed)
    book.add(old)
    end.amount = old.amount
    book.add(end)


def add_main_book(book: Book, code: str, rng: random.Random) -> None:
    """The currency's main hedge: each row topped up to its coverage of hedgeable capacity."""
    spec = CURRENCY[code]
    start, tenor = MAIN_BOOKS[code]
    order = Order(f"{code}-main", "I", start, spec, "Executed", tenor=tenor)
    for key in book.rows(code):
        if key in UNHEDGED_ROWS:
            continue
        target = book.capacity[key] * min(spec.coverage * jitter(rng, 0.12), D("0.95"))
        if key == FULLY_HEDGED_ROW:
            target = book.capacity[key]
        elif key == OVER_HEDGED_ROW:
            target = book.capacity[key] * OVER_HEDGE
        amount = target - book.hedged[key]
        if key != FULLY_HEDGED_ROW:
            amount = deal_amount(amount, spec.lot)
        if amount > 0:
            allocate(book, order, key, amount, "Executed", f"Main {tenor} {spec.hedge_method} book")
    book.add(order)


def add_cny_amendment(book: Book) -> None:
    """A notional increase on one leg of the CNY main book, booked as its own allocation."""
    main = book.orders["CNY-main"]
    order = Order(
        "CNY-amendment", "A", date(2026, 10, 20), main.currency, "Executed", previous=main.key
    )
    key = row_key("CNY", "Branch", "COI")
    delta = book.share(key, D("0.04"))
    note = f"Notional increase of {{{main.key}}} (Branch COI leg)"
    allocate(book, order, key, delta, "Executed", note, maturity=main.maturity_date)
    book.add(order)
    order.amount = main.amount + delta
    order.entity, order.nav = book.entities[key[0]], key[1]


def add_open_requests(book: Book) -> None:
    """Terminations, amendments and inquiries that changed no allocation (yet)."""
    for order in (*termination_requests(book), *amendment_requests(book), *inquiries()):
        book.add(order)


KRW_REJECTION = (
    "Rejected by Finance: the KRW Branch RE hedge covers the dividend of 2026-12-15; early "
    "de-designation needs a Finance sign-off"
)


def termination_requests(book: Book) -> list[Order]:
    """USD: approved, awaiting booking; JPY: just received; KRW: rejected by Finance."""
    usd = termination_request(book, "USD-roll", ("ENTITY0038", "RE"), date(2026, 11, 18))
    usd.status = "Approved"
    jpy = termination_request(book, "JPY-main", ("ENTITY0023", "COI"), date(2026, 11, 20))
    jpy.check_status = None
    krw = termination_request(book, "KRW-main", ("ENTITY0025", "RE"), date(2026, 11, 12))
    krw.status, krw.failure_reason = "Rejected", KRW_REJECTION
    return [usd, jpy, krw]


def termination_request(book: Book, previous: str, key: RowKey, day: date) -> Order:
    """A termination of one leg of an earlier order (the leg itself is left unchanged)."""
    earlier = book.orders[previous]
    leg = next(a for a in earlier.allocations if (a.entity.entity_id, a.nav) == key)
    code = earlier.currency.code
    return Order(
        f"{code}-termination",
        "T",
        day,
        earlier.currency,
        "Received",
        amount=leg.amount,
        entity=leg.entity,
        nav=leg.nav,
        previous=previous,
        terminates=[leg],
    )


def amendment_requests(book: Book) -> list[Order]:
    """HKD: a tenor change whose booking failed; USD: cancelled; JPY: a decrease, received."""
    hkd_leg = book.orders["HKD-roll"].allocations[0]
    hkd = Order("HKD-amendment", "A", date(2026, 11, 17), CURRENCY["HKD"], "Approved")
    hkd.amount, hkd.tenor, hkd.previous = hkd_leg.amount, "9M", "HKD-roll"
    hkd.entity, hkd.nav, hkd.booking_failed = hkd_leg.entity, hkd_leg.nav, True
    usd = Order("USD-amendment", "A", date(2026, 11, 5), CURRENCY["USD"], "Cancelled")
    usd.amount, usd.previous = D("110000000"), "USD-123"
    usd.entity, usd.nav = book.entities["ENTITY0037"], "COI"
    jpy = Order("JPY-amendment", "A", date(2026, 11, 20), CURRENCY["JPY"], "Received")
    jpy.amount = deal_amount(book.orders["JPY-main"].amount * D("0.9"), D(1000))
    jpy.previous, jpy.check_status = "JPY-main", None
    return [hkd, usd, jpy]


INQUIRIES = (  # (currency, date, status, key of the order asked about)
    ("CNY", date(2026, 11, 20), "Received", "CNY-approved"),
    ("USD", date(2026, 11, 19), "Executed", "USD-123"),
    ("JPY", date(2026, 11, 18), "Executed", ""),
    ("KRW", date(2026, 11, 17), "Executed", "KRW-main"),
    ("HKD", date(2026, 11, 13), "Executed", ""),
    ("INR", date(2026, 11, 19), "Executed", "INR-approved"),
    ("PHP", date(2026, 10, 28), "Cancelled", ""),
    ("VND", date(2026, 11, 20), "Validated", "VND-rejected"),
)


def inquiries() -> list[Order]:
    return [
        Order(
            f"{code}-inquiry", "Q", day, CURRENCY[code], status, previous=asked, check_status=None
        )
        for code, day, status, asked in INQUIRIES
    ]


def add_rejected_by_approver(book: Book) -> None:
    reason = "Rejected by Treasury approver: a 2Y tenor exceeds the 1Y policy limit for NDFs"
    order = Order("IDR-rejected", "I", date(2026, 11, 6), CURRENCY["IDR"], "Rejected", tenor="2Y")
    order.failure_reason = reason
    for entity_type, nav in (("Branch", "RE"), ("Subsidiary", "COI")):
        key = row_key("IDR", entity_type, nav)
        note = f"Rejected with {{{order.key}}}"
        allocate(book, order, key, book.share(key, D("0.05")), "Rejected", note)
    book.add(order)


def hedge_book(
    entities: list[EntitySpec], capacity: dict[RowKey, Decimal], rng: random.Random
) -> Book:
    """Everything but today's checks, which need the thresholds (set from this book)."""
    book = Book(entities, capacity)
    add_legacy_order(book)
    for code, start, tenor in ROLLOVER_PAIRS:
        add_rollover_pair(book, code, start, tenor)
    for code, day, tenor, rows in APPROVED_ORDERS:
        add_approved_order(book, code, day, tenor, rows)
    for code, start, ended, rows in EARLY_TERMINATIONS:
        add_early_termination(book, code, start, ended, rows)
    for code in MAIN_BOOKS:
        add_main_book(book, code, rng)
    add_cny_amendment(book)
    add_open_requests(book)
    add_rejected_by_approver(book)
    return book


# --- thresholds --------------------------------------------------------------------------------

# Where each currency's current hedged USD sits against its USD PB deposit limit. The limits are
# set from the book (multiples of the current USD amount, rounded to 3 significant digits) so
# the spread survives any change to the book above.
PB_TARGETS = {
    "AUD": "NEAR_WARN",
    "CNY": "WITHIN",
    "HKD": "WITHIN",
    "INR": "BREACH",
    "JPY": "WITHIN",
    "KRW": "CRITICAL",
    "PHP": "WITHIN",
    "TWD": "WARN",
}
PB_INACTIVE = "VND"  # a limit that was switched off: VND is NOT_APPLICABLE
UP, DOWN = ROUND_CEILING, ROUND_FLOOR
PB_MULTIPLES: dict[str, tuple[tuple[Decimal, str], ...]] = {
    "WITHIN": ((D("1.5"), UP), (D("1.75"), UP), (D("2"), UP)),
    "NEAR_WARN": ((1 / D("0.97"), UP), (D("1.15") / D("0.97"), UP), (D("1.3") / D("0.97"), UP)),
    "WARN": ((D("0.9"), DOWN), (D("1.1"), UP), (D("1.3"), UP)),
    "CRITICAL": ((D("0.75"), DOWN), (D("0.92"), DOWN), (D("1.08"), UP)),
    "BREACH": ((D("0.7"), DOWN), (D("0.8"), DOWN), (D("0.92"), DOWN)),
}
OTHER_THRESHOLDS = (  # (type, currency, entity_type, warning, critical, maximum, unit)
    ("CAR_RATIO", None, "Subsidiary", "5", "10", "15", "BPS"),
    ("CAR_RATIO", "CNY", "Subsidiary", "4", "8", "12", "BPS"),
    ("HEDGE_DEVIATION", None, None, "2", "5", "10", "PERCENT"),
    ("HEDGE_DEVIATION", "TWD", None, "1", "3", "5", "PERCENT"),
    ("CONCENTRATION_LIMIT", None, None, "25", "30", "35", "PERCENT"),
    ("CONCENTRATION_LIMIT", "USD", None, "35", "40", "45", "PERCENT"),
)


@dataclass(frozen=True)
class PbLimit:
    currency_code: str
    warning: Decimal
    critical: Decimal
    maximum: Decimal
    active: bool = True

    def status(self, projected_usd: Decimal) -> str:
        if projected_usd <= self.warning:
            return "WITHIN"
        if projected_usd <= self.critical:
            return "WARN"
        if projected_usd <= self.maximum:
            return "CRITICAL"
        return "BREACH"


def hedged_usd(book: Book, code: str, rates: dict[str, Decimal]) -> Decimal:
    return book.hedged_total(code) * usd_per_unit(code, rates)


def pb_limit(code: str, target: str, current_usd: Decimal, active: bool = True) -> PbLimit:
    levels = [
        significant(current_usd * multiple, 3, rounding)
        for multiple, rounding in PB_MULTIPLES[target]
    ]
    warning, critical, maximum = levels
    limit = PbLimit(code, warning, critical, maximum, active=active)
    expected = "WITHIN" if target == "NEAR_WARN" else target
    if limit.status(current_usd) != expected:
        raise ValueError(f"{code}: PB limits {levels} do not put {current_usd} at {target}")
    return limit


@dataclass(frozen=True)
class PbDeposit:
    """The USD PB deposit limits and the latest rates the checks convert with."""

    limits: dict[str, PbLimit]
    rates: dict[str, Decimal]

    def projected(self, book: Book, code: str, requested: Decimal) -> Decimal:
        return hedged_usd(book, code, self.rates) + requested * usd_per_unit(code, self.rates)

    def status(self, book: Book, code: str, requested: Decimal) -> str:
        limit = self.limits.get(code)
        if limit is None or not limit.active:
            return "NOT_APPLICABLE"
        return limit.status(self.projected(book, code, requested))


def pb_deposit(book: Book, rates: dict[str, Decimal]) -> PbDeposit:
    limits = {
        code: pb_limit(code, target, hedged_usd(book, code, rates))
        for code, target in PB_TARGETS.items()
    }
    inactive = hedged_usd(book, PB_INACTIVE, rates)
    limits[PB_INACTIVE] = pb_limit(PB_INACTIVE, "WITHIN", inactive, active=False)
    return PbDeposit(limits, rates)


def threshold_rows(limits: dict[str, PbLimit]) -> list[Row]:
    pb = [
        ("USD_PB_DEPOSIT", code, None, limit.warning, limit.critical, limit.maximum, "USD")
        for code, limit in sorted(limits.items())
    ]
    active = ["N" if limit.active is False else "Y" for _, limit in sorted(limits.items())]
    specs = pb + [(*spec[:3], *map(D, spec[3:6]), spec[6]) for spec in OTHER_THRESHOLDS]
    active += ["Y"] * len(OTHER_THRESHOLDS)
    columns = ("threshold_type", "currency_code", "entity_type")
    levels = ("warning_level", "critical_level", "maximum_limit")
    return [
        {
            "threshold_id": number,
            **dict(zip(columns, spec[:3], strict=True)),
            **{level: money(value) for level, value in zip(levels, spec[3:6], strict=True)},
            "unit_of_measure": spec[6],
            "active_flag": flag,
        }
        for number, (spec, flag) in enumerate(zip(specs, active, strict=True), start=1)
    ]


# --- today's utilisation checks ----------------------------------------------------------------

WATERFALL_TYPES = ENTITY_TYPES  # the Opening order of waterfall_logic_configuration below
CHECKS = (  # (currency, date, requested amount or None, entity the check is limited to)
    ("CNY", date(2026, 11, 10), D("50000"), None),
    ("IDR", date(2026, 11, 11), D("250000000000"), None),
    ("PHP", date(2026, 11, 16), D("800000000"), None),
    ("JPY", date(2026, 11, 17), D("5000000000"), None),
    ("HKD", date(2026, 11, 18), D("500000000"), None),
    # More than the TWD TMU has left (its COI is over-hedged): a partial allocation.
    ("TWD", date(2026, 11, 18), None, "ENTITY0036"),
    ("INR", date(2026, 11, 18), D("2000000000"), None),
    ("CNY", date(2026, 11, 19), D("150000000"), None),
    ("KRW", date(2026, 11, 19), D("30000000000"), None),
    ("USD", date(2026, 11, 19), D("25000000"), None),
    ("AUD", date(2026, 11, 20), D("75000000"), None),
)
CHECKED_INCEPTIONS = (  # (key, currency, date, amount): inceptions that fail their check
    ("INR-rejected", "INR", date(2026, 11, 19), D("3000000000")),
    ("VND-rejected", "VND", date(2026, 11, 12), D("12000000000000")),
)
CHECKED_AMENDMENTS = (  # (currency, date, new notional as a multiple of the main book)
    ("AUD", date(2026, 11, 19), D("1.05")),
    ("INR", date(2026, 11, 13), D("1.1")),
)


@dataclass
class CheckResult:
    decision: str
    reason: str
    pb_status: str
    takes: list[tuple[RowKey, Decimal]]


def waterfall_takes(
    book: Book, rows: list[RowKey], requested: Decimal
) -> list[tuple[RowKey, Decimal]]:
    """DOMAIN.md opening waterfall: entity type, RE before COI, available desc, entity id."""

    def order(key: RowKey) -> tuple:
        entity_type = book.entities[key[0]].entity_type
        nav_rank = 0 if key[1] == "RE" else 1
        return WATERFALL_TYPES.index(entity_type), nav_rank, -book.available(key), key[0]

    lot, remaining, takes = book.entities[rows[0][0]].currency.lot, requested, []
    for key in sorted(rows, key=order):
        take = (min(book.available(key), remaining) // lot) * lot
        if take > 0:
            takes.append((key, take))
            remaining -= take
    return takes


def deal_size_problem(spec: CurrencySpec, requested: Decimal) -> str:
    code = spec.code
    if requested < spec.min_deal:
        return f"MIN_DEAL_SIZE: {requested:,.0f} {code} is below the minimum {spec.min_deal:,.0f}"
    if requested > spec.max_deal:
        return f"MAX_DEAL_SIZE: {requested:,.0f} {code} is above the maximum {spec.max_deal:,.0f}"
    return ""


def utilisation_check(book: Book, order: Order, requested: Decimal, pb: PbDeposit) -> CheckResult:
    """DOMAIN.md utilisation check of `requested` in the order's currency (and entity)."""
    code = order.currency.code
    pb_status = pb.status(book, code, requested)
    if pb_status == "BREACH":
        projected, maximum = pb.projected(book, code, requested), pb.limits[code].maximum
        reason = f"PB_BREACH: projected {projected:,.0f} USD is above the maximum {maximum:,.0f}"
        return CheckResult("Fail", reason, pb_status, [])
    if problem := deal_size_problem(order.currency, requested):
        return CheckResult("Fail", problem, pb_status, [])
    rows = book.rows(code, order.entity.entity_id if order.entity else None)
    total = sum((book.available(key) for key in rows), ZERO)
    if total == 0:
        return CheckResult("Fail", f"NO_CAPACITY: no {code} capacity is left", pb_status, [])
    decision = "Pass" if total >= requested else "Partial"
    return CheckResult(decision, "", pb_status, waterfall_takes(book, rows, requested))


def checked_order(book: Book, order: Order, requested: Decimal, pb: PbDeposit) -> Order:
    """The order with the result of a utilisation check of `requested` (its amount or, for an
    amendment, the increase): a utilisation proposes allocations, a fail rejects the order."""
    result = utilisation_check(book, order, requested, pb)
    order.check_status, order.pb_status = result.decision, result.pb_status
    if result.decision == "Fail":
        order.status, order.failure_reason = "Rejected", result.reason
        order.not_allocated = requested
        return order
    if order.instruction_type == "U":
        note = f"Waterfall proposal for {{{order.key}}}"
        for key, take in result.takes:
            allocate(book, order, key, take, "Calculated", note)
        order.not_allocated = requested - sum((take for _, take in result.takes), ZERO)
    return order


def add_checked_orders(book: Book, pb: PbDeposit) -> None:
    """The instructions whose checks ran against the current book and limits."""
    for number, (code, day, requested, entity_id) in enumerate(CHECKS, start=1):
        if requested is None:  # ask for more than is left: a partial allocation
            available = sum((book.available(key) for key in book.rows(code, entity_id)), ZERO)
            requested = significant(available * D("1.6"), 2, ROUND_CEILING)
        order = Order(f"{code}-check-{number}", "U", day, CURRENCY[code], "Validated", requested)
        order.entity = book.entities[entity_id] if entity_id else None
        book.add(checked_order(book, order, requested, pb))
    unchecked = Order("USD-check-new", "U", BUSINESS_DATE, CURRENCY["USD"], "Received")
    unchecked.amount, unchecked.check_status = D("15000000"), None
    book.add(unchecked)
    for key, code, day, requested in CHECKED_INCEPTIONS:
        order = Order(key, "I", day, CURRENCY[code], "Received", requested, tenor="6M")
        book.add(checked_order(book, order, requested, pb))
    for code, day, multiple in CHECKED_AMENDMENTS:
        main = book.orders[f"{code}-main"]
        new = deal_amount(main.amount * multiple, main.currency.lot)
        order = Order(f"{code}-amendment", "A", day, main.currency, "Validated", new)
        order.previous = main.key
        book.add(checked_order(book, order, new - main.amount, pb))


# --- instructions and allocations as rows ------------------------------------------------------

TYPE_ORDER = "IURTAQ"
# The 2025 book continues the legacy numbering (its first ten orders are long closed and not in
# the demo), so ORD-2025-011 is the first 2025 order here.
FIRST_SEQUENCE = {2025: 11, 2026: 1}


def number_orders(book: Book) -> list[Order]:
    """Instruction ids, order ids and allocation ids in chronological order."""
    ordered = sorted(
        book.orders.values(),
        key=lambda o: (
            o.instruction_date,
            o.currency.code,
            TYPE_ORDER.index(o.instruction_type),
            o.key,
        ),
    )
    sequence = dict(FIRST_SEQUENCE)
    allocation_id = 0
    for instruction_id, order in enumerate(ordered, start=1):
        order.instruction_id = instruction_id
        if not order.order_id:
            year = order.instruction_date.year
            order.order_id = f"ORD-{year}-{sequence[year]:03d}"
            sequence[year] += 1
        for allocation in order.allocations:
            allocation_id += 1
            allocation.allocation_id = allocation_id
    return ordered


def single(values: Iterable[Any]) -> Any:
    """The one distinct value, or None when there are none or several."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def instruction_row(order: Order, order_ids: dict[str, str]) -> Row:
    # Only booked orders take their entity and NAV type from their legs; a check or request
    # names them only when it was limited to them.
    legs = order.allocations + order.terminates if order.instruction_type in "IRT" else []
    entity = order.entity or single(leg.entity for leg in legs)
    # Allocated and not allocated notionals belong to orders that allocate: I, U and R.
    checked = order.check_status is not None and order.instruction_type in "IUR"
    pb = order.pb_status
    if order.check_status is not None and not pb:
        pb = "WITHIN" if order.currency.code in PB_TARGETS else "NOT_APPLICABLE"
    return {
        "instruction_id": order.instruction_id,
        "msg_uid": f"MSG-{order.instruction_date:%Y%m%d}-{order.instruction_id:05d}",
        "instruction_type": order.instruction_type,
        "instruction_date": order.instruction_date.isoformat(),
        "exposure_currency": order.currency.code,
        "entity_id": entity.entity_id if entity else None,
        "nav_type": order.nav or single(leg.nav for leg in legs),
        "order_id": order.order_id,
        "previous_order_id": order_ids[order.previous] if order.previous else "",
        "hedge_amount_order": money(order.amount),
        "hedge_method": "" if order.instruction_type == "Q" else order.currency.hedge_method,
        "value_date": optional_date(order.value_date),
        "tenor_or_maturity": order.tenor,
        "instruction_status": order.status,
        "check_status": order.check_status,
        "allocated_notional": money(order.amount - order.not_allocated) if checked else None,
        "not_allocated_notional": money(order.not_allocated) if checked else None,
        "usd_pb_check_status": pb,
        "failure_reason": order.failure_reason,
    }


def allocation_rows(orders: list[Order], order_ids: dict[str, str]) -> list[Row]:
    return [
        {
            "allocation_id": allocation.allocation_id,
            "request_id": order.instruction_id,
            "entity_id": allocation.entity.entity_id,
            "currency_code": order.currency.code,
            "nav_type": allocation.nav,
            "hedge_amount_allocation": money(allocation.amount),
            "allocation_status": allocation.status,
            "execution_date": optional_date(allocation.execution_date),
            "maturity_date": optional_date(allocation.maturity_date),
            "notes": allocation.notes.format_map(order_ids),
        }
        for order in orders
        for allocation in order.allocations
    ]


# --- business events, deals and GL entries -----------------------------------------------------

EVENT_TYPES = {"I": "Initiation", "R": "Rollover", "T": "Termination", "A": "Amendment"}
BOOKING_MODELS = (  # (model, nav, currency type, instrument, accounting method, deals, GL entries)
    ("A-COI", "COI", "Matched", "FX Swap", "Net investment hedge (COI)", 6, 4),
    ("B-COI", "COI", "Mismatched", "FX Swap / NDF", "Net investment hedge (COI)", 10, 6),
    ("C-COI", "COI", "Mismatched_with_Proxy", "NDF + USD proxy swap",
     "Net investment hedge (COI), USD proxy", 10, 8),
    ("A-RE", "RE", "Matched", "FX Swap", "Net investment hedge (RE)", 3, 2),
    ("B-RE", "RE", "Mismatched", "FX Swap / NDF", "Net investment hedge (RE)", 3, 3),
    ("C-RE", "RE", "Mismatched_with_Proxy", "NDF + USD proxy swap",
     "Net investment hedge (RE), USD proxy", 5, 4),
)  # fmt: skip
BOOKING_MODEL = {(nav, kind): model for model, nav, kind, *_ in BOOKING_MODELS}
DEAL_COUNT = {model: deals for model, *_, deals, _ in BOOKING_MODELS}
GL_COUNT = {model[0]: model[-1] for model in BOOKING_MODELS}
PORTFOLIOS = ("NIH_HEDGE_EXT", "NIH_HEDGE_INT", "TMU_BACK_TO_BACK", "FCTR_HEDGE", "NIH_RESIDUAL")
GL_TEMPLATES = (  # (entry type, debit account, credit account, share of the SGD notional)
    ("Hedge Designation", "190100 NIH Designation Memo", "190199 NIH Designation Contra", D(1)),
    ("Derivative Initial Recognition", "141000 FX Derivative Asset",
     "241000 FX Derivative Liability", D("0.0015")),
    ("NIH Revaluation to FCTR", "141000 FX Derivative Asset",
     "351000 FX Translation Reserve (FCTR)", D("0.008")),
    ("Forward Points Accrual", "520300 Forward Points Expense", "241000 FX Derivative Liability",
     D("0.0025")),
    ("Intercompany Mirror", "180500 Due from Entity", "280500 Due to Entity", D(1)),
    ("NDF Fixing Settlement", "110200 Nostro USD", "141000 FX Derivative Asset", D("0.006")),
    ("Proxy Basis Adjustment", "351000 FX Translation Reserve (FCTR)",
     "241500 Proxy Hedge Basis Reserve", D("0.0012")),
    ("Hedge Ineffectiveness to P&L", "530100 Hedge Ineffectiveness",
     "241000 FX Derivative Liability", D("0.0004")),
)  # fmt: skip
DE_DESIGNATION = (
    "Hedge De-designation",
    "190199 NIH Designation Contra",
    "190100 NIH Designation Memo",
)


@dataclass
class EventSpec:
    event_id: int
    order: Order
    entity: EntitySpec
    nav: str
    notional: Decimal
    maturity: date | None

    @property
    def booking_model(self) -> str:
        return BOOKING_MODEL[self.nav, self.order.currency.currency_type]

    @property
    def status(self) -> tuple[str, str, str]:
        """(event status, stage 2 status, deal status)."""
        if self.order.booking_failed:
            return "Failed", "Booking_Failed", "Failed"
        if self.order.status == "Executed":
            return "Completed", "GL_Posted", "Booked"
        return "Pending", "Awaiting_Booking", "Pending"


def business_events(orders: list[Order]) -> list[EventSpec]:
    """One event per hedge leg (entity and NAV type) of every approved or executed order."""
    events: list[EventSpec] = []
    for order in orders:
        if order.instruction_type not in EVENT_TYPES or order.status not in HEDGED_STATUSES:
            continue
        legs = order.terminates if order.instruction_type == "T" else order.allocations
        parts = [(leg.entity, leg.nav, leg.amount, leg.maturity_date) for leg in legs]
        if not parts and order.entity is not None and order.nav is not None:
            parts = [(order.entity, order.nav, order.amount, order.maturity_date)]
        for entity, nav, notional, maturity in parts:
            events.append(EventSpec(len(events) + 1, order, entity, nav, notional, maturity))
    return events


def event_row(event: EventSpec) -> Row:
    order = event.order
    event_status, stage_2, _ = event.status
    return {
        "event_id": event.event_id,
        "instruction_id": order.instruction_id,
        "entity_id": event.entity.entity_id,
        "business_event_type": EVENT_TYPES[order.instruction_type],
        "nav_type": event.nav,
        "currency_code": order.currency.code,
        "notional_amount": money(event.notional),
        "trade_date": order.instruction_date.isoformat(),
        "value_date": optional_date(order.value_date),
        "maturity_date": optional_date(event.maturity),
        "event_status": event_status,
        "stage_2_status": stage_2,
        "assigned_booking_model": event.booking_model,
    }


def sgd_price(code: str, day: date, months_forward: int = 0) -> Decimal:
    """SGD per unit on `day` (spot drifted back by the carry), forward by `months_forward`."""
    if code == "SGD":
        return D(1)
    spec = CURRENCY[code]
    spot = spec.sgd_rate * (1 - spec.carry * (BUSINESS_DATE - day).days / 365)
    return spot * (1 + spec.carry * months_forward / 12)


@dataclass(frozen=True)
class DealLeg:
    kind: str
    portfolio: str
    sell: str
    buy: str


def deal_legs(spec: CurrencySpec, count: int) -> list[DealLeg]:
    """The deals of a booking model, in sequence: near/far swaps for deliverable currencies,
    external/mirror NDFs for the others, and a USD/SGD swap beside each NDF when USD is the
    proxy."""
    legs = []
    for sequence in range(count):
        pair, second = divmod(sequence, 2)
        portfolio = PORTFOLIOS[pair]
        if spec.deliverable:
            sell, buy = (spec.code, "SGD") if second else ("SGD", spec.code)
            legs.append(DealLeg("FX_SWAP", portfolio, sell, buy))
        elif spec.proxy and second:
            legs.append(DealLeg("FX_SWAP", portfolio, "USD", "SGD"))
        else:
            sell, buy = ("USD", spec.code) if second else (spec.code, "USD")
            legs.append(DealLeg("NDF", portfolio, sell, buy))
    return legs


def deal_rows(events: list[EventSpec]) -> list[Row]:
    rows: list[Row] = []
    for event in events:
        legs = deal_legs(event.order.currency, DEAL_COUNT[event.booking_model])
        for sequence, leg in enumerate(legs, start=1):
            rows.append(deal_row(event, len(rows) + 1, sequence, leg))
    return rows


def deal_row(event: EventSpec, deal_id: int, sequence: int, leg: DealLeg) -> Row:
    """Every leg carries the event's notional. fx_rate is buy units per sell unit, so
    buy_amount = sell_amount * fx_rate, rounded to 4 places; a swap's near leg is at spot."""
    order, day = event.order, event.order.instruction_date
    months = 0 if leg.sell == "SGD" else TENOR_MONTHS.get(order.tenor, 3)
    sell_price = sgd_price(leg.sell, day, months)
    fx_rate = (sell_price / sgd_price(leg.buy, day, months)).quantize(TEN_PLACES)
    notional_sgd = event.notional * sgd_price(order.currency.code, day, months)
    sell_amount = (notional_sgd / sell_price).quantize(FOUR_PLACES)
    status = event.status[2]
    return {
        "deal_booking_id": deal_id,
        "event_id": event.event_id,
        "deal_sequence": sequence,
        "deal_type": leg.kind,
        "portfolio": leg.portfolio,
        "sell_currency": leg.sell,
        "sell_amount": money(sell_amount),
        "buy_currency": leg.buy,
        "buy_amount": money(sell_amount * fx_rate),
        "fx_rate": rate_text(fx_rate),
        "trade_date": day.isoformat(),
        "value_date": optional_date(order.value_date),
        "maturity_date": optional_date(event.maturity),
        "deal_status": status,
        "external_reference": f"MX-{day:%y%m%d}-{deal_id:06d}" if status == "Booked" else "",
    }


def gl_rows(events: list[EventSpec]) -> list[Row]:
    """GL entries of the completed events only: pending and failed bookings post nothing."""
    rows: list[Row] = []
    for event in (event for event in events if event.status[0] == "Completed"):
        order = event.order
        notional_sgd = event.notional * sgd_price(order.currency.code, order.instruction_date)
        for number, (entry, debit, credit, share) in enumerate(gl_templates(event)):
            rows.append(
                {
                    "gl_entry_id": len(rows) + 1,
                    "event_id": event.event_id,
                    "entry_type": entry,
                    "posting_date": optional_date(
                        order.instruction_date if number == 0 else order.value_date
                    ),
                    "debit_account": debit,
                    "credit_account": credit,
                    "amount_sgd": money((notional_sgd * share).quantize(D("0.01"))),
                    "entity_id": event.entity.entity_id,
                }
            )
    return rows


def gl_templates(event: EventSpec) -> list[tuple[str, str, str, Decimal]]:
    """The booking model's first `gl_entry_count` entries; a termination de-designates."""
    templates = list(GL_TEMPLATES[: GL_COUNT[event.booking_model]])
    if event.order.instruction_type == "T":
        templates[0] = (*DE_DESIGNATION, templates[0][3])
    return templates


# --- hedge effectiveness -----------------------------------------------------------------------

# Month moves of each currency's SGD value (September, October). HKD barely moved in October
# (the peg held and USD/SGD was flat), so its October tests fall under the materiality floor.
MONTH_MOVES = {
    "AUD": (D("-0.012"), D("0.009")),
    "CNY": (D("0.006"), D("-0.008")),
    "HKD": (D("0.004"), D("0.000001")),
    "IDR": (D("-0.015"), D("0.011")),
    "INR": (D("-0.009"), D("-0.006")),
    "JPY": (D("0.021"), D("-0.017")),
    "KRW": (D("-0.013"), D("0.010")),
    "PHP": (D("0.007"), D("-0.005")),
    "TWD": (D("0.005"), D("0.008")),
    "USD": (D("0.004"), D("-0.003")),
    "VND": (D("-0.006"), D("0.004")),
}
TEST_PERIODS = ((date(2026, 9, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 31)))


def offset_ratio(rng: random.Random) -> Decimal:
    """Mostly effective hedges; about one test in seven falls outside 80-125%."""
    draw = rng.random()
    if draw < 0.08:
        return D(f"{rng.uniform(0.70, 0.78):.4f}")
    if draw < 0.14:
        return D(f"{rng.uniform(1.28, 1.40):.4f}")
    return D(f"{rng.uniform(0.88, 1.14):.4f}")


def effectiveness_result(hedged_item_change: Decimal, ratio: Decimal) -> str:
    if abs(hedged_item_change) < MATERIALITY_FLOOR_SGD:
        return "INCONCLUSIVE"
    return "PASS" if D("0.80") <= ratio <= D("1.25") else "FAIL"


def tested(allocation: AllocationSpec, start: date, end: date) -> bool:
    """Hedges in place for the whole month: executed before it, alive at its end."""
    if allocation.status not in ("Executed", "Closed") or allocation.execution_date is None:
        return False
    alive_until = allocation.closed_on or allocation.maturity_date
    return allocation.execution_date < start and (alive_until is None or alive_until >= end)


def effectiveness_rows(orders: list[Order], rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for order in orders:
        for allocation in order.allocations:
            for month, (start, end) in enumerate(TEST_PERIODS):
                if tested(allocation, start, end):
                    move = MONTH_MOVES[order.currency.code][month]
                    test = effectiveness_row(allocation, order.currency, start, end, move, rng)
                    rows.append({"test_id": len(rows) + 1, **test})
    return rows


def effectiveness_row(
    allocation: AllocationSpec,
    spec: CurrencySpec,
    start: date,
    end: date,
    move: Decimal,
    rng: random.Random,
) -> Row:
    """Dollar offset over one month: ratio = -instrument_change / hedged_item_change (SGD)."""
    item = (allocation.amount * sgd_price(spec.code, start) * move).quantize(D("0.01"))
    instrument = (-item * offset_ratio(rng)).quantize(D("0.01"))
    ratio = (-instrument / item).quantize(TEN_PLACES)
    return {
        "allocation_id": allocation.allocation_id,
        "test_date": end.isoformat(),
        "method": "dollar_offset",
        "hedged_item_change": money(item),
        "instrument_change": money(instrument),
        "ratio": rate_text(ratio),
        "result": effectiveness_result(item, ratio),
    }


# --- static configuration ----------------------------------------------------------------------


def waterfall_rows() -> list[Row]:
    """Opening: Branch first, RE before COI; closing (terminations): COI before RE."""
    opening = [(t, nav) for t in ENTITY_TYPES for nav in ("RE", "COI")]
    closing = [(t, nav) for t in ENTITY_TYPES for nav in ("COI", "RE")]
    specs = [("Opening", *spec) for spec in opening] + [("Closing", *spec) for spec in closing]
    return [
        {
            "waterfall_id": number,
            "waterfall_type": kind,
            "currency_code": None,
            "entity_type": entity_type,
            "nav_type": nav,
            "priority_level": (number - 1) % len(opening) + 1,
        }
        for number, (kind, entity_type, nav) in enumerate(specs, start=1)
    ]


def booking_model_rows() -> list[Row]:
    return [
        {
            "config_id": number,
            "nav_type": nav,
            "currency_type": kind,
            "hedging_instrument": instrument,
            "accounting_method": method,
            "booking_model": model,
            "deal_count": deals,
            "gl_entry_count": gl_entries,
        }
        for number, (model, nav, kind, instrument, method, deals, gl_entries) in enumerate(
            BOOKING_MODELS, start=1
        )
    ]


# --- the bundle --------------------------------------------------------------------------------


@dataclass
class DemoData:
    """Everything the bundle is written from; also what the summary reports."""

    entities: list[EntitySpec]
    sizes: dict[PositionKey, Decimal]
    quotes: list[Quote]
    book: Book
    limits: dict[str, PbLimit]
    orders: list[Order]


def demo_data() -> DemoData:
    rng = random.Random(SEED)
    entities = entity_specs()
    sizes = position_sizes(entities, rng)
    quotes = rate_quotes(rng)
    rates = latest_rates(quotes)
    book = hedge_book(entities, hedgeable_capacity(entities, sizes), rng)
    pb = pb_deposit(book, rates)
    add_checked_orders(book, pb)
    return DemoData(entities, sizes, quotes, book, pb.limits, number_orders(book))


def build_bundle(data: DemoData | None = None) -> dict[str, Any]:
    data = data or demo_data()
    order_ids = {order.key: order.order_id for order in data.orders}
    events = business_events(data.orders)
    effectiveness_rng = random.Random(SEED + 1)
    tables = {
        "currency_configuration": currency_rows(),
        "entity_master": [entity_row(entity) for entity in data.entities],
        "hedging_framework": framework_rows(data.entities),
        "position_nav_master": position_rows(data.entities, data.sizes),
        "buffer_configuration": buffer_rows(),
        "overlay_configuration": overlay_rows(data.entities),
        "threshold_configuration": threshold_rows(data.limits),
        "waterfall_logic_configuration": waterfall_rows(),
        "instruction_event_config": booking_model_rows(),
        "currency_rates": rate_rows(data.quotes),
        "hedge_instructions": [instruction_row(order, order_ids) for order in data.orders],
        "allocation_engine": allocation_rows(data.orders, order_ids),
        "hedge_business_events": [event_row(event) for event in events],
        "deal_bookings": deal_rows(events),
        "gl_entries": gl_rows(events),
        "hedge_effectiveness": effectiveness_rows(data.orders, effectiveness_rng),
    }
    return {"format": FORMAT, "business_date": BUSINESS_DATE.isoformat(), "tables": tables}


def render(bundle: dict[str, Any]) -> str:
    """Stable text for stable diffs: sorted keys, one-space indent, trailing newline."""
    return json.dumps(bundle, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def pb_summary(data: DemoData) -> list[str]:
    rates = latest_rates(data.quotes)
    lines = []
    for code, limit in sorted(data.limits.items()):
        current = hedged_usd(data.book, code, rates)
        status = limit.status(current) if limit.active else "NOT_APPLICABLE (limit inactive)"
        lines.append(
            f"{code}: hedged {current:,.0f} USD; warning {limit.warning:,.0f}, critical "
            f"{limit.critical:,.0f}, maximum {limit.maximum:,.0f} -> {status}"
        )
    return lines


def main() -> None:
    data = demo_data()
    bundle = build_bundle(data)
    OUTPUT.write_text(render(bundle), encoding="utf-8")
    counts = ", ".join(f"{table} {len(rows)}" for table, rows in bundle["tables"].items())
    print(f"wrote {OUTPUT}: {counts}")
    print("\n".join(pb_summary(data)))


if __name__ == "__main__":
    main()

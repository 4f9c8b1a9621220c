"""Reference data: currencies, entities and their hedging frameworks, and the static
configuration tables (waterfall order, booking models)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from hawk.demo.formatting import D, Row, created, hawk_id, money

ENTITY_TYPES = ("Branch", "Subsidiary", "Associate", "TMU")
NAV_TYPES = ("COI", "RE")
# Who set the reference and configuration tables up, and when.
SET_UP = created("treasury_admin", date(2025, 1, 2))


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
    def proxy(self) -> str | None:
        return "USD" if self.currency_type == "Mismatched_with_Proxy" else None

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
        code,
        name,
        kind,
        deliverable,
        D(min_deal),
        D(max_deal),
        D(lot),
        aliases,
        city,
        country,
        region,
        subsidiary,
        associate,
        quote,
        branch_coi,
        coverage,
        carry,
        **extra,
    )


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
            "minimum_deal_size": money(spec.min_deal),
            "maximum_deal_size": money(spec.max_deal),
            "lot_size": money(spec.lot),
            "hedge_accounting_eligible": True,
            "aliases": list(spec.aliases),
            "active_flag": True,
            **SET_UP,
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
        **SET_UP,
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
            "framework_id": hawk_id("FW", number),
            "entity_id": entity_id,
            "currency_code": by_id[entity_id].currency.code,
            "framework_type": framework,
            "hedge_ratio": money(D(100)),
            "effectiveness_threshold_lower": money(D(80)),
            "effectiveness_threshold_upper": money(D(125)),
            "active_flag": active,
            **SET_UP,
        }
        for number, (entity_id, framework, active) in enumerate(specs, start=1)
    ]


# --- static configuration ----------------------------------------------------------------------

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


def waterfall_rows() -> list[Row]:
    """Opening: Branch first, RE before COI; closing (terminations): COI before RE."""
    opening = [(t, nav) for t in ENTITY_TYPES for nav in ("RE", "COI")]
    closing = [(t, nav) for t in ENTITY_TYPES for nav in ("COI", "RE")]
    specs = [("Opening", *spec) for spec in opening] + [("Closing", *spec) for spec in closing]
    return [
        {
            "waterfall_id": hawk_id("WF", number),
            "waterfall_type": kind,
            "currency_code": None,
            "entity_type": entity_type,
            "nav_type": nav,
            "priority_level": (number - 1) % len(opening) + 1,
            **SET_UP,
        }
        for number, (kind, entity_type, nav) in enumerate(specs, start=1)
    ]


def booking_model_rows() -> list[Row]:
    return [
        {
            "config_id": hawk_id("CFG", number),
            # No instruction_event: each booking model serves every event type of its NAV
            # type and currency type (DOMAIN.md looks it up by those two).
            "instruction_event": None,
            "nav_type": nav,
            "currency_type": kind,
            "hedging_instrument": instrument,
            "accounting_method": method,
            "booking_model": model,
            "deal_count": deals,
            "gl_entry_count": gl_entries,
            **SET_UP,
        }
        for number, (model, nav, kind, instrument, method, deals, gl_entries) in enumerate(
            BOOKING_MODELS, start=1
        )
    ]

"""Net asset positions, buffers and overlays, and the hedgeable capacity they leave per row."""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hawk.demo.dates import BUSINESS_DATE
from hawk.demo.formatting import (
    ZERO,
    D,
    Row,
    hawk_id,
    jitter,
    money,
    optional_money,
    significant,
    timestamp,
)
from hawk.demo.reference import CAR_EXEMPT, EXCESS_OF_CAR, NAV_TYPES, SET_UP, EntitySpec

RowKey = tuple[str, str]  # (entity_id, nav_type): one capacity row of DOMAIN.md

TYPE_WEIGHT = {"Branch": D("1"), "Subsidiary": D("2.2"), "Associate": D("0.35"), "TMU": D("0.12")}
RE_SHARE = {"Branch": D("0.45"), "Subsidiary": D("0.6"), "Associate": D("0.3"), "TMU": D("0.2")}
CAR_SHARE = D("0.35")  # optimal CAR kept unhedged, as a share of the COI position

AS_OF_DATES = (date(2026, 9, 30), date(2026, 10, 31), BUSINESS_DATE)
DATE_LEVEL = {date(2026, 9, 30): D("0.962"), date(2026, 10, 31): D("0.981"), BUSINESS_DATE: D(1)}
# A position dated after the business date: the facts must not use it.
FUTURE_POSITION = ("ENTITY0005", "COI", date(2026, 11, 30), D("1.035"))
PROVISIONAL = {"ENTITY0013", "ENTITY0041"}  # month-to-date estimates still being validated

PositionKey = tuple[str, str, date]  # (entity_id, nav_type, as_of_date)
NAV_FEED = "FINANCE_NAV_FEED"  # the finance system the positions are loaded from, overnight


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
        loaded = min(as_of, BUSINESS_DATE)  # a forecast is loaded with today's batch
        rows.append(
            {
                "nav_id": hawk_id("NAV", nav_id),
                "entity_id": entity_id,
                "currency_code": by_id[entity_id].currency.code,
                "as_of_date": as_of.isoformat(),
                "source_system": NAV_FEED,
                "source_batch_id": f"NAV-{loaded:%Y%m%d}",
                "nav_type": nav,
                "position_type": "NET",
                "current_position": money(sizes[entity_id, nav, as_of]),
                "coi_amount": optional_money(coi),
                "re_amount": optional_money(re),
                "optimal_car_amount": optional_money(optimal_car(entity_id, nav, coi or ZERO)),
                "data_quality_status": quality,
                "created_by": "nav_loader",
                "created_at": timestamp(loaded, 6),
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
            "buffer_rule_id": hawk_id("BUF", number),
            "entity_id": rule.entity_id,
            "currency_code": rule.currency_code,
            "nav_type": rule.nav_type,
            "buffer_percentage": money(rule.percentage),
            "rule_priority": rule.priority,
            "active_flag": "Y" if rule.active else "N",
            **SET_UP,
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
            "overlay_id": hawk_id("OVL", number),
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

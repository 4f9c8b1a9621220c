"""Hedge capacity per entity and NAV type of one currency (DOMAIN.md, "Formulas").

Every figure is exact Decimal arithmetic; nothing is rounded here (present.py rounds). Each
source is read once into plain values before the rows are computed: a currency of a few hundred
entities makes hundreds of rows per request.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from hawk.pipeline.facts.records import (
    ZERO,
    Record,
    Records,
    amount_of,
    code_of,
    date_of,
    decimal_of,
    id_order,
    is_yes,
    of_currency,
    source_records,
    text_of,
)
from hawk.pipeline.facts.warning import WarningLog

FULLY_HEDGE = "Fully Hedge"
EXCESS_OF_CAR = "Hedge in Excess of Optimal CAR"
DEFAULT_BUFFER_PCT = Decimal("5")
HUNDRED = Decimal("100")
VALIDATED = "Validated"

EntityNav = tuple[str, str]


class CapacityRow(NamedTuple):
    """One row of capacity. A NamedTuple rather than a frozen dataclass: as immutable, and
    several times cheaper to build, which counts at hundreds of rows per request."""

    entity_id: str
    entity_type: str
    nav_type: str
    sfx: Decimal
    car: Decimal
    overlay: Decimal
    buffer_pct: Decimal
    buffer: Decimal
    hedged: Decimal
    hedgeable: Decimal
    unhedged: Decimal
    available: Decimal
    utilisation: Decimal | None  # hedged / hedgeable; None when hedgeable <= 0
    state: str
    data_quality_status: str


@dataclass(frozen=True)
class Capacity:
    rows: tuple[CapacityRow, ...]  # in opening waterfall order once ordered (waterfall.py)

    @property
    def total_sfx(self) -> Decimal:
        return sum((row.sfx for row in self.rows), ZERO)

    @property
    def total_hedged(self) -> Decimal:
        return sum((row.hedged for row in self.rows), ZERO)

    @property
    def total_available(self) -> Decimal:
        return sum((row.available for row in self.rows), ZERO)


@dataclass(frozen=True)
class BufferRule:
    """A buffer rule read once: its scope columns (None = any), order and percentage."""

    entity_id: str | None
    currency: str | None
    nav_type: str | None
    priority: Decimal
    rule_id: tuple[str | int, ...]  # id_order of buffer_rule_id
    percentage: Decimal

    @classmethod
    def of(cls, record: Record) -> "BufferRule":
        return cls(
            code_of(record, "entity_id"),
            code_of(record, "currency_code"),
            code_of(record, "nav_type"),
            decimal_of(record, "rule_priority") or ZERO,
            id_order(record, "buffer_rule_id"),
            amount_of(record, "buffer_percentage"),
        )

    @property
    def precedence(self) -> tuple[int, Decimal, tuple[str | int, ...]]:
        """Most specific first (a matching rule matches on every column it sets, so the set
        columns count its matches), then the lowest rule_priority, then the lowest
        buffer_rule_id."""
        scoped = (self.entity_id, self.currency, self.nav_type)
        return (-sum(column is not None for column in scoped), self.priority, self.rule_id)


def buffer_rules(records: Sequence[Record]) -> list[BufferRule]:
    return [BufferRule.of(record) for record in records]


def rules_by_precedence(rules: Sequence[BufferRule], currency: str) -> list[BufferRule]:
    """The rules that may apply to the currency, in precedence order, so that the first rule
    matching a row is its rule; sorted once per request rather than compared per row. Full
    ties keep record order (the sort is stable)."""
    currency = currency.upper()
    usable = [rule for rule in rules if rule.currency in (None, currency)]
    return sorted(usable, key=lambda rule: rule.precedence)


def matching_buffer_rule(
    ordered_rules: Sequence[BufferRule], *, entity_id: str, nav_type: str
) -> BufferRule | None:
    """The most specific matching rule, given the rules of the row's currency in precedence
    order (`rules_by_precedence`): the first whose entity and NAV type are unset or equal."""
    entity_code, nav_code = entity_id.upper(), nav_type.upper()
    for rule in ordered_rules:
        if rule.entity_id in (None, entity_code) and rule.nav_type in (None, nav_code):
            return rule
    return None


def buffer_percentage(
    ordered_rules: Sequence[BufferRule],
    *,
    entity_id: str,
    nav_type: str,
    framework: str,
    car_exempt: bool,
) -> Decimal:
    """The matching rule's percentage (5 means 5%), else the default of DOMAIN.md."""
    rule = matching_buffer_rule(ordered_rules, entity_id=entity_id, nav_type=nav_type)
    if rule is not None:
        return rule.percentage
    if framework == EXCESS_OF_CAR and car_exempt:
        return ZERO
    return DEFAULT_BUFFER_PCT


def capacity_state(*, available: Decimal, hedged: Decimal) -> str:
    if available == ZERO and hedged > ZERO:
        return "Fully_Hedged"
    return "Partially_Hedged" if hedged > ZERO else "Available"


def capacity_row(
    *,
    entity_id: str,
    entity_type: str,
    nav_type: str,
    sfx: Decimal,
    car: Decimal,
    overlay: Decimal,
    buffer_pct: Decimal,
    hedged: Decimal,
    data_quality_status: str,
) -> CapacityRow:
    buffer = sfx * buffer_pct / HUNDRED
    hedgeable = sfx - car + overlay - buffer
    unhedged = hedgeable - hedged
    available = unhedged if unhedged > ZERO else ZERO
    utilisation = hedged / hedgeable if hedgeable > ZERO else None
    state = capacity_state(available=available, hedged=hedged)
    # Positional, in field order (the names match): a class called with keywords costs twice.
    return CapacityRow(
        entity_id,
        entity_type,
        nav_type,
        sfx,
        car,
        overlay,
        buffer_pct,
        buffer,
        hedged,
        hedgeable,
        unhedged,
        available,
        utilisation,
        state,
        data_quality_status,
    )


def _entity_nav(record: Record) -> EntityNav:
    """The (entity_id, nav_type) key of a record: entity ids as written, NAV types upper."""
    return (text_of(record, "entity_id") or "", code_of(record, "nav_type") or "")


def summed_by_entity_nav(records: Sequence[Record], column: str) -> dict[EntityNav, Decimal]:
    """A summed source (overlays, hedged) keyed by (entity_id, nav_type)."""
    sums: dict[EntityNav, Decimal] = {}
    for record in records:
        key = _entity_nav(record)
        sums[key] = sums.get(key, ZERO) + amount_of(record, column)
    return sums


def latest_positions(
    positions: Sequence[Record], *, currency: str, business_date: datetime.date
) -> dict[EntityNav, Record]:
    """One position per (entity, NAV), in that key order: the newest on or before the business
    date. The source already returns that; this guards against a plan that left the date
    filter out."""
    latest: dict[EntityNav, tuple[datetime.date, Record]] = {}
    for position in positions:
        if code_of(position, "currency_code") not in (None, currency):
            continue
        as_of = date_of(position, "as_of_date")
        if as_of is not None and as_of > business_date:
            continue
        key, as_of = _entity_nav(position), as_of or datetime.date.min
        kept = latest.get(key)
        if kept is None or kept[0] < as_of:
            latest[key] = (as_of, position)
    return {key: latest[key][1] for key in sorted(latest)}


@dataclass(frozen=True)
class CapacityScope:
    currency: str
    business_date: datetime.date
    nav_type: str | None = None
    entity_id: str | None = None

    def includes(self, entity_id: str, nav_type: str) -> bool:
        """Whether a position's (entity, NAV type) is within the NAV type and entity asked."""
        if self.nav_type and nav_type != self.nav_type.upper():
            return False
        return not self.entity_id or entity_id == self.entity_id


class ActiveEntity(NamedTuple):
    """What a row needs of its entity, read once per entity rather than once per row."""

    entity_type: str
    car_exempt: bool


@dataclass(frozen=True)
class CurrencyTerms:
    """What the rows of one currency share, each source read once: frameworks by entity,
    buffer rules in precedence order, overlay and hedged sums by (entity, NAV)."""

    frameworks: dict[str, str]
    buffer_rules: list[BufferRule]
    overlays: dict[EntityNav, Decimal]
    hedged: dict[EntityNav, Decimal]

    @classmethod
    def of(cls, records: Records, currency: str) -> "CurrencyTerms":
        rules = buffer_rules(source_records(records, "buffers"))
        return cls(
            frameworks=_frameworks(records, currency),
            buffer_rules=rules_by_precedence(rules, currency),
            overlays=_summed(records, "overlays", "overlay_amount", currency),
            hedged=_summed(records, "hedged", "hedge_amount_allocation", currency),
        )


def _summed(records: Records, source: str, column: str, currency: str) -> dict[EntityNav, Decimal]:
    return summed_by_entity_nav(of_currency(source_records(records, source), currency), column)


def _active_entities(records: Records, currency: str) -> dict[str, ActiveEntity]:
    """Active entities of the currency (an entity without a currency column is kept)."""
    return {
        text_of(entity, "entity_id") or "": ActiveEntity(
            text_of(entity, "entity_type") or "", is_yes(entity, "car_exemption_flag")
        )
        for entity in source_records(records, "entities")
        if is_yes(entity, "active_flag") and code_of(entity, "currency_code") in (None, currency)
    }


def _frameworks(records: Records, currency: str) -> dict[str, str]:
    return {
        text_of(framework, "entity_id") or "": text_of(framework, "framework_type") or ""
        for framework in of_currency(source_records(records, "frameworks"), currency)
    }


def capacity_rows(records: Records, scope: CapacityScope, log: WarningLog) -> list[CapacityRow]:
    """One row per latest position of an active entity in scope, in entity/NAV order."""
    entities = _active_entities(records, scope.currency)
    terms = CurrencyTerms.of(records, scope.currency)
    positions = latest_positions(
        source_records(records, "positions"),
        currency=scope.currency,
        business_date=scope.business_date,
    )
    rows = []
    for key, position in positions.items():
        entity = entities.get(key[0])
        if entity is None or not scope.includes(*key):
            continue  # inactive entities have no capacity (DOMAIN.md)
        rows.append(_capacity_row(key, position, entity, terms))
    _position_warnings(rows, scope.currency, log)
    return rows


def _capacity_row(
    key: EntityNav, position: Record, entity: ActiveEntity, terms: CurrencyTerms
) -> CapacityRow:
    entity_id, nav_type = key
    framework = terms.frameworks.get(entity_id, FULLY_HEDGE)
    car = amount_of(position, "optimal_car_amount") if framework == EXCESS_OF_CAR else ZERO
    return capacity_row(
        entity_id=entity_id,
        entity_type=entity.entity_type,
        nav_type=nav_type,
        sfx=amount_of(position, "current_position"),
        car=car,
        overlay=terms.overlays.get(key, ZERO),
        buffer_pct=buffer_percentage(
            terms.buffer_rules,
            entity_id=entity_id,
            nav_type=nav_type,
            framework=framework,
            car_exempt=entity.car_exempt,
        ),
        hedged=terms.hedged.get(key, ZERO),
        data_quality_status=text_of(position, "data_quality_status") or VALIDATED,
    )


def _position_warnings(rows: list[CapacityRow], currency: str, log: WarningLog) -> None:
    if not rows:
        log.add("NO_POSITIONS", f"No positions of active entities in {currency} to hedge.")
        return
    doubtful = [row for row in rows if row.data_quality_status != VALIDATED]
    if doubtful:
        listed = ", ".join(
            f"{row.entity_id} {row.nav_type} ({row.data_quality_status})" for row in doubtful
        )
        log.add("DATA_QUALITY", f"Positions not validated: {listed}.", "info")

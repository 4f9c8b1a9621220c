"""Hedge capacity per entity and NAV type of one currency (DOMAIN.md, "Formulas").

Every figure is exact Decimal arithmetic; nothing is rounded here (present.py rounds).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hawk.pipeline.facts.records import (
    ZERO,
    Record,
    Records,
    amount_of,
    code_of,
    date_of,
    decimal_of,
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


@dataclass(frozen=True)
class CapacityRow:
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
    rule_id: Decimal
    percentage: Decimal

    @classmethod
    def of(cls, record: Record) -> "BufferRule":
        return cls(
            code_of(record, "entity_id"),
            code_of(record, "currency_code"),
            code_of(record, "nav_type"),
            decimal_of(record, "rule_priority") or ZERO,
            decimal_of(record, "buffer_rule_id") or ZERO,
            amount_of(record, "buffer_percentage"),
        )

    def specificity(self, entity_id: str, currency: str, nav_type: str) -> int | None:
        """How many columns of the rule are set and match; None when a set column differs."""
        matched = 0
        for mine, wanted in (
            (self.entity_id, entity_id), (self.currency, currency), (self.nav_type, nav_type)
        ):  # fmt: skip
            if mine is None:
                continue
            if mine != wanted.upper():
                return None
            matched += 1
        return matched


def buffer_rules(records: Sequence[Record]) -> list[BufferRule]:
    return [BufferRule.of(record) for record in records]


def matching_buffer_rule(
    rules: Sequence[BufferRule], *, entity_id: str, currency: str, nav_type: str
) -> BufferRule | None:
    """The most specific matching rule; ties go to the lowest rule_priority, then the lowest
    buffer_rule_id so the choice never depends on record order."""
    candidates = []
    for rule in rules:
        specificity = rule.specificity(entity_id, currency, nav_type)
        if specificity is not None:
            candidates.append((-specificity, rule.priority, rule.rule_id, rule))
    if not candidates:
        return None
    return min(candidates, key=lambda candidate: candidate[:3])[3]


def buffer_percentage(
    rules: Sequence[BufferRule],
    *,
    entity_id: str,
    currency: str,
    nav_type: str,
    framework: str,
    car_exempt: bool,
) -> Decimal:
    """The matching rule's percentage (5 means 5%), else the default of DOMAIN.md."""
    rule = matching_buffer_rule(rules, entity_id=entity_id, currency=currency, nav_type=nav_type)
    if rule is not None:
        return rule.percentage
    if framework == EXCESS_OF_CAR and car_exempt:
        return ZERO
    return DEFAULT_BUFFER_PCT


def capacity_state(*, available: Decimal, hedged: Decimal) -> str:
    if available == 0 and hedged > 0:
        return "Fully_Hedged"
    return "Partially_Hedged" if hedged > 0 else "Available"


@dataclass(frozen=True)
class RowInputs:
    """What one capacity row is computed from, gathered from the records."""

    entity_id: str
    entity_type: str
    nav_type: str
    sfx: Decimal
    car: Decimal
    overlay: Decimal
    buffer_pct: Decimal
    hedged: Decimal
    data_quality_status: str


def capacity_row(inputs: RowInputs) -> CapacityRow:
    buffer = inputs.sfx * inputs.buffer_pct / HUNDRED
    hedgeable = inputs.sfx - inputs.car + inputs.overlay - buffer
    unhedged = hedgeable - inputs.hedged
    available = max(ZERO, unhedged)
    return CapacityRow(
        entity_id=inputs.entity_id,
        entity_type=inputs.entity_type,
        nav_type=inputs.nav_type,
        sfx=inputs.sfx,
        car=inputs.car,
        overlay=inputs.overlay,
        buffer_pct=inputs.buffer_pct,
        buffer=buffer,
        hedged=inputs.hedged,
        hedgeable=hedgeable,
        unhedged=unhedged,
        available=available,
        utilisation=inputs.hedged / hedgeable if hedgeable > 0 else None,
        state=capacity_state(available=available, hedged=inputs.hedged),
        data_quality_status=inputs.data_quality_status,
    )


def summed_by_entity_nav(records: Sequence[Record], column: str) -> dict[EntityNav, Decimal]:
    """A summed source (overlays, hedged) keyed by (entity_id, nav_type)."""
    sums: dict[EntityNav, Decimal] = {}
    for record in records:
        key = (text_of(record, "entity_id") or "", code_of(record, "nav_type") or "")
        sums[key] = sums.get(key, ZERO) + amount_of(record, column)
    return sums


def latest_positions(
    positions: Sequence[Record], *, currency: str, business_date: datetime.date
) -> list[Record]:
    """One position per (entity, NAV): the newest on or before the business date. The source
    already returns that; this guards against a plan that left the date filter out."""
    latest: dict[EntityNav, Record] = {}
    for position in positions:
        if code_of(position, "currency_code") not in (None, currency):
            continue
        as_of = date_of(position, "as_of_date")
        if as_of is not None and as_of > business_date:
            continue
        key = (text_of(position, "entity_id") or "", code_of(position, "nav_type") or "")
        kept = latest.get(key)
        if kept is None or _as_of(kept) < _as_of(position):
            latest[key] = position
    return [latest[key] for key in sorted(latest)]


def _as_of(position: Record) -> datetime.date:
    return date_of(position, "as_of_date") or datetime.date.min


@dataclass(frozen=True)
class CapacityScope:
    currency: str
    business_date: datetime.date
    nav_type: str | None = None
    entity_id: str | None = None


def _active_entities(records: Records, currency: str) -> dict[str, Record]:
    """Active entities of the currency (an entity without a currency column is kept)."""
    return {
        text_of(entity, "entity_id") or "": entity
        for entity in source_records(records, "entities")
        if is_yes(entity, "active_flag") and code_of(entity, "currency_code") in (None, currency)
    }


def _frameworks(records: Records, currency: str) -> dict[str, str]:
    return {
        text_of(framework, "entity_id") or "": text_of(framework, "framework_type") or ""
        for framework in of_currency(source_records(records, "frameworks"), currency)
    }


def _in_scope(position: Record, scope: CapacityScope) -> bool:
    if scope.nav_type and code_of(position, "nav_type") != scope.nav_type.upper():
        return False
    return not scope.entity_id or text_of(position, "entity_id") == scope.entity_id


def capacity_rows(records: Records, scope: CapacityScope, log: WarningLog) -> list[CapacityRow]:
    """One row per latest position of an active entity in scope, in entity/NAV order."""
    entities = _active_entities(records, scope.currency)
    frameworks = _frameworks(records, scope.currency)
    rules = buffer_rules(source_records(records, "buffers"))
    overlays = summed_by_entity_nav(
        of_currency(source_records(records, "overlays"), scope.currency), "overlay_amount"
    )
    hedged = summed_by_entity_nav(
        of_currency(source_records(records, "hedged"), scope.currency), "hedge_amount_allocation"
    )
    positions = latest_positions(
        source_records(records, "positions"),
        currency=scope.currency,
        business_date=scope.business_date,
    )
    rows = []
    for position in positions:
        entity = entities.get(text_of(position, "entity_id") or "")
        if entity is None or not _in_scope(position, scope):
            continue  # inactive entities have no capacity (DOMAIN.md)
        inputs = _row_inputs(position, entity, frameworks, rules, overlays, hedged, scope)
        rows.append(capacity_row(inputs))
    _position_warnings(rows, scope.currency, log)
    return rows


def _row_inputs(
    position: Record,
    entity: Record,
    frameworks: dict[str, str],
    rules: Sequence[BufferRule],
    overlays: dict[EntityNav, Decimal],
    hedged: dict[EntityNav, Decimal],
    scope: CapacityScope,
) -> RowInputs:
    entity_id = text_of(position, "entity_id") or ""
    nav_type = code_of(position, "nav_type") or ""
    framework = frameworks.get(entity_id, FULLY_HEDGE)
    car = amount_of(position, "optimal_car_amount") if framework == EXCESS_OF_CAR else ZERO
    return RowInputs(
        entity_id=entity_id,
        entity_type=text_of(entity, "entity_type") or "",
        nav_type=nav_type,
        sfx=amount_of(position, "current_position"),
        car=car,
        overlay=overlays.get((entity_id, nav_type), ZERO),
        buffer_pct=buffer_percentage(
            rules,
            entity_id=entity_id,
            currency=scope.currency,
            nav_type=nav_type,
            framework=framework,
            car_exempt=is_yes(entity, "car_exemption_flag"),
        ),
        hedged=hedged.get((entity_id, nav_type), ZERO),
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

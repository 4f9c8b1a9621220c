"""Facts for reviews: threshold standing, hedge effectiveness (dollar offset), booking model."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hawk.pipeline.facts.records import (
    Record,
    amount_of,
    code_of,
    date_of,
    decimal_of,
    text_of,
)
from hawk.pipeline.facts.utilisation import PB_DEPOSIT, pb_level_status

# --- thresholds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdStatus:
    threshold_id: Any
    threshold_type: str
    currency: str | None
    entity_type: str | None
    warning_level: Decimal
    critical_level: Decimal
    maximum_limit: Decimal
    unit_of_measure: str | None
    current_value: Decimal | None
    status: str  # WITHIN | WARN | CRITICAL | BREACH | UNKNOWN | NOT_COMPUTED
    reason: str | None = None  # why there is no current value (UNKNOWN, NOT_COMPUTED)


def threshold_statuses(
    thresholds: Iterable[Record], *, currency: str | None, pb_current_usd: Decimal | None
) -> list[ThresholdStatus]:
    """Every active threshold of the currency (and the general ones with no currency).

    Only the PB deposit has a defined current value (USD of the currency's hedged total):
    UNKNOWN when it could not be converted. DOMAIN.md defines no current value for the other
    types, so they are listed with their levels as NOT_COMPUTED."""
    statuses = []
    for record in thresholds:
        row_currency = code_of(record, "currency_code")
        if currency and row_currency not in (None, currency):
            continue
        statuses.append(_threshold_status(record, currency, pb_current_usd))
    return sorted(statuses, key=lambda status: (status.threshold_type, str(status.threshold_id)))


def _threshold_status(
    record: Record, currency: str | None, pb_current_usd: Decimal | None
) -> ThresholdStatus:
    threshold_type = text_of(record, "threshold_type") or ""
    current, status = None, "NOT_COMPUTED"
    reason: str | None = f"no current value is defined for {threshold_type or 'this type'}"
    if threshold_type == PB_DEPOSIT and not currency:
        reason = "a PB deposit is measured per currency; none was given"
    if threshold_type == PB_DEPOSIT and currency:
        current = pb_current_usd
        status = "UNKNOWN" if current is None else pb_level_status(current, record)
        reason = "no FX rate converts the hedged total to USD" if current is None else None
    return ThresholdStatus(
        threshold_id=record.get("threshold_id"),
        threshold_type=threshold_type,
        currency=code_of(record, "currency_code"),
        entity_type=text_of(record, "entity_type"),
        warning_level=amount_of(record, "warning_level"),
        critical_level=amount_of(record, "critical_level"),
        maximum_limit=amount_of(record, "maximum_limit"),
        unit_of_measure=text_of(record, "unit_of_measure"),
        current_value=current,
        status=status,
        reason=reason,
    )


# --- effectiveness --------------------------------------------------------------------------

PASS_LOWER = Decimal("0.80")
PASS_UPPER = Decimal("1.25")
RESULTS = ("PASS", "FAIL", "INCONCLUSIVE")


@dataclass(frozen=True)
class EffectivenessTest:
    effectiveness_id: Any
    allocation_id: Any
    measurement_date: datetime.date | None
    hedged_item_change: Decimal | None  # None when the HAWK row carries only its ratio
    instrument_change: Decimal | None
    ratio: Decimal | None  # None when the hedged item did not move
    result: str  # recomputed here, not copied from the table
    recorded_result: str | None


def dollar_offset(
    *, hedged_item_change: Decimal, instrument_change: Decimal, materiality: Decimal
) -> tuple[Decimal | None, str]:
    """ratio = -instrument_change / hedged_item_change. Below the materiality floor the ratio
    says nothing (small moves give wild ratios), so the test is INCONCLUSIVE."""
    ratio = -instrument_change / hedged_item_change if hedged_item_change != 0 else None
    if abs(hedged_item_change) < materiality or ratio is None:
        return ratio, "INCONCLUSIVE"
    return ratio, "PASS" if PASS_LOWER <= ratio <= PASS_UPPER else "FAIL"


def recorded_ratio_result(record: Record) -> tuple[Decimal | None, str]:
    """A HAWK row without the period's changes: judge its recorded effectiveness_ratio against
    the row's own thresholds (80-125% when it has none). No ratio: INCONCLUSIVE."""
    ratio = decimal_of(record, "effectiveness_ratio")
    if ratio is None:
        return None, "INCONCLUSIVE"
    lower = decimal_of(record, "lower_threshold") or PASS_LOWER
    upper = decimal_of(record, "upper_threshold") or PASS_UPPER
    return ratio, "PASS" if lower <= ratio <= upper else "FAIL"


def effectiveness_test(record: Record, *, materiality: Decimal) -> EffectivenessTest:
    hedged_item_change = decimal_of(record, "hedged_item_change")
    instrument_change = decimal_of(record, "instrument_change")
    if hedged_item_change is None or instrument_change is None:
        ratio, result = recorded_ratio_result(record)
    else:
        ratio, result = dollar_offset(
            hedged_item_change=hedged_item_change,
            instrument_change=instrument_change,
            materiality=materiality,
        )
    return EffectivenessTest(
        effectiveness_id=record.get("effectiveness_id"),
        allocation_id=record.get("allocation_id"),
        measurement_date=date_of(record, "measurement_date"),
        hedged_item_change=hedged_item_change,
        instrument_change=instrument_change,
        ratio=ratio,
        result=result,
        recorded_result=text_of(record, "effectiveness_status"),
    )


def effectiveness_tests(
    records: Iterable[Record], *, materiality: Decimal
) -> list[EffectivenessTest]:
    return [effectiveness_test(record, materiality=materiality) for record in records]


def effectiveness_summary(tests: Iterable[EffectivenessTest]) -> dict[str, int]:
    counts = dict.fromkeys(RESULTS, 0)
    for test in tests:
        counts[test.result] += 1
    return counts


# --- booking model --------------------------------------------------------------------------

# DOMAIN.md defaults when instruction_event_config has no row: (booking model, deal count).
DEFAULT_BOOKING_MODELS: dict[tuple[str, str], tuple[str, int]] = {
    ("COI", "Matched"): ("A-COI", 6),
    ("COI", "Mismatched"): ("B-COI", 10),
    ("COI", "Mismatched_with_Proxy"): ("C-COI", 10),
    ("RE", "Matched"): ("A-RE", 3),
    ("RE", "Mismatched"): ("B-RE", 3),
    ("RE", "Mismatched_with_Proxy"): ("C-RE", 5),
}
NAV_TYPES = ("COI", "RE")


@dataclass(frozen=True)
class BookingModel:
    nav_type: str
    currency_type: str
    booking_model: str
    deal_count: int
    gl_entry_count: int | None
    hedging_instrument: str | None
    accounting_method: str | None
    configured: bool  # False: the DOMAIN.md default


def booking_model(
    records: Iterable[Record], *, nav_type: str, currency_type: str
) -> BookingModel | None:
    """The configured model for (nav_type, currency_type), else the default, else None."""
    for record in records:
        if code_of(record, "nav_type") == nav_type and (
            text_of(record, "currency_type") == currency_type
        ):
            gl_entries = decimal_of(record, "gl_entry_count")
            return BookingModel(
                nav_type=nav_type,
                currency_type=currency_type,
                booking_model=text_of(record, "booking_model") or "",
                deal_count=int(amount_of(record, "deal_count")),
                gl_entry_count=int(gl_entries) if gl_entries is not None else None,
                hedging_instrument=text_of(record, "hedging_instrument"),
                accounting_method=text_of(record, "accounting_method"),
                configured=True,
            )
    default = DEFAULT_BOOKING_MODELS.get((nav_type, currency_type))
    if default is None:
        return None
    name, deals = default
    return BookingModel(nav_type, currency_type, name, deals, None, None, None, configured=False)


def booking_models(
    records: Iterable[Record], *, nav_type: str | None, currency_type: str
) -> list[BookingModel]:
    """The model for the NAV type asked, or for both NAV types when none was."""
    records = list(records)
    models = (
        booking_model(records, nav_type=nav, currency_type=currency_type)
        for nav in ((nav_type.upper(),) if nav_type else NAV_TYPES)
    )
    return [model for model in models if model is not None]

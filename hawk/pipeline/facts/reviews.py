"""Facts for reviews: threshold standing, hedge effectiveness (dollar offset), booking model."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
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

CONCENTRATION = "CONCENTRATION_LIMIT"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class HedgeBookUsd:
    """The hedged total of each currency in USD, as the one converter (rates.py) gives it;
    `missing` names the rates lacking for a currency that could not be converted, and
    `complete` says whether the book of every currency was read (then shares are known)."""

    usd: dict[str, Decimal] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    complete: bool = False

    def share_percent(self, currency: str) -> Decimal | None:
        total = sum(self.usd.values(), Decimal(0))
        if not self.complete or self.missing or currency not in self.usd or total <= 0:
            return None
        return self.usd[currency] * HUNDRED / total


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
    reason: str | None = None  # why there is no current value (the missing rate, by name)

    @property
    def headroom(self) -> Decimal | None:
        """Room left below the maximum limit (negative once it is breached)."""
        return None if self.current_value is None else self.maximum_limit - self.current_value


def threshold_statuses(
    thresholds: Iterable[Record],
    *,
    currency: str | None,
    pb_current_usd: Decimal | None = None,
    book: HedgeBookUsd | None = None,
) -> list[ThresholdStatus]:
    """Every active threshold of the currency (and the general ones with no currency).

    The PB deposit's current value is the USD of its currency's hedged total: the asked
    currency's from `pb_current_usd`, any other's from `book`; UNKNOWN, with the missing rate
    named, when it could not be converted. A concentration limit's is the currency's share of
    the hedged book in USD, known when the whole book was read and converted. DOMAIN.md
    defines no current value for the other types: NOT_COMPUTED, with that reason."""
    book = book or HedgeBookUsd()
    if currency is not None and pb_current_usd is not None:
        book = HedgeBookUsd({**book.usd, currency: pb_current_usd}, book.missing, book.complete)
    statuses = []
    for record in thresholds:
        row_currency = code_of(record, "currency_code")
        if currency and row_currency not in (None, currency):
            continue
        statuses.append(_threshold_status(record, row_currency or currency, book))
    return sorted(statuses, key=lambda status: (status.threshold_type, str(status.threshold_id)))


def _current_value(
    threshold_type: str, currency: str | None, book: HedgeBookUsd
) -> tuple[Decimal | None, str | None]:
    """(current value, why there is none)."""
    if currency is None:
        return None, "applies to each currency without a limit of its own: name a currency"
    if currency in book.missing:
        return None, f"no SPOT rate converts {currency} to USD (missing {book.missing[currency]})"
    if threshold_type == PB_DEPOSIT:
        value = book.usd.get(currency)
        return value, None if value is not None else f"the {currency} hedged total was not read"
    if threshold_type == CONCENTRATION:
        share = book.share_percent(currency)
        return share, None if share is not None else "needs the hedge book of every currency"
    return None, f"DOMAIN.md defines no current value for {threshold_type}"


def _threshold_status(record: Record, currency: str | None, book: HedgeBookUsd) -> ThresholdStatus:
    threshold_type = text_of(record, "threshold_type") or ""
    current, reason = _current_value(threshold_type, currency, book)
    if current is not None:
        status = pb_level_status(current, record)
    elif threshold_type == PB_DEPOSIT and currency in book.missing:
        status = "UNKNOWN"
    else:
        status = "NOT_COMPUTED"
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

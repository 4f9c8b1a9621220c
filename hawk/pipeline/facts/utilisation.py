"""The utilisation check of a requested amount: PB deposit, deal size limits, decision, waterfall.

DOMAIN.md, "Utilisation check": a PB deposit breach or a deal size outside the currency's limits
fails the request; otherwise capacity decides PASS, PARTIAL or FAIL (NO_CAPACITY), and only a
PASS or PARTIAL is allocated down the opening waterfall.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from hawk.pipeline.facts.capacity import CapacityRow
from hawk.pipeline.facts.rates import RateQuote, UsdConversion, usd_conversion
from hawk.pipeline.facts.records import (
    ZERO,
    Record,
    amount_of,
    code_of,
    decimal_of,
    id_order,
    text_of,
)
from hawk.pipeline.facts.waterfall import WaterfallTake, waterfall_allocate

PB_DEPOSIT = "USD_PB_DEPOSIT"
PASS, PARTIAL, FAIL = "PASS", "PARTIAL", "FAIL"


@dataclass(frozen=True)
class PbDeposit:
    status: str  # WITHIN | WARN | CRITICAL | BREACH | NOT_APPLICABLE | UNKNOWN
    current_usd: Decimal | None = None
    projected_usd: Decimal | None = None
    warning_level: Decimal | None = None
    critical_level: Decimal | None = None
    maximum_limit: Decimal | None = None
    conversion: UsdConversion | None = None

    @property
    def applicable(self) -> bool:
        return self.status != "NOT_APPLICABLE"

    @property
    def headroom_usd(self) -> Decimal | None:
        """Room left below the maximum limit after the request (negative once breached)."""
        if self.maximum_limit is None or self.projected_usd is None:
            return None
        return self.maximum_limit - self.projected_usd


def pb_threshold(thresholds: Iterable[Record], currency: str) -> Record | None:
    """The active USD_PB_DEPOSIT threshold of the currency; one with no currency (a general
    limit) applies only when the currency has none of its own."""
    matching = [
        threshold
        for threshold in thresholds
        if text_of(threshold, "threshold_type") == PB_DEPOSIT
        and code_of(threshold, "currency_code") in (None, currency)
    ]
    if not matching:
        return None
    return min(
        matching,
        key=lambda threshold: (
            code_of(threshold, "currency_code") is None,
            id_order(threshold, "threshold_id"),
        ),
    )


def pb_level_status(value_usd: Decimal, threshold: Record) -> str:
    if value_usd <= amount_of(threshold, "warning_level"):
        return "WITHIN"
    if value_usd <= amount_of(threshold, "critical_level"):
        return "WARN"
    if value_usd <= amount_of(threshold, "maximum_limit"):
        return "CRITICAL"
    return "BREACH"


def pb_deposit(
    *,
    currency: str,
    requested: Decimal,
    hedged_total: Decimal,
    thresholds: Iterable[Record],
    quotes: dict[str, RateQuote],
) -> PbDeposit:
    """`hedged_total` is the hedged amount of the currency over all entities, active or not;
    `requested` is 0 when only the current standing is wanted."""
    threshold = pb_threshold(thresholds, currency)
    if threshold is None:
        return PbDeposit("NOT_APPLICABLE")
    unknown = PbDeposit(
        "UNKNOWN",
        warning_level=amount_of(threshold, "warning_level"),
        critical_level=amount_of(threshold, "critical_level"),
        maximum_limit=amount_of(threshold, "maximum_limit"),
    )
    conversion = usd_conversion(currency, quotes)
    if conversion is None:
        return unknown
    current = conversion.to_usd(hedged_total)
    projected = current + conversion.to_usd(requested)
    return replace(
        unknown,
        status=pb_level_status(projected, threshold),
        current_usd=current,
        projected_usd=projected,
        conversion=conversion,
    )


@dataclass(frozen=True)
class UtilisationCheck:
    requested: Decimal
    decision: str  # PASS | PARTIAL | FAIL
    reasons: tuple[str, ...]
    allocations: tuple[WaterfallTake, ...]
    lot_size: Decimal
    minimum_deal_size: Decimal | None = None  # of the currency's configuration
    maximum_deal_size: Decimal | None = None

    @property
    def allocated(self) -> Decimal:
        return sum((take.amount for take in self.allocations), ZERO)

    @property
    def not_allocated(self) -> Decimal:
        return self.requested - self.allocated


def deal_size_failures(requested: Decimal, currency_config: Record) -> list[str]:
    minimum = decimal_of(currency_config, "minimum_deal_size")
    maximum = decimal_of(currency_config, "maximum_deal_size")
    failures = []
    if minimum is not None and requested < minimum:
        failures.append("MIN_DEAL_SIZE")
    if maximum is not None and requested > maximum:
        failures.append("MAX_DEAL_SIZE")
    return failures


def check_decision(
    *, requested: Decimal, total_available: Decimal, failures: Sequence[str]
) -> tuple[str, tuple[str, ...]]:
    """Hard failures first; capacity only decides a request nothing else failed."""
    if failures:
        return FAIL, tuple(failures)
    if total_available >= requested:
        return PASS, ()
    if total_available > 0:
        return PARTIAL, ()
    return FAIL, ("NO_CAPACITY",)


def utilisation_check(
    *,
    requested: Decimal,
    ordered_rows: Sequence[CapacityRow],
    currency_config: Record,
    pb: PbDeposit,
) -> UtilisationCheck:
    """`ordered_rows` are the candidate rows in opening waterfall order."""
    failures = ["PB_BREACH"] if pb.status == "BREACH" else []
    failures += deal_size_failures(requested, currency_config)
    total_available = sum((row.available for row in ordered_rows), ZERO)
    decision, reasons = check_decision(
        requested=requested, total_available=total_available, failures=failures
    )
    lot_size = decimal_of(currency_config, "lot_size")
    if lot_size is None or lot_size <= 0:
        lot_size = Decimal("1")  # the table's default; a lot of nothing would never fill
    takes = waterfall_allocate(ordered_rows, requested, lot_size) if decision != FAIL else []
    return UtilisationCheck(
        requested,
        decision,
        reasons,
        tuple(takes),
        lot_size,
        minimum_deal_size=decimal_of(currency_config, "minimum_deal_size"),
        maximum_deal_size=decimal_of(currency_config, "maximum_deal_size"),
    )

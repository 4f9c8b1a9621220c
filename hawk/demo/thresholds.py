"""Threshold configuration: the USD PB deposit limits, set from the hedge book, and the other
thresholds."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from hawk.demo.book import Book
from hawk.demo.formatting import D, Row, hawk_id, money, significant
from hawk.demo.rates import usd_per_unit
from hawk.demo.reference import SET_UP

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
            "threshold_id": hawk_id("THR", number),
            **dict(zip(columns, spec[:3], strict=True)),
            **{level: money(value) for level, value in zip(levels, spec[3:6], strict=True)},
            "unit_of_measure": spec[6],
            "active_flag": flag,
            **SET_UP,
        }
        for number, (spec, flag) in enumerate(zip(specs, active, strict=True), start=1)
    ]

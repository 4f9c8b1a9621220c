"""How the bundle carries values as the HAWK database exports them (text ids in each table's
style, amounts with 4 places, rates with 10, naive timestamps) and the Decimal arithmetic that
makes the demo's figures look real."""

import random
from datetime import date, datetime, time
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Any

D = Decimal
ZERO = D(0)
FOUR_PLACES = D("0.0001")
TEN_PLACES = D("0.0000000001")

Row = dict[str, Any]
ID_WIDTH = 5  # as hawk/models/ids.py, which this Django-free module cannot import


def hawk_id(prefix: str, number: int) -> str:
    """A row id in its table's own style: hawk_id("NAV", 1) == "NAV-00001"."""
    return f"{prefix}-{number:0{ID_WIDTH}d}"


def timestamp(moment: datetime | date, hour: int = 0) -> str:
    """A HAWK `timestamp` (without time zone) as row_to_json writes it: 2026-11-20T08:00:00.
    A date stands for `hour` o'clock that day."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(hour))
    return moment.replace(tzinfo=None).isoformat()


def created(by: str, moment: datetime | date, hour: int = 8) -> Row:
    """The audit columns of a row `by` wrote at `moment` (a date: at `hour` o'clock)."""
    return {"created_by": by, "created_date": timestamp(moment, hour)}


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

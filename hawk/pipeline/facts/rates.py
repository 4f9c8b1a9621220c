"""Conversion of an amount of one currency to another (USD or the base currency SGD) with the
latest SPOT rates, and their age: the one converter of HAWK's facts.

A pair "XY" with rate r means 1 X = r Y (USDSGD 1.35: one dollar is 1.35 SGD). A currency c
converts to a target t directly (ct), inversely (tc), or across a pivot, SGD or USD, that is
not c or t itself (c -> pivot, then pivot -> t, each leg direct or inverse). Each leg
multiplies or divides the amount itself, never by a rounded reciprocal, so exact conversions
stay exact.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from hawk.pipeline.facts.records import Record, code_of, date_of, decimal_of
from hawk.pipeline.facts.warning import FactWarning

USD = "USD"
BASE_CURRENCY = "SGD"
PIVOTS = (BASE_CURRENCY, USD)


@dataclass(frozen=True)
class RateQuote:
    pair: str
    rate: Decimal
    effective_date: datetime.date | None  # a date in the HAWK database

    def age(self, now: datetime.datetime) -> datetime.timedelta | None:
        """Time since the start (UTC) of the quote's day."""
        if self.effective_date is None:
            return None
        start = datetime.datetime.combine(self.effective_date, datetime.time.min, datetime.UTC)
        return now - start


@dataclass(frozen=True)
class ConversionLeg:
    quote: RateQuote
    divide: bool  # True when the pair is quoted the other way round (USDc for c -> USD)

    def apply(self, amount: Decimal) -> Decimal:
        return amount / self.quote.rate if self.divide else amount * self.quote.rate


@dataclass(frozen=True)
class UsdConversion:
    currency: str
    legs: tuple[ConversionLeg, ...]  # empty for the target itself
    target: str = USD

    def to_usd(self, amount: Decimal) -> Decimal:
        """The amount in the target currency (USD unless the conversion was made for another)."""
        for leg in self.legs:
            amount = leg.apply(amount)
        return amount

    convert = to_usd

    @property
    def quotes(self) -> tuple[RateQuote, ...]:
        return tuple(leg.quote for leg in self.legs)


def rate_quotes(rate_records: Iterable[Record]) -> dict[str, RateQuote]:
    """The newest usable quote per pair (the source already keeps only the newest)."""
    quotes: dict[str, RateQuote] = {}
    oldest = datetime.date.min
    for record in rate_records:
        pair, rate = code_of(record, "currency_pair"), decimal_of(record, "rate_value")
        if not pair or rate is None or rate <= 0:
            continue
        quote = RateQuote(pair, rate, date_of(record, "effective_date"))
        kept = quotes.get(pair)
        if kept is None or (kept.effective_date or oldest) < (quote.effective_date or oldest):
            quotes[pair] = quote
    return quotes


def conversion_leg(quotes: dict[str, RateQuote], source: str, target: str) -> ConversionLeg | None:
    """source -> target through the direct pair, else through the inverse pair."""
    if direct := quotes.get(source + target):
        return ConversionLeg(direct, divide=False)
    if inverse := quotes.get(target + source):
        return ConversionLeg(inverse, divide=True)
    return None


def currency_conversion(
    currency: str, target: str, quotes: dict[str, RateQuote]
) -> UsdConversion | None:
    """How to convert `currency` to `target`, or None when the rates do not allow it: direct
    or inverse first, then across SGD, then across USD."""
    currency, target = currency.upper(), target.upper()
    if currency == target:
        return UsdConversion(currency, (), target)
    if leg := conversion_leg(quotes, currency, target):
        return UsdConversion(currency, (leg,), target)
    for pivot in PIVOTS:
        if pivot in (currency, target):
            continue
        first, second = (
            conversion_leg(quotes, currency, pivot),
            conversion_leg(quotes, pivot, target),
        )
        if first and second:
            return UsdConversion(currency, (first, second), target)
    return None


def usd_conversion(currency: str, quotes: dict[str, RateQuote]) -> UsdConversion | None:
    """How to convert `currency` to USD, or None when the rates do not allow it."""
    return currency_conversion(currency, USD, quotes)


def missing_rates(currency: str, target: str) -> str:
    """The rates that would convert `currency` to `target`, in words, for a NO_RATE message."""
    currency, target = currency.upper(), target.upper()
    paths = [f"{currency}{target} or {target}{currency}"]
    paths += [
        f"{currency}{pivot}/{pivot}{currency} with {pivot}{target}/{target}{pivot}"
        for pivot in PIVOTS
        if pivot not in (currency, target)
    ]
    return "; ".join(paths)


def rate_reference_time(business_date: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """The moment a rate's age is measured at: the end of the business date (UTC), or now when
    that is still to come. Figures for a business date use the rates of that date, so a demo
    or a replayed date is not stale merely because the clock has moved on."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.UTC)
    day_after = business_date + datetime.timedelta(days=1)
    return min(now, datetime.datetime.combine(day_after, datetime.time.min, datetime.UTC))


def stale_quotes(
    conversion: UsdConversion, *, now: datetime.datetime, max_age_hours: int
) -> list[RateQuote]:
    """Quotes older than the allowed age (a quote without a date counts as stale)."""
    limit = datetime.timedelta(hours=max_age_hours)
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.UTC)
    return [quote for quote in conversion.quotes if (age := quote.age(now)) is None or age > limit]


def rate_warnings(
    currency: str,
    conversion: UsdConversion | None,
    *,
    now: datetime.datetime,
    max_age_hours: int,
) -> list[FactWarning]:
    """NO_RATE when the currency cannot be converted; RATE_STALE per old quote used."""
    if conversion is None:
        message = (
            f"No SPOT rate converts {currency} to USD: missing {missing_rates(currency, USD)}."
        )
        return [FactWarning("NO_RATE", "warning", message)]
    return [
        FactWarning(
            "RATE_STALE",
            "warning",
            f"Rate {quote.pair} is older than {max_age_hours} hours"
            + (f" (as of {quote.effective_date.isoformat()})." if quote.effective_date else "."),
        )
        for quote in stale_quotes(conversion, now=now, max_age_hours=max_age_hours)
    ]

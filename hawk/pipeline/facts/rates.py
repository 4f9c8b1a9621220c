"""Conversion of an amount of a currency to USD with the latest SPOT rates, and their age.

A pair "XY" with rate r means 1 X = r Y (USDSGD 1.35: one dollar is 1.35 SGD). A currency c
converts directly (cUSD), inversely (USDc), or across the base currency SGD (cSGD or SGDc, then
SGDUSD or USDSGD). Each leg multiplies or divides the amount itself, never by a rounded
reciprocal, so exact conversions stay exact.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from hawk.pipeline.facts.records import Record, code_of, date_of, decimal_of
from hawk.pipeline.facts.warning import FactWarning

USD = "USD"
BASE_CURRENCY = "SGD"


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
    legs: tuple[ConversionLeg, ...]  # empty for USD itself

    def to_usd(self, amount: Decimal) -> Decimal:
        for leg in self.legs:
            amount = leg.apply(amount)
        return amount

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


def usd_conversion(currency: str, quotes: dict[str, RateQuote]) -> UsdConversion | None:
    """How to convert `currency` to USD, or None when the rates do not allow it."""
    currency = currency.upper()
    if currency == USD:
        return UsdConversion(currency, ())
    if direct := conversion_leg(quotes, currency, USD):
        return UsdConversion(currency, (direct,))
    base_to_usd = conversion_leg(quotes, BASE_CURRENCY, USD)
    if base_to_usd is None:
        return None
    if currency == BASE_CURRENCY:
        return UsdConversion(currency, (base_to_usd,))
    to_base = conversion_leg(quotes, currency, BASE_CURRENCY)
    if to_base is None:
        return None
    return UsdConversion(currency, (to_base, base_to_usd))


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
        return [FactWarning("NO_RATE", "warning", f"No SPOT rate converts {currency} to USD.")]
    return [
        FactWarning(
            "RATE_STALE",
            "warning",
            f"Rate {quote.pair} is older than {max_age_hours} hours"
            + (f" (as of {quote.effective_date.isoformat()})." if quote.effective_date else "."),
        )
        for quote in stale_quotes(conversion, now=now, max_age_hours=max_age_hours)
    ]

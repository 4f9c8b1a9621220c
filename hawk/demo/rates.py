"""SPOT rates: the quotes in the bundle and the conversions the demo makes with them.

The HAWK database dates a rate (`effective_date` is a date), so a pair has at most one quote a
day; the feed's time of day is kept as the row's `created_date`.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from hawk.demo.formatting import D, Row, hawk_id, jitter, rate_text, significant, timestamp
from hawk.demo.reference import CURRENCIES

RATE_TIMES = (
    datetime(2026, 9, 30, 8, tzinfo=UTC),
    datetime(2026, 10, 30, 8, tzinfo=UTC),
    datetime(2026, 11, 19, 8, tzinfo=UTC),
    datetime(2026, 11, 20, 8, tzinfo=UTC),
)
# PHP's feed stopped on 2026-11-14: its latest rate is six days old on the business date.
STALE_RATE_TIMES = (
    datetime(2026, 9, 30, 8, tzinfo=UTC),
    datetime(2026, 10, 30, 8, tzinfo=UTC),
    datetime(2026, 11, 13, 8, tzinfo=UTC),
    datetime(2026, 11, 14, 8, tzinfo=UTC),
)
STALE_CURRENCY = "PHP"
RATE_LEVEL = (D("0.985"), D("0.992"), D("0.998"), D(1))  # older rates drift from the spot
RATE_FEED = "BLOOMBERG"


@dataclass(frozen=True)
class Quote:
    pair: str
    value: Decimal
    effective: datetime


def rate_quotes(rng: random.Random) -> list[Quote]:
    """SPOT quotes: XXXSGD for every currency, SGDIDR/SGDVND as the market quotes them, and
    USDJPY/AUDUSD as direct pairs; cross pairs agree with the SGD pairs at every time."""
    quotes: list[Quote] = []
    for spec in CURRENCIES:
        times = STALE_RATE_TIMES if spec.code == STALE_CURRENCY else RATE_TIMES
        for level, moment in zip(RATE_LEVEL, times, strict=True):
            drift = level if level == 1 else level * jitter(rng, 0.004)
            sgd = spec.sgd_rate * drift
            quotes.append(Quote(f"{spec.code}SGD", significant(sgd, 6), moment))
            if spec.inverse_quote:
                quotes.append(Quote(f"SGD{spec.code}", significant(1 / sgd, 6), moment))
    return quotes + cross_quotes(quotes)


def cross_quotes(quotes: list[Quote]) -> list[Quote]:
    by_key = {(quote.pair, quote.effective): quote.value for quote in quotes}
    crosses = []
    for moment in RATE_TIMES:
        usd, jpy, aud = (by_key[f"{code}SGD", moment] for code in ("USD", "JPY", "AUD"))
        crosses.append(Quote("USDJPY", significant(usd / jpy, 6), moment))
        crosses.append(Quote("AUDUSD", significant(aud / usd, 5), moment))
    return crosses


def latest_rates(quotes: list[Quote]) -> dict[str, Decimal]:
    latest: dict[str, Quote] = {}
    for quote in quotes:
        if quote.pair not in latest or quote.effective > latest[quote.pair].effective:
            latest[quote.pair] = quote
    return {pair: quote.value for pair, quote in latest.items()}


def usd_per_unit(code: str, rates: dict[str, Decimal]) -> Decimal:
    """DOMAIN.md conversion order: direct pair, inverse pair, then across SGD."""
    if code == "USD":
        return D(1)
    if f"{code}USD" in rates:
        return rates[f"{code}USD"]
    if f"USD{code}" in rates:
        return 1 / rates[f"USD{code}"]
    return sgd_per_unit(code, rates) / sgd_per_unit("USD", rates)


def sgd_per_unit(code: str, rates: dict[str, Decimal]) -> Decimal:
    if f"{code}SGD" in rates:
        return rates[f"{code}SGD"]
    return 1 / rates[f"SGD{code}"]


def rate_rows(quotes: list[Quote]) -> list[Row]:
    ordered = sorted(quotes, key=lambda quote: (quote.pair, quote.effective))
    return [
        {
            "rate_id": hawk_id("RATE", number),
            "currency_pair": quote.pair,
            "rate_type": "SPOT",
            "rate_value": rate_text(quote.value),
            "effective_date": quote.effective.date().isoformat(),
            "source_system": RATE_FEED,
            "created_date": timestamp(quote.effective),
        }
        for number, quote in enumerate(ordered, start=1)
    ]

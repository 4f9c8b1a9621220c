"""USD conversion: direct, inverse and across SGD, and the age of the rates used."""

import datetime
from decimal import Decimal

from hawk.pipeline.facts.rates import (
    rate_quotes,
    rate_reference_time,
    rate_warnings,
    stale_quotes,
    usd_conversion,
)
from tests.hawk.pipeline.facts.builders import NOW, rate


def to_usd(currency_code: str, amount: str, *rates: dict) -> Decimal | None:
    conversion = usd_conversion(currency_code, rate_quotes(rates))
    return None if conversion is None else conversion.to_usd(Decimal(amount))


def pairs_used(currency_code: str, *rates: dict) -> list[str]:
    conversion = usd_conversion(currency_code, rate_quotes(rates))
    assert conversion is not None
    return [quote.pair for quote in conversion.quotes]


def test_direct_pair_multiplies():
    assert to_usd("CNY", "1000000", rate("CNYUSD", "0.14")) == Decimal("140000")


def test_inverse_pair_divides_exactly():
    assert to_usd("CNY", "710", rate("USDCNY", "7.1")) == Decimal("100")


def test_cross_through_sgd_with_currency_sgd_and_usd_sgd():
    rates = (rate("CNYSGD", "0.2"), rate("USDSGD", "1.25"))

    assert to_usd("CNY", "1000000", *rates) == Decimal("160000")
    assert pairs_used("CNY", *rates) == ["CNYSGD", "USDSGD"]


def test_cross_through_sgd_with_sgd_currency_and_sgd_usd():
    rates = (rate("SGDCNY", "5"), rate("SGDUSD", "0.8"))

    assert to_usd("CNY", "1000000", *rates) == Decimal("160000")
    assert pairs_used("CNY", *rates) == ["SGDCNY", "SGDUSD"]


def test_direct_pair_is_preferred_to_the_cross():
    rates = (rate("CNYSGD", "0.2"), rate("USDSGD", "1.25"), rate("USDCNY", "8"))

    assert pairs_used("CNY", *rates) == ["USDCNY"]
    assert to_usd("CNY", "800", *rates) == Decimal("100")


def test_usd_needs_no_rate_and_sgd_uses_one_leg():
    assert to_usd("USD", "123.45") == Decimal("123.45")
    assert to_usd("SGD", "135", rate("USDSGD", "1.35")) == Decimal("100")


def test_no_usable_rate_gives_no_conversion():
    assert to_usd("CNY", "100", rate("CNYSGD", "0.2")) is None
    assert to_usd("CNY", "100", rate("HKDUSD", "0.13")) is None


def test_only_the_newest_quote_of_a_pair_is_used():
    rates = (rate("CNYUSD", "0.10", hours_old=30), rate("CNYUSD", "0.14", hours_old=2))

    assert to_usd("CNY", "100", *rates) == Decimal("14.00")


def test_quotes_older_than_the_allowed_age_are_stale():
    quotes = rate_quotes([rate("CNYSGD", "0.2", hours_old=73), rate("USDSGD", "1.25")])
    conversion = usd_conversion("CNY", quotes)
    assert conversion is not None

    stale = stale_quotes(conversion, now=NOW, max_age_hours=72)

    assert [quote.pair for quote in stale] == ["CNYSGD"]


def test_rate_warnings_say_no_rate_or_stale_rate():
    stale = usd_conversion("CNY", rate_quotes([rate("CNYUSD", "0.14", hours_old=100)]))

    assert [w.as_dict() for w in rate_warnings("CNY", None, now=NOW, max_age_hours=72)] == [
        {
            "code": "NO_RATE",
            "severity": "warning",
            "message": "No SPOT rate converts CNY to USD: missing CNYUSD or USDCNY; "
            "CNYSGD/SGDCNY with SGDUSD/USDSGD.",
        }
    ]
    assert [w.as_dict() for w in rate_warnings("CNY", stale, now=NOW, max_age_hours=72)] == [
        {
            "code": "RATE_STALE",
            "severity": "warning",
            "message": "Rate CNYUSD is older than 72 hours (as of 2026-11-16).",
        }
    ]


def test_rate_reference_time_is_the_end_of_a_past_business_date():
    later = datetime.datetime(2026, 12, 6, 21, 0, tzinfo=datetime.UTC)

    assert rate_reference_time(datetime.date(2026, 11, 20), later) == datetime.datetime(
        2026, 11, 21, tzinfo=datetime.UTC
    )


def test_rate_reference_time_is_now_while_the_business_date_lasts():
    assert rate_reference_time(datetime.date(2026, 11, 20), NOW) == NOW

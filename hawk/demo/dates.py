"""The demo's business date and its calendar: business days, tenors and maturities."""

import calendar
from datetime import date, timedelta

BUSINESS_DATE = date(2026, 11, 20)
TENOR_MONTHS = {"1M": 1, "3M": 3, "6M": 6, "9M": 9, "1Y": 12, "2Y": 24}


def business_day(day: date) -> date:
    """Following convention: a weekend date moves to Monday (no holiday calendar in the demo)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    for _ in range(count):
        day = business_day(day + timedelta(days=1))
    return day


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return business_day(date(year, month, min(day.day, last_day)))


def subtract_business_days(day: date, count: int) -> date:
    for _ in range(count):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day

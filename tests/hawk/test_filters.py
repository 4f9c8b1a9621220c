"""A plan filter evaluated in memory selects exactly the rows its ORM translation selects."""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest

from hawk.filters import FILTER_LOOKUPS, record_matches
from hawk.pipeline.extract import read_spec
from hawk.sources import LOOKUPS, source_spec
from tests.hawk.factories import BufferConfigurationFactory, CurrencyFactory

DAY = datetime.date(2026, 11, 20)
EARLIER = DAY - datetime.timedelta(days=30)
LATER = DAY + datetime.timedelta(days=30)

# Every buffer column a filter may meet: text (nullable), a date (nullable), numbers.
SPEC = dataclasses.replace(
    source_spec("buffers"),
    columns=(
        "buffer_rule_id",
        "currency_code",
        "nav_type",
        "effective_date",
        "buffer_percentage",
        "rule_priority",
    ),
    fixed_filters={},
    order_by=("buffer_rule_id",),
)

# (filter column, value) pairs for each lookup: dates as ISO text (as plans carry them),
# numbers as text and as numbers, lists holding None, empty lists, text compared in order.
CASES: dict[str, list[tuple[str, Any]]] = {
    "exact": [
        ("nav_type", "COI"),
        ("nav_type", None),
        ("currency_code", "CNY"),
        ("effective_date", DAY.isoformat()),
        ("buffer_percentage", "5"),
        ("rule_priority", 100),
    ],
    "in": [
        ("currency_code", ["CNY", "HKD"]),
        ("nav_type", ["COI", None]),
        ("effective_date", [EARLIER.isoformat(), LATER.isoformat()]),
        ("buffer_percentage", [Decimal(5), 7]),
        ("currency_code", []),
    ],
    "lt": [
        ("effective_date", DAY.isoformat()),
        ("buffer_percentage", "7"),
        ("nav_type", "RE"),
    ],
    "lte": [
        ("effective_date", DAY.isoformat()),
        ("buffer_percentage", 7),
        ("currency_code", "CNY"),
    ],
    "gte": [
        ("effective_date", DAY.isoformat()),
        ("buffer_percentage", "7.0"),
        ("rule_priority", 50),
    ],
    "range": [
        ("effective_date", [EARLIER.isoformat(), DAY.isoformat()]),
        ("buffer_percentage", ["5", "9"]),
        ("nav_type", ["COI", "RE"]),
    ],
    "isnull": [
        ("nav_type", True),
        ("effective_date", False),
        ("currency_code", True),
    ],
    "in_or_null": [
        ("currency_code", ["CNY"]),
        ("nav_type", ["RE"]),
        ("effective_date", [DAY.isoformat()]),
        ("currency_code", []),
    ],
    "lte_or_null": [
        ("effective_date", DAY.isoformat()),
        ("buffer_percentage", "5"),
        ("nav_type", "COI"),
    ],
}


@pytest.fixture
def buffers(db):
    cny, hkd = CurrencyFactory(currency_code="CNY"), CurrencyFactory(currency_code="HKD")
    rows = (
        (cny, "COI", EARLIER, "5", 100),
        (cny, "RE", DAY, "7", 50),
        (cny, None, LATER, "9", 10),
        (hkd, "COI", None, "7", 100),
        (hkd, None, DAY, "1", 200),
        (None, "RE", None, "5", 100),
        (None, None, EARLIER, "3", None),
    )
    for currency, nav_type, effective, percentage, priority in rows:
        BufferConfigurationFactory(
            currency=currency,
            nav_type=nav_type,
            effective_date=effective,
            buffer_percentage=Decimal(percentage),
            rule_priority=priority,
        )
    return read_spec(SPEC, {})


def test_every_lookup_a_plan_may_use_has_an_evaluator():
    assert set(FILTER_LOOKUPS) == set(LOOKUPS)


def test_every_lookup_is_checked_against_the_database():
    assert set(CASES) == set(LOOKUPS)


@pytest.mark.parametrize(
    ("key", "value"),
    [(f"{column}__{lookup}", value) for lookup, cases in CASES.items() for column, value in cases]
    + [("nav_type", "COI"), ("effective_date", DAY.isoformat())],
)
def test_in_memory_and_orm_select_the_same_rows(buffers, key, value):
    in_memory = [row for row in buffers if record_matches(row, {key: value})]
    assert in_memory == read_spec(SPEC, {key: value})


def test_filters_combine_as_a_conjunction(buffers):
    filters = {"currency_code__in_or_null": ["CNY"], "effective_date__lte_or_null": DAY.isoformat()}
    in_memory = [row for row in buffers if record_matches(row, filters)]
    assert in_memory == read_spec(SPEC, filters)
    assert {row["buffer_percentage"] for row in in_memory} == {Decimal(5), Decimal(7), Decimal(3)}


def test_an_unknown_lookup_is_refused():
    with pytest.raises(ValueError, match="startswith"):
        record_matches({"nav_type": "COI"}, {"nav_type__startswith": "C"})

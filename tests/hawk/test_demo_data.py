"""The committed demo bundle: what its generator writes, complete, and consistent with the
models' keys and constraints. Pure JSON checks: nothing is loaded into the database."""

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from hawk.demo import generate

BUSINESS_DATE = date(2026, 11, 20)
HEDGED = ("Approved", "Executed")


@pytest.fixture(scope="module")
def bundle() -> dict:
    return json.loads(generate.OUTPUT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables(bundle) -> dict[str, list[dict]]:
    return bundle["tables"]


def hedge_models() -> list[type[models.Model]]:
    """The hedge tables of the hawk app: its own tables (runs, business date) and the history
    tables are named hawk_*, the hedge tables keep the original HAWK names."""
    return [
        model
        for model in apps.get_app_config("hawk").get_models()
        if not model._meta.db_table.startswith("hawk_")
    ]


def model_of(table: str) -> type[models.Model]:
    return next(model for model in hedge_models() if model._meta.db_table == table)


def latest_rates(tables) -> dict[str, Decimal]:
    latest: dict[str, tuple[datetime, Decimal]] = {}
    for row in tables["currency_rates"]:
        moment = datetime.fromisoformat(row["effective_date"])
        if row["currency_pair"] not in latest or moment > latest[row["currency_pair"]][0]:
            latest[row["currency_pair"]] = (moment, Decimal(row["rate_value"]))
    return {pair: value for pair, (_, value) in latest.items()}


def usd_per_unit(code: str, rates: dict[str, Decimal]) -> Decimal:
    """DOMAIN.md: direct pair, inverse pair, or across SGD."""
    if code == "USD":
        return Decimal(1)
    if f"{code}USD" in rates:
        return rates[f"{code}USD"]
    if f"USD{code}" in rates:
        return 1 / rates[f"USD{code}"]

    def sgd(currency: str) -> Decimal:
        return rates.get(f"{currency}SGD") or 1 / rates[f"SGD{currency}"]

    return sgd(code) / sgd("USD")


def hedged_usd_by_currency(tables) -> dict[str, Decimal]:
    active = {row["entity_id"] for row in tables["entity_master"] if row["active_flag"] == "Y"}
    hedged: dict[str, Decimal] = defaultdict(Decimal)
    for row in tables["allocation_engine"]:
        if row["allocation_status"] in HEDGED and row["entity_id"] in active:
            hedged[row["currency_code"]] += Decimal(row["hedge_amount_allocation"])
    rates = latest_rates(tables)
    return {code: amount * usd_per_unit(code, rates) for code, amount in hedged.items()}


def pb_statuses(tables) -> dict[str, str]:
    hedged = hedged_usd_by_currency(tables)
    statuses = {}
    for row in tables["threshold_configuration"]:
        if row["threshold_type"] != "USD_PB_DEPOSIT" or row["active_flag"] != "Y":
            continue
        current = hedged[row["currency_code"]]
        levels = [Decimal(row[key]) for key in ("warning_level", "critical_level", "maximum_limit")]
        names = ("WITHIN", "WARN", "CRITICAL")
        statuses[row["currency_code"]] = next(
            (name for name, level in zip(names, levels, strict=True) if current <= level),
            "BREACH",
        )
    return statuses


def test_the_committed_bundle_is_what_the_generator_writes():
    assert generate.render(generate.build_bundle()) == generate.OUTPUT.read_text(encoding="utf-8")


def test_it_is_a_hawk_bundle_for_the_demo_business_date(bundle):
    assert bundle["format"] == "hawk-bundle/1"
    assert bundle["business_date"] == "2026-11-20"


def test_it_stays_commit_sized():
    assert generate.OUTPUT.stat().st_size < 2_000_000


def test_every_hedge_table_is_present_and_nothing_else(tables):
    assert set(tables) == {model._meta.db_table for model in hedge_models()}
    assert all(tables.values())


def test_it_has_11_currencies_and_44_entities(tables):
    codes = {row["currency_code"] for row in tables["currency_configuration"]}
    assert codes == {"AUD", "CNY", "HKD", "IDR", "INR", "JPY", "KRW", "PHP", "TWD", "USD", "VND"}
    entity_ids = [row["entity_id"] for row in tables["entity_master"]]
    assert entity_ids == [f"ENTITY{number:04d}" for number in range(1, 45)]
    assert sum(row["active_flag"] == "N" for row in tables["entity_master"]) == 2


def test_every_column_is_a_column_of_its_table_and_every_key_is_given(tables):
    for table, rows in tables.items():
        model = model_of(table)
        columns = {field.column for field in model._meta.concrete_fields}
        key = model._meta.pk.column
        for number, row in enumerate(rows, start=1):
            assert set(row) <= columns, (table, number, set(row) - columns)
            assert row.get(key) is not None, (table, number, key)
        assert len({row[key] for row in rows}) == len(rows), f"{table}: duplicate {key}"


def column_problem(field: models.Field, value) -> str:
    """Why a JSON value would not fit the column ("" when it fits)."""
    if value is None:
        return "" if field.null else "null"
    if field.choices and value not in {choice for choice, _ in field.flatchoices}:
        return f"bad choice {value!r}"
    if isinstance(field, models.CharField) and field.max_length and len(value) > field.max_length:
        return f"longer than {field.max_length}"
    if isinstance(field, models.DecimalField):
        number = Decimal(value).normalize()
        places = max(-number.as_tuple().exponent, 0)
        whole = max(number.adjusted() + 1, 0)
        if places > field.decimal_places or whole > field.max_digits - field.decimal_places:
            return f"does not fit Decimal({field.max_digits}, {field.decimal_places})"
    return ""


def test_every_value_fits_its_column(tables):
    for table, rows in tables.items():
        fields = {field.column: field for field in model_of(table)._meta.concrete_fields}
        for number, row in enumerate(rows, start=1):
            for column, value in row.items():
                problem = column_problem(fields[column], value)
                assert not problem, f"{table} row {number} {column}: {problem}"


def test_every_reference_points_at_a_row_of_the_bundle(tables):
    for table, rows in tables.items():
        for field in model_of(table)._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model._meta
            known = {row[target.pk.column] for row in tables[target.db_table]}
            missing = {row[field.column] for row in rows} - known - {None}
            assert not missing, f"{table}.{field.column} -> {target.db_table}: {missing}"


def unique_column_sets(model: type[models.Model]) -> list[tuple[tuple[str, ...], dict]]:
    """(columns, condition) of every unique field and constraint; conditions are plain
    equalities such as active_flag="Y"."""
    meta = model._meta
    sets = [((field.column,), {}) for field in meta.concrete_fields if field.unique]
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            columns = tuple(meta.get_field(name).column for name in constraint.fields)
            condition = dict(constraint.condition.children) if constraint.condition else {}
            sets.append((columns, condition))
    return sets


def test_unique_constraints_hold(tables):
    for table, rows in tables.items():
        for columns, condition in unique_column_sets(model_of(table)):
            scoped = [row for row in rows if all(row[k] == v for k, v in condition.items())]
            values = [tuple(row[column] for column in columns) for row in scoped]
            assert len(set(values)) == len(values), f"{table}: duplicate {columns}"


def test_check_constraints_hold(tables):
    for row in tables["threshold_configuration"]:
        warning, critical, maximum = (
            Decimal(row[key]) for key in ("warning_level", "critical_level", "maximum_limit")
        )
        assert warning <= critical <= maximum, row["threshold_id"]
    assert all(
        0 <= Decimal(row["buffer_percentage"]) <= 100 for row in tables["buffer_configuration"]
    )
    assert all(Decimal(row["rate_value"]) > 0 for row in tables["currency_rates"])
    assert all(Decimal(row["lot_size"]) > 0 for row in tables["currency_configuration"])
    amounts = [Decimal(row["hedge_amount_allocation"]) for row in tables["allocation_engine"]]
    assert min(amounts) >= 0
    for row in tables["hedging_framework"]:
        assert Decimal(row["effectiveness_lower"]) <= Decimal(row["effectiveness_upper"])


def test_no_alias_names_two_currencies(tables):
    owners: dict[str, set[str]] = defaultdict(set)
    for row in tables["currency_configuration"]:
        assert row["aliases"], row["currency_code"]
        for alias in row["aliases"]:
            owners[alias.lower()].add(row["currency_code"])
    assert "dollar" not in owners
    assert {alias: codes for alias, codes in owners.items() if len(codes) > 1} == {}


def test_at_least_one_currency_is_hedged_above_its_pb_maximum(tables):
    assert "BREACH" in pb_statuses(tables).values()


def test_pb_deposit_statuses_spread_from_within_to_breach(tables):
    statuses = pb_statuses(tables)

    assert len(statuses) >= 5
    assert set(statuses.values()) == {"WITHIN", "WARN", "CRITICAL", "BREACH"}


def test_one_position_is_dated_after_the_business_date(tables):
    later = [row for row in tables["position_nav_master"] if row["as_of_date"] > "2026-11-20"]
    assert len(later) == 1
    dates = {row["as_of_date"] for row in tables["position_nav_master"]}
    assert {"2026-09-30", "2026-10-31", "2026-11-20"} <= dates


def test_one_currency_has_only_a_stale_rate(tables):
    cutoff = datetime(2026, 11, 20, tzinfo=UTC)
    newest: dict[str, datetime] = {}
    for row in tables["currency_rates"]:
        moment = datetime.fromisoformat(row["effective_date"])
        newest[row["currency_pair"]] = max(moment, newest.get(row["currency_pair"], moment))
    stale = {pair for pair, moment in newest.items() if cutoff - moment > timedelta(hours=72)}
    assert stale == {"PHPSGD"}


def test_every_instruction_type_and_allocation_status_occurs(tables):
    instructions = tables["hedge_instructions"]
    assert {row["instruction_type"] for row in instructions} == set("IURTAQ")
    statuses = {row["allocation_status"] for row in tables["allocation_engine"]}
    assert statuses == {"Calculated", "Approved", "Executed", "Rejected", "Closed"}
    order_ids = {row["order_id"] for row in instructions}
    assert "ORD-123" in order_ids
    previous = {row["previous_order_id"] for row in instructions} - {""}
    assert previous and previous <= order_ids


def test_some_hedges_mature_within_30_days(tables):
    window = (BUSINESS_DATE.isoformat(), (BUSINESS_DATE + timedelta(days=30)).isoformat())
    maturing = [
        row
        for row in tables["allocation_engine"]
        if row["allocation_status"] in HEDGED
        and row["maturity_date"]
        and window[0] <= row["maturity_date"] <= window[1]
    ]
    assert len({row["currency_code"] for row in maturing}) >= 3


def test_deal_amounts_agree_with_their_rates(tables):
    for row in tables["deal_bookings"]:
        expected = (Decimal(row["sell_amount"]) * Decimal(row["fx_rate"])).quantize(
            Decimal("0.0001")
        )
        assert Decimal(row["buy_amount"]) == expected, row["deal_booking_id"]
    deliverable = {
        row["currency_code"]: row["is_deliverable"] for row in tables["currency_configuration"]
    }
    events = {row["event_id"]: row for row in tables["hedge_business_events"]}
    for row in tables["deal_bookings"]:
        if row["deal_type"] == "NDF":
            assert not deliverable[events[row["event_id"]]["currency_code"]]


def test_booking_models_give_each_event_its_deal_count(tables):
    counts = {row["booking_model"]: row["deal_count"] for row in tables["instruction_event_config"]}
    deals: dict[int, int] = defaultdict(int)
    for row in tables["deal_bookings"]:
        deals[row["event_id"]] += 1
    for event in tables["hedge_business_events"]:
        assert deals[event["event_id"]] == counts[event["assigned_booking_model"]]


def test_effectiveness_results_follow_the_dollar_offset_ratio(tables):
    results = set()
    for row in tables["hedge_effectiveness"]:
        item, ratio = Decimal(row["hedged_item_change"]), Decimal(row["ratio"])
        assert abs(ratio + Decimal(row["instrument_change"]) / item) < Decimal("1e-9")
        if row["result"] == "INCONCLUSIVE":
            assert abs(item) < generate.MATERIALITY_FLOOR_SGD
        else:
            assert (Decimal("0.80") <= ratio <= Decimal("1.25")) == (row["result"] == "PASS")
        results.add(row["result"])
    assert results == {"PASS", "FAIL", "INCONCLUSIVE"}

"""The committed demo bundle: what its generator writes, complete, in the HAWK database's shape
(HAWK_SCHEMA.md: text ids, column names and types) and consistent with the models' keys and
constraints. Pure JSON checks: nothing is loaded into the database."""

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from hawk.demo import generate
from hawk.models.fields import HawkIdField
from hawk.models.ids import format_id

BUSINESS_DATE = date(2026, 11, 20)
HEDGED = ("Approved", "Executed")
EFFECTIVE_RANGE = (Decimal("0.80"), Decimal("1.25"))

# The columns DOMAIN.md names for each table, under their HAWK_SCHEMA.md names: every row
# carries each of them, given unless OPTIONAL says the story leaves it empty.
KEY_COLUMNS = {
    table: columns.split()
    for table, columns in {
        "currency_configuration": "currency_code currency_name currency_type base_currency "
        "is_deliverable proxy_currency settlement_days minimum_deal_size maximum_deal_size "
        "lot_size hedge_accounting_eligible aliases active_flag",
        "entity_master": "entity_id entity_name entity_type parent_entity_id currency_code "
        "car_exemption_flag legal_entity_code country_code region active_flag",
        "hedging_framework": "framework_id entity_id currency_code framework_type hedge_ratio "
        "effectiveness_threshold_lower effectiveness_threshold_upper active_flag",
        "position_nav_master": "nav_id entity_id currency_code as_of_date nav_type position_type "
        "current_position coi_amount re_amount optimal_car_amount data_quality_status",
        "buffer_configuration": "buffer_rule_id entity_id currency_code nav_type "
        "buffer_percentage rule_priority active_flag",
        "overlay_configuration": "overlay_id entity_id currency_code nav_type overlay_amount "
        "approval_status",
        "threshold_configuration": "threshold_id threshold_type currency_code entity_type "
        "warning_level critical_level maximum_limit unit_of_measure active_flag",
        "waterfall_logic_configuration": "waterfall_id waterfall_type currency_code entity_type "
        "nav_type priority_level",
        "instruction_event_config": "config_id nav_type currency_type hedging_instrument "
        "accounting_method booking_model deal_count gl_entry_count",
        "currency_rates": "rate_id currency_pair rate_type rate_value effective_date",
        "hedge_instructions": "instruction_id msg_uid instruction_type instruction_date "
        "exposure_currency entity_id nav_type order_id previous_order_id hedge_amount_order "
        "hedge_method value_date tenor_or_maturity instruction_status check_status "
        "allocated_notional not_allocated_notional usd_pb_check_status failure_reason",
        "allocation_engine": "allocation_id request_id entity_id currency_code nav_type "
        "hedge_amount_allocation allocation_status execution_date maturity_date notes",
        "hedge_business_events": "event_id instruction_id entity_id business_event_type "
        "nav_type currency_code notional_amount trade_date value_date maturity_date "
        "event_status stage_2_status assigned_booking_model",
        "deal_bookings": "deal_booking_id event_id deal_sequence deal_type portfolio "
        "sell_currency sell_amount buy_currency buy_amount fx_rate trade_date value_date "
        "maturity_date deal_status external_reference",
        "gl_entries": "gl_entry_id event_id entry_type posting_date debit_account credit_account "
        "amount_sgd entity_id",
        "hedge_effectiveness": "effectiveness_id allocation_id entity_id currency_code nav_type "
        "measurement_date testing_method hedged_item_change instrument_change "
        "effectiveness_ratio effectiveness_status",
    }.items()
}
OPTIONAL = {
    "currency_configuration": {"proxy_currency"},
    "entity_master": {"parent_entity_id"},
    "position_nav_master": {"coi_amount", "re_amount", "optimal_car_amount"},
    "buffer_configuration": {"entity_id", "currency_code", "nav_type"},
    "threshold_configuration": {"currency_code", "entity_type"},
    "waterfall_logic_configuration": {"currency_code"},
    "hedge_instructions": {
        "entity_id",
        "nav_type",
        "previous_order_id",
        "hedge_method",
        "value_date",
        "tenor_or_maturity",
        "check_status",
        "allocated_notional",
        "not_allocated_notional",
        "usd_pb_check_status",
        "failure_reason",
    },
    "allocation_engine": {"execution_date", "maturity_date"},
    "deal_bookings": {"external_reference"},
}
# References the HAWK database keeps as plain text, not enforced (HAWK_SCHEMA.md); the demo's
# all resolve: (table, column) -> the table whose key they name.
TEXT_REFERENCES = {
    ("entity_master", "parent_entity_id"): "entity_master",
    ("hedge_instructions", "exposure_currency"): "currency_configuration",
    ("hedge_instructions", "entity_id"): "entity_master",
    ("allocation_engine", "request_id"): "hedge_instructions",
    ("hedge_effectiveness", "allocation_id"): "allocation_engine",
    ("hedge_effectiveness", "entity_id"): "entity_master",
    ("hedge_effectiveness", "currency_code"): "currency_configuration",
    ("hedge_business_events", "instruction_id"): "hedge_instructions",
    ("hedge_business_events", "entity_id"): "entity_master",
    ("hedge_business_events", "currency_code"): "currency_configuration",
    ("deal_bookings", "event_id"): "hedge_business_events",
    ("gl_entries", "event_id"): "hedge_business_events",
    ("gl_entries", "entity_id"): "entity_master",
}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")  # without zone, as HAWK's


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
    latest: dict[str, tuple[date, Decimal]] = {}
    for row in tables["currency_rates"]:
        day = date.fromisoformat(row["effective_date"])
        if row["currency_pair"] not in latest or day > latest[row["currency_pair"]][0]:
            latest[row["currency_pair"]] = (day, Decimal(row["rate_value"]))
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
    assert all(row["active_flag"] is True for row in tables["currency_configuration"])
    entity_ids = [row["entity_id"] for row in tables["entity_master"]]
    assert entity_ids == [f"ENTITY{number:04d}" for number in range(1, 45)]
    assert sum(row["active_flag"] == "N" for row in tables["entity_master"]) == 2


def test_only_proxy_currencies_name_a_proxy_and_the_others_carry_null(tables):
    for row in tables["currency_configuration"]:
        proxied = row["currency_type"] == "Mismatched_with_Proxy"
        assert row["proxy_currency"] == ("USD" if proxied else None), row["currency_code"]


def test_ids_are_in_each_table_style_and_numbered_in_row_order(tables):
    styled = set()
    for table, rows in tables.items():
        key = model_of(table)._meta.pk
        if isinstance(key, HawkIdField):
            styled.add(table)
            expected = [format_id(key.prefix, number) for number in range(1, len(rows) + 1)]
            assert [row[key.column] for row in rows] == expected, table
    assert styled == set(tables) - {"currency_configuration", "entity_master"}


def test_every_row_carries_the_columns_domain_md_names(tables):
    assert set(KEY_COLUMNS) == set(tables)
    for table, rows in tables.items():
        optional = OPTIONAL.get(table, set())
        for number, row in enumerate(rows, start=1):
            missing = [column for column in KEY_COLUMNS[table] if column not in row]
            assert not missing, f"{table} row {number}: no {missing}"
            empty = [c for c in KEY_COLUMNS[table] if row[c] is None and c not in optional]
            assert not empty, f"{table} row {number}: null {empty}"


def test_every_column_is_a_column_of_its_table_and_every_key_is_given(tables):
    for table, rows in tables.items():
        model = model_of(table)
        columns = {field.column for field in model._meta.concrete_fields}
        key = model._meta.pk.column
        for number, row in enumerate(rows, start=1):
            assert set(row) <= columns, (table, number, set(row) - columns)
            assert row.get(key) is not None, (table, number, key)
        assert len({row[key] for row in rows}) == len(rows), f"{table}: duplicate {key}"


def parses(value: Any, pattern: re.Pattern[str], parse: Callable[[str], Any]) -> bool:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        return False
    try:
        parse(value)
    except (ValueError, InvalidOperation):
        return False
    return True


NUMBER = re.compile(r"-?\d+(\.\d+)?")
# (column type, test, what the value should be), most specific type first: the JSON that
# row_to_json writes for a HAWK column, with amounts as strings.
HAWK_TYPES: tuple[tuple[type[models.Field], Callable[[Any], bool], str], ...] = (
    (models.JSONField, lambda value: True, "JSON"),
    (models.BooleanField, lambda value: isinstance(value, bool), "a JSON boolean"),
    (models.DateTimeField, lambda value: parses(value, TIMESTAMP, datetime.fromisoformat),
     "a timestamp without zone"),
    (models.DateField, lambda value: parses(value, DATE, date.fromisoformat), "a YYYY-MM-DD date"),
    (models.DecimalField, lambda value: parses(value, NUMBER, Decimal), "a number as text"),
    (models.IntegerField, lambda value: type(value) is int, "a JSON integer"),
)  # fmt: skip


def type_problem(field: models.Field, value: Any) -> str:
    """Why a JSON value is not of the column's HAWK type ("" when it is)."""
    for kind, fits, expected in HAWK_TYPES:
        if isinstance(field, kind):
            return "" if fits(value) else f"not {expected}: {value!r}"
    return "" if isinstance(value, str) else f"not text: {value!r}"


def column_problem(field: models.Field, value) -> str:
    """Why a JSON value would not fit the column ("" when it fits)."""
    if value is None:
        return "" if field.null else "null"
    if isinstance(field, models.ForeignKey):
        field = field.target_field  # a reference has its key's type
    if problem := type_problem(field, value):
        return problem
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


def test_every_text_reference_names_a_row_of_the_bundle(tables):
    for (table, column), target in TEXT_REFERENCES.items():
        field = model_of(table)._meta.get_field(column)
        assert not isinstance(field, models.ForeignKey), f"{table}.{column} is a foreign key"
        key = model_of(target)._meta.pk.column
        known = {row[key] for row in tables[target]}
        missing = {row[column] for row in tables[table]} - known - {None}
        assert not missing, f"{table}.{column} -> {target}: {missing}"


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
        lower, upper = row["effectiveness_threshold_lower"], row["effectiveness_threshold_upper"]
        assert Decimal(lower) <= Decimal(upper)


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
    newest: dict[str, date] = {}
    for row in tables["currency_rates"]:
        day = date.fromisoformat(row["effective_date"])
        newest[row["currency_pair"]] = max(day, newest.get(row["currency_pair"], day))
    stale = {pair for pair, day in newest.items() if BUSINESS_DATE - day > timedelta(days=3)}
    assert stale == {"PHPSGD"}


def test_a_pair_has_one_rate_a_day_so_the_latest_is_never_a_tie(tables):
    days = [
        (row["currency_pair"], row["rate_type"], row["effective_date"])
        for row in tables["currency_rates"]
    ]
    assert len(set(days)) == len(days)


def test_every_instruction_type_and_allocation_status_occurs(tables):
    instructions = tables["hedge_instructions"]
    assert {row["instruction_type"] for row in instructions} == set("IURTAQ")
    statuses = {row["allocation_status"] for row in tables["allocation_engine"]}
    assert statuses == {"Calculated", "Approved", "Executed", "Rejected", "Closed"}
    order_ids = {row["order_id"] for row in instructions}
    assert "ORD-123" in order_ids
    previous = {row["previous_order_id"] for row in instructions} - {None}
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
    low, high = EFFECTIVE_RANGE
    for row in tables["hedge_effectiveness"]:
        item, ratio = Decimal(row["hedged_item_change"]), Decimal(row["effectiveness_ratio"])
        assert abs(ratio + Decimal(row["instrument_change"]) / item) < Decimal("1e-9")
        assert (Decimal(row["lower_threshold"]), Decimal(row["upper_threshold"])) == (low, high)
        status = row["effectiveness_status"]
        if status == "INCONCLUSIVE":
            assert abs(item) < generate.MATERIALITY_FLOOR_SGD
        else:
            assert (low <= ratio <= high) == (status == "PASS")
        results.add(status)
    assert results == {"PASS", "FAIL", "INCONCLUSIVE"}


def test_each_effectiveness_test_is_of_its_allocations_entity_currency_and_nav_type(tables):
    allocations = {row["allocation_id"]: row for row in tables["allocation_engine"]}
    scope = ("entity_id", "currency_code", "nav_type")
    for row in tables["hedge_effectiveness"]:
        tested = allocations[row["allocation_id"]]
        assert [row[c] for c in scope] == [tested[c] for c in scope], row["effectiveness_id"]

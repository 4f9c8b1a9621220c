"""Data bundles: import_hedge_data loads all or nothing and names every error; export_hedge_data
writes what import reads, byte for byte."""

import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hawk import models
from hawk.bundles.tables import LOAD_ORDER, TABLE_NAMES
from hawk.datacache.generations import current_generations
from tests.hawk import factories

pytestmark = pytest.mark.django_db

CURRENCY_COLUMNS = (
    "currency_code, currency_name, currency_type, base_currency, is_deliverable, "
    "proxy_currency, settlement_days, min_deal_size, maximum_deal_size, lot_size, "
    "hedge_accounting_eligible, aliases, active_flag"
)


def currency_row(code: str = "USD", **changes: Any) -> dict[str, Any]:
    return {
        "currency_code": code,
        "currency_name": f"{code} name",
        "currency_type": "Matched",
    } | changes


def entity_row(entity_id: str = "ENTITY0100", currency: str = "USD", **changes: Any) -> dict:
    row = {
        "entity_id": entity_id,
        "entity_name": f"{entity_id} Ltd",
        "entity_type": "Subsidiary",
        "currency_code": currency,
    }
    return row | changes


def position_row(nav_id: int, entity: str = "ENTITY0100", **changes: Any) -> dict[str, Any]:
    row = {
        "nav_id": nav_id,
        "entity_id": entity,
        "currency_code": "USD",
        "as_of_date": "2024-06-28",
        "nav_type": "COI",
        "current_position": "1500000",
    }
    return row | changes


def write_bundle(tmp_path: Path, tables: dict[str, list], **header: Any) -> Path:
    path = tmp_path / "bundle.json"
    document = {"format": "hawk-bundle/1", **header, "tables": tables}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_bundle(path: Path, *options: str) -> str:
    stdout = StringIO()
    call_command("import_hedge_data", str(path), *options, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def export_bundle(path: Path) -> None:
    call_command("export_hedge_data", str(path), stdout=StringIO())


def stored_rows() -> dict[str, list[tuple]]:
    """Every HAWK row and the business date, to prove a rejected bundle changed nothing."""
    rows = {
        model._meta.db_table: list(model.objects.order_by("pk").values_list())
        for model in LOAD_ORDER
    }
    rows["hawk_business_date"] = list(models.BusinessDate.objects.values_list("business_date"))
    return rows


def assert_rejected(path: Path, expected: list[str], *options: str) -> None:
    """The command fails, prints exactly these errors to stderr, and writes nothing."""
    before = stored_rows()
    stderr = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_hedge_data", str(path), *options, stdout=StringIO(), stderr=stderr)
    assert stderr.getvalue() == "".join(f"{line}\n" for line in expected)
    assert str(raised.value) == f"{len(expected)} error(s) in the bundle; nothing was written"
    assert stored_rows() == before


@pytest.fixture
def stored_usd_entity() -> models.Entity:
    """Rows already in the database that a rejected bundle must leave alone."""
    usd = factories.CurrencyFactory(currency_code="USD")
    return factories.EntityFactory(entity_id="ENTITY0100", currency=usd)


def make_one_of_everything() -> None:
    """A row in every HAWK table, with nulls, aliases, a parent entity and a business date."""
    usd = factories.CurrencyFactory(currency_code="USD", aliases=["dollar", "greenback"])
    cny = factories.CurrencyFactory(
        currency_code="CNY", currency_type="Mismatched", is_deliverable=False, aliases=["元"]
    )
    parent = factories.EntityFactory(entity_id="ENTITY0001", currency=usd, entity_type="TMU")
    child = factories.EntityFactory(entity_id="ENTITY0002", currency=cny, parent_entity=parent)
    factories.HedgingFrameworkFactory(entity=child)
    factories.BufferConfigurationFactory(currency=cny, buffer_percentage=Decimal("2.5"))
    factories.OverlayConfigurationFactory(entity=child)
    factories.ThresholdConfigurationFactory(currency=usd)
    factories.WaterfallLogicConfigurationFactory()
    factories.InstructionEventConfigFactory()
    factories.CurrencyRateFactory()
    factories.PositionNavFactory(entity=child, current_position=Decimal("1234567.8901"))
    instruction = factories.HedgeInstructionFactory(exposure_currency=cny, entity=child)
    allocation = factories.AllocationFactory(request=instruction, entity=child, notes="first")
    factories.HedgeEffectivenessFactory(allocation=allocation, ratio=None)
    event = factories.HedgeBusinessEventFactory(instruction=instruction)
    factories.DealBookingFactory(event=event)
    factories.GlEntryFactory(event=event)
    models.BusinessDate.set(datetime.date(2024, 6, 28))


def empty_every_table(tmp_path: Path) -> None:
    tmp_path.mkdir()
    empty = write_bundle(tmp_path, {name: [] for name in TABLE_NAMES})
    import_bundle(empty, "--replace")
    assert all(rows == [] for name, rows in stored_rows().items() if name in TABLE_NAMES)


def test_a_json_export_loads_into_an_empty_database_and_exports_the_same_bytes(tmp_path):
    make_one_of_everything()
    export_bundle(tmp_path / "first.json")
    empty_every_table(tmp_path / "empty")
    import_bundle(tmp_path / "first.json", "--replace")
    export_bundle(tmp_path / "second.json")
    first = (tmp_path / "first.json").read_bytes()
    assert first == (tmp_path / "second.json").read_bytes()
    assert all(count > 0 for count in map(len, json.loads(first)["tables"].values()))


def test_a_csv_export_loads_into_an_empty_database_and_exports_the_same_bytes(tmp_path):
    make_one_of_everything()
    export_bundle(tmp_path / "first")
    empty_every_table(tmp_path / "empty")
    import_bundle(tmp_path / "first", "--replace")
    export_bundle(tmp_path / "second")
    names = sorted(path.name for path in (tmp_path / "first").iterdir())
    assert names == sorted([f"{name}.csv" for name in TABLE_NAMES] + ["manifest.json"])
    for name in names:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def test_the_json_export_writes_amounts_with_their_places_and_times_in_utc(tmp_path):
    make_one_of_everything()
    export_bundle(tmp_path / "bundle.json")
    document = json.loads((tmp_path / "bundle.json").read_text(encoding="utf-8"))
    assert document["format"] == "hawk-bundle/1"
    assert document["business_date"] == "2024-06-28"
    assert list(document["tables"]) == list(TABLE_NAMES)
    position = document["tables"]["position_nav_master"][0]
    assert position["current_position"] == "1234567.8901"
    assert position["coi_amount"] is None
    assert document["tables"]["currency_rates"][0]["effective_date"] == "2024-06-28T08:00:00+00:00"
    assert document["tables"]["currency_configuration"][0]["aliases"] == ["元"]


def test_it_upserts_by_primary_key_changing_a_row_and_keeping_the_others(tmp_path):
    factories.CurrencyFactory(currency_code="USD", currency_name="Old name")
    factories.CurrencyFactory(currency_code="SGD", currency_name="Singapore dollar")
    path = write_bundle(tmp_path, {"currency_configuration": [currency_row("USD")]})
    output = import_bundle(path)
    assert output == "currency_configuration: 1 rows\n"
    names = dict(models.Currency.objects.values_list("currency_code", "currency_name"))
    assert names == {"USD": "USD name", "SGD": "Singapore dollar"}


def test_replace_empties_the_bundles_tables_first_and_leaves_the_others(tmp_path):
    factories.CurrencyFactory(currency_code="SGD")
    factories.CurrencyRateFactory()
    path = write_bundle(tmp_path, {"currency_configuration": [currency_row("USD")]})
    import_bundle(path, "--replace")
    assert list(models.Currency.objects.values_list("currency_code", flat=True)) == ["USD"]
    assert models.CurrencyRate.objects.count() == 1


def test_replace_refuses_to_orphan_rows_of_a_table_outside_the_bundle(tmp_path):
    sgd = factories.CurrencyFactory(currency_code="SGD")
    factories.EntityFactory(currency=sgd)
    path = write_bundle(tmp_path, {"currency_configuration": [currency_row("USD")]})
    expected = (
        "currency_configuration: --replace would delete rows still referenced by "
        "entity_master.currency_code ('SGD'); add that table to the bundle or load without "
        "--replace"
    )
    assert_rejected(path, [expected], "--replace")


def test_it_rejects_a_bundle_with_an_unknown_table(tmp_path, stored_usd_entity):
    path = write_bundle(
        tmp_path, {"currency_configuration": [currency_row("EUR")], "positions": [{}]}
    )
    assert_rejected(path, [f"positions: unknown table (known: {', '.join(TABLE_NAMES)})"])


def test_it_rejects_a_bundle_with_an_unknown_column(tmp_path, stored_usd_entity):
    rows = [currency_row("EUR"), currency_row("JPY", currency_colour="red")]
    path = write_bundle(tmp_path, {"currency_configuration": rows})
    expected = (
        "currency_configuration row 2 column currency_colour: "
        f"unknown column (known: {CURRENCY_COLUMNS})"
    )
    assert_rejected(path, [expected])


def test_it_rejects_a_row_missing_a_required_column(tmp_path, stored_usd_entity):
    row = entity_row("ENTITY0200")
    del row["entity_name"]
    path = write_bundle(tmp_path, {"entity_master": [entity_row("ENTITY0201"), row]})
    assert_rejected(path, ["entity_master row 2 column entity_name: missing required column"])


def test_it_rejects_a_bad_number(tmp_path, stored_usd_entity):
    path = write_bundle(
        tmp_path, {"position_nav_master": [position_row(1, current_position="1,500,000")]}
    )
    expected = "position_nav_master row 1 column current_position: not a number: '1,500,000'"
    assert_rejected(path, [expected])


def test_it_rejects_a_bad_date(tmp_path, stored_usd_entity):
    path = write_bundle(
        tmp_path, {"position_nav_master": [position_row(1, as_of_date="28/06/2024")]}
    )
    expected = "position_nav_master row 1 column as_of_date: not a date (YYYY-MM-DD): '28/06/2024'"
    assert_rejected(path, [expected])


def test_it_rejects_a_bad_choice_and_lists_the_allowed_ones(tmp_path, stored_usd_entity):
    path = write_bundle(tmp_path, {"position_nav_master": [position_row(1, nav_type="NAV")]})
    expected = "position_nav_master row 1 column nav_type: bad choice 'NAV' (allowed: COI, RE)"
    assert_rejected(path, [expected])


def test_it_rejects_a_bundle_with_an_unknown_reference(tmp_path, stored_usd_entity):
    path = write_bundle(tmp_path, {"entity_master": [entity_row("ENTITY0200", currency="EUR")]})
    expected = (
        "entity_master row 1 column currency_code: unknown reference 'EUR' "
        "(no such currency_configuration.currency_code)"
    )
    assert_rejected(path, [expected])


def test_with_replace_only_the_bundles_rows_can_be_referenced(tmp_path):
    factories.CurrencyFactory(currency_code="SGD")
    tables = {
        "currency_configuration": [currency_row("USD")],
        "entity_master": [entity_row("ENTITY0200", currency="SGD")],
    }
    path = write_bundle(tmp_path, tables)
    expected = (
        "entity_master row 1 column currency_code: unknown reference 'SGD' "
        "(no such currency_configuration.currency_code)"
    )
    assert_rejected(path, [expected], "--replace")
    import_bundle(path)  # without --replace the stored SGD still counts
    assert models.Entity.objects.get(entity_id="ENTITY0200").currency_id == "SGD"


def test_it_rejects_a_duplicate_primary_key(tmp_path, stored_usd_entity):
    rows = [currency_row("EUR"), currency_row("JPY"), currency_row("EUR")]
    path = write_bundle(tmp_path, {"currency_configuration": rows})
    expected = (
        "currency_configuration row 3 column currency_code: "
        "duplicate primary key 'EUR' (first in row 1)"
    )
    assert_rejected(path, [expected])


def test_it_rejects_a_value_too_long(tmp_path, stored_usd_entity):
    path = write_bundle(tmp_path, {"currency_configuration": [currency_row("EURO")]})
    expected = (
        "currency_configuration row 1 column currency_code: "
        "value too long (4 characters, at most 3)"
    )
    assert_rejected(path, [expected])


def test_it_rejects_a_row_breaking_a_check_constraint(tmp_path, stored_usd_entity):
    path = write_bundle(tmp_path, {"currency_configuration": [currency_row("EUR", lot_size=0)]})
    expected = (
        "currency_configuration row 1 column lot_size: "
        "breaks the rule currency_lot_size_positive (lot_size=0)"
    )
    assert_rejected(path, [expected])


def test_it_rejects_a_duplicate_of_a_stored_unique_value(tmp_path):
    stored = factories.HedgeInstructionFactory(msg_uid="MSG-A")
    row = {
        "msg_uid": "MSG-A",
        "instruction_type": "I",
        "instruction_date": "2024-06-28",
        "exposure_currency": stored.exposure_currency_id,
        "order_id": "ORD-2",
        "hedge_amount_order": 100,
    }
    path = write_bundle(tmp_path, {"hedge_instructions": [row]})
    expected = (
        "hedge_instructions row 1 column msg_uid: "
        f"duplicate msg_uid MSG-A: same as the stored row {stored.pk} (msg_uid)"
    )
    assert_rejected(path, [expected])


def test_it_reports_every_bad_row_at_once(tmp_path, stored_usd_entity):
    rows = [
        position_row(1, current_position="lots"),
        position_row(2, as_of_date="2024-13-01"),
        position_row(3, entity="ENTITY0999"),
        position_row(4, as_of_date="2024-06-27"),
        position_row(5, as_of_date="2024-06-26", coi_amount="1.23456"),
    ]
    path = write_bundle(tmp_path, {"position_nav_master": rows})
    assert_rejected(
        path,
        [
            "position_nav_master row 1 column current_position: not a number: 'lots'",
            "position_nav_master row 2 column as_of_date: not a date (YYYY-MM-DD): '2024-13-01'",
            "position_nav_master row 3 column entity_id: unknown reference 'ENTITY0999' "
            "(no such entity_master.entity_id)",
            "position_nav_master row 5 column coi_amount: too many decimal places in 1.23456 "
            "(at most 4)",
        ],
    )


def test_rows_may_reference_rows_of_the_same_bundle_in_any_order(tmp_path):
    tables = {
        "currency_configuration": [currency_row("USD")],
        "entity_master": [
            entity_row("ENTITY0002", parent_entity_id="ENTITY0001"),
            entity_row("ENTITY0001"),
        ],
        "position_nav_master": [position_row(7, entity="ENTITY0002", current_position=1500000.25)],
    }
    output = import_bundle(write_bundle(tmp_path, tables))
    assert (
        output
        == "currency_configuration: 1 rows\nentity_master: 2 rows\nposition_nav_master: 1 rows\n"
    )
    assert models.Entity.objects.get(entity_id="ENTITY0002").parent_entity_id == "ENTITY0001"
    assert models.PositionNav.objects.get(nav_id=7).current_position == Decimal("1500000.25")


def test_it_stores_the_business_date(tmp_path):
    path = write_bundle(
        tmp_path, {"currency_configuration": [currency_row()]}, business_date="2024-06-28"
    )
    output = import_bundle(path)
    assert output.endswith("business date: 2024-06-28\n")
    assert models.BusinessDate.current() == datetime.date(2024, 6, 28)


def test_it_loads_a_csv_folder_with_empty_cells_meaning_null_blank_or_default(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "manifest.json").write_text(
        '{"format": "hawk-bundle/1", "business_date": "2024-07-01"}'
    )
    (folder / "currency_configuration.csv").write_text(
        "currency_code,currency_name,currency_type,is_deliverable,lot_size,proxy_currency,aliases\n"
        'CNY,Chinese yuan,Mismatched,N,,,"[""yuan"", ""RMB""]"\n'
    )
    (folder / "entity_master.csv").write_text(
        "entity_id,entity_name,entity_type,parent_entity_id,currency_code\n"
        "ENTITY0001,Beijing branch,Branch,,CNY\n"
    )
    assert import_bundle(folder) == (
        "currency_configuration: 1 rows\nentity_master: 1 rows\nbusiness date: 2024-07-01\n"
    )
    cny = models.Currency.objects.get()
    assert (cny.is_deliverable, cny.lot_size, cny.proxy_currency) == (False, Decimal(1), "")
    assert cny.aliases == ["yuan", "RMB"]
    assert models.Entity.objects.get().parent_entity_id is None


def test_csv_errors_count_data_rows_and_name_a_header_without_a_required_column(tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "currency_configuration.csv").write_text(
        "currency_code,currency_type\nUSD,Matched\nEUR,Euro-ish\n"
    )
    assert_rejected(
        folder,
        [
            "currency_configuration column currency_name: missing required column",
            "currency_configuration row 2 column currency_type: bad choice 'Euro-ish' "
            "(allowed: Matched, Mismatched, Mismatched_with_Proxy)",
        ],
    )


def test_loaded_keys_do_not_collide_with_later_inserts(tmp_path, stored_usd_entity):
    row = {
        "allocation_id": 500,
        "entity_id": "ENTITY0100",
        "currency_code": "USD",
        "nav_type": "COI",
        "hedge_amount_allocation": "250000.00",
    }
    import_bundle(write_bundle(tmp_path, {"allocation_engine": [row]}))
    later = factories.AllocationFactory(entity=stored_usd_entity)
    assert later.pk > 500


def test_it_bumps_the_cache_generation_of_the_tables_it_writes(
    tmp_path, django_capture_on_commit_callbacks
):
    tables = ["currency_configuration", "entity_master", "position_nav_master"]
    before = current_generations(tables)
    bundle = {"currency_configuration": [currency_row()], "entity_master": [entity_row()]}
    with django_capture_on_commit_callbacks(execute=True):
        import_bundle(write_bundle(tmp_path, bundle))
    after = current_generations(tables)
    assert after["currency_configuration"] != before["currency_configuration"]
    assert after["entity_master"] != before["entity_master"]
    assert after["position_nav_master"] == before["position_nav_master"]


def test_a_row_with_an_empty_automatic_key_is_inserted_with_a_new_key(tmp_path, stored_usd_entity):
    row = {
        "allocation_id": None,
        "entity_id": "ENTITY0100",
        "currency_code": "USD",
        "nav_type": "RE",
        "hedge_amount_allocation": 1000,
    }
    import_bundle(write_bundle(tmp_path, {"allocation_engine": [row, row]}))
    assert models.Allocation.objects.filter(nav_type="RE").count() == 2


def test_a_database_rejection_names_the_table_and_writes_nothing(tmp_path):
    """Swapping two unique values row by row is valid in the end but not on the way there."""
    first = factories.HedgeInstructionFactory(msg_uid="MSG-A")
    second = factories.HedgeInstructionFactory(msg_uid="MSG-B")
    export_bundle(tmp_path / "stored.json")
    document = json.loads((tmp_path / "stored.json").read_text(encoding="utf-8"))
    rows = {row["instruction_id"]: row for row in document["tables"]["hedge_instructions"]}
    rows[first.pk]["msg_uid"], rows[second.pk]["msg_uid"] = "MSG-B", "MSG-A"
    path = write_bundle(tmp_path, {"hedge_instructions": list(rows.values())})
    before = stored_rows()
    stderr = StringIO()
    with pytest.raises(CommandError, match=r"^1 error\(s\) in the bundle; nothing was written$"):
        call_command("import_hedge_data", str(path), stdout=StringIO(), stderr=stderr)
    assert stderr.getvalue().startswith("hedge_instructions: rejected by the database: ")
    assert stderr.getvalue().count("\n") == 1
    assert stored_rows() == before

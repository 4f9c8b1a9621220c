"""Data bundles: import_hedge_data loads what the HAWK database exports (row_to_json JSON, COPY
CSV), all or nothing, naming every error and warning about unknown values; export_hedge_data
writes the same shapes back, byte for byte."""

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
from hawk.bundles.tables import LOAD_ORDER, TABLE_NAMES, columns_of
from hawk.datacache.generations import current_generations
from tests.hawk import factories

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


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


def position_row(nav_id: str | None, entity: str = "ENTITY0100", **changes: Any) -> dict:
    row = {
        "nav_id": nav_id,
        "entity_id": entity,
        "currency_code": "USD",
        "as_of_date": "2024-06-28",
        "nav_type": "COI",
        "current_position": "1500000",
    }
    return row | changes


def allocation_row(allocation_id: str | None, **changes: Any) -> dict[str, Any]:
    row = {
        "allocation_id": allocation_id,
        "entity_id": "ENTITY0100",
        "currency_code": "USD",
        "nav_type": "COI",
        "hedge_amount_allocation": "250000.00",
    }
    return row | changes


def instruction_row(instruction_id: str, **changes: Any) -> dict[str, Any]:
    row = {
        "instruction_id": instruction_id,
        "msg_uid": f"MSG-{instruction_id}",
        "instruction_type": "U",
        "instruction_date": "2024-06-28",
        "exposure_currency": "USD",
        "order_id": f"ORD-{instruction_id}",
        "hedge_amount_order": 100,
    }
    return row | changes


def write_bundle(tmp_path: Path, tables: dict[str, list], **header: Any) -> Path:
    path = tmp_path / "bundle.json"
    document = {"format": "hawk-bundle/1", **header, "tables": tables}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def write_csv_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """A folder as `\\copy <table> to '<table>.csv' csv header` leaves it: no manifest."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    for table, text in files.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


def import_bundle(path: Path, *options: str) -> str:
    stdout = StringIO()
    call_command("import_hedge_data", str(path), *options, stdout=stdout, stderr=StringIO())
    return stdout.getvalue()


def import_with_warnings(path: Path) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_hedge_data", str(path), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


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
    """A row in every HAWK table with every kind of HAWK value: NULL and an empty string,
    bools and Y/N flags, times, timestamps with fractions, jsonb, a daterange, text that needs
    CSV quoting, an unknown status, references that match nothing, and a business date."""
    usd = factories.CurrencyFactory(
        currency_code="USD",
        aliases=["dollar", "greenback"],
        market_hours_start=datetime.time(9, 0),
        cut_off_time=datetime.time(16, 30, 15, 500000),
        created_date=datetime.datetime(2024, 6, 28, 8, 0, 0, 123400, tzinfo=UTC),
    )
    cny = factories.CurrencyFactory(
        currency_code="CNY", currency_type="Mismatched", is_deliverable=False, aliases=["元"]
    )
    factories.EntityFactory(entity_id="ENTITY0001", currency=usd, entity_type="TMU")
    child = factories.EntityFactory(
        entity_id="ENTITY0002",
        currency=cny,
        parent_entity_id="ENTITY0001",
        active_flag="N",
        murex_comment="",
        comments='He said "no", then\nyes',
    )
    factories.HedgingFrameworkFactory(entity=child, period="[2024-01-01,2025-01-01)")
    factories.BufferConfigurationFactory(currency=cny, buffer_percentage=Decimal("2.5"))
    factories.OverlayConfigurationFactory(entity=child)
    factories.ThresholdConfigurationFactory(currency=usd)
    factories.WaterfallLogicConfigurationFactory()
    factories.InstructionEventConfigFactory(portfolio_routing={"book": "MX-1", "legs": [1, 2]})
    factories.CurrencyRateFactory()
    factories.PositionNavFactory(entity=child, current_position=Decimal("1234567.8901"))
    instruction = factories.HedgeInstructionFactory(
        exposure_currency="CNY", entity_id=child.pk, instruction_status="Booked"
    )
    allocation = factories.AllocationFactory(request_id=instruction.pk, entity=child, notes="1")
    factories.AllocationFactory(request_id="INS-99999", entity=child)
    factories.HedgeEffectivenessFactory(allocation=allocation, effectiveness_ratio=None)
    event = factories.HedgeBusinessEventFactory(instruction=instruction)
    factories.DealBookingFactory(event=event, position_tracking=True, ndf_structure={"fix": "T-2"})
    factories.GlEntryFactory(event=event, reversal_flag=False)
    models.BusinessDate.set(datetime.date(2024, 6, 28))


def empty_every_table(tmp_path: Path) -> None:
    tmp_path.mkdir()
    empty = write_bundle(tmp_path, {name: [] for name in TABLE_NAMES})
    import_bundle(empty, "--replace")
    assert all(rows == [] for name, rows in stored_rows().items() if name in TABLE_NAMES)


# --- export, import, export ------------------------------------------------------------------


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


def test_the_json_export_writes_values_as_row_to_json_does(tmp_path):
    make_one_of_everything()
    export_bundle(tmp_path / "bundle.json")
    document = json.loads((tmp_path / "bundle.json").read_text(encoding="utf-8"))
    assert document["format"] == "hawk-bundle/1"
    assert document["business_date"] == "2024-06-28"
    assert list(document["tables"]) == list(TABLE_NAMES)
    tables = document["tables"]
    cny, usd = tables["currency_configuration"]
    assert (cny["is_deliverable"], cny["proxy_currency"], cny["aliases"]) == (False, None, ["元"])
    assert usd["created_date"] == "2024-06-28T08:00:00.1234"
    assert (usd["market_hours_start"], usd["cut_off_time"]) == ("09:00:00", "16:30:15.5")
    child = tables["entity_master"][1]
    assert (child["active_flag"], child["murex_comment"], child["murex_issuer"]) == ("N", "", None)
    assert tables["hedging_framework"][0]["period"] == "[2024-01-01,2025-01-01)"
    assert tables["position_nav_master"][0]["current_position"] == "1234567.8901"
    assert tables["position_nav_master"][0]["coi_amount"] is None
    assert tables["currency_rates"][0]["effective_date"] == "2024-06-28"
    assert tables["deal_bookings"][0]["ndf_structure"] == {"fix": "T-2"}
    assert tables["deal_bookings"][0]["position_tracking"] is True


def test_the_csv_export_writes_values_as_copy_csv_does(tmp_path):
    make_one_of_everything()
    export_bundle(tmp_path / "bundle")
    folder = tmp_path / "bundle"
    currencies = (folder / "currency_configuration.csv").read_text(encoding="utf-8")
    header, cny, usd = currencies.splitlines()
    assert header == ",".join(columns_of(models.Currency))
    assert cny.startswith("CNY,Currency CNY,Mismatched,SGD,f,,2,,t,")
    assert ",09:00:00,,16:30:15.5,t," in usd
    assert ",2024-06-28 08:00:00.1234," in usd
    assert usd.endswith(',1.0000,"[""dollar"", ""greenback""]"')
    entities = (folder / "entity_master.csv").read_text(encoding="utf-8")
    # NULL is an empty field, an empty string a quoted one; quotes double, lines stay inside.
    assert entities.endswith(',,"","He said ""no"", then\nyes"\n')
    deals = (folder / "deal_bookings.csv").read_text(encoding="utf-8")
    assert ',"{""fix"": ""T-2""}",' in deals


# --- upsert and replace ----------------------------------------------------------------------


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


# --- what is refused -------------------------------------------------------------------------


def test_it_rejects_a_bundle_with_an_unknown_table(tmp_path, stored_usd_entity):
    path = write_bundle(
        tmp_path, {"currency_configuration": [currency_row("EUR")], "positions": [{}]}
    )
    assert_rejected(path, [f"positions: unknown table (known: {', '.join(TABLE_NAMES)})"])


def test_it_rejects_a_bundle_with_an_unknown_column(tmp_path, stored_usd_entity):
    rows = [currency_row("EUR"), currency_row("JPY", currency_colour="red")]
    path = write_bundle(tmp_path, {"currency_configuration": rows})
    known = ", ".join(columns_of(models.Currency))
    expected = (
        f"currency_configuration row 2 column currency_colour: unknown column (known: {known})"
    )
    assert_rejected(path, [expected])


def test_it_rejects_a_row_missing_a_required_column(tmp_path, stored_usd_entity):
    row = entity_row("ENTITY0200")
    del row["entity_name"]
    path = write_bundle(tmp_path, {"entity_master": [entity_row("ENTITY0201"), row]})
    assert_rejected(path, ["entity_master row 2 column entity_name: missing required column"])


def test_it_rejects_a_bad_number(tmp_path, stored_usd_entity):
    row = position_row("NAV-00001", current_position="1,500,000")
    path = write_bundle(tmp_path, {"position_nav_master": [row]})
    expected = "position_nav_master row 1 column current_position: not a number: '1,500,000'"
    assert_rejected(path, [expected])


def test_it_rejects_a_bad_date(tmp_path, stored_usd_entity):
    row = position_row("NAV-00001", as_of_date="28/06/2024")
    path = write_bundle(tmp_path, {"position_nav_master": [row]})
    expected = "position_nav_master row 1 column as_of_date: not a date (YYYY-MM-DD): '28/06/2024'"
    assert_rejected(path, [expected])


def test_it_rejects_a_bad_time_json_text_or_date_range(tmp_path, stored_usd_entity):
    folder = write_csv_folder(
        tmp_path,
        {
            "currency_configuration": "currency_code,currency_name,cut_off_time\nEUR,Euro,4pm\n",
            "instruction_event_config": "config_id,nav_type,currency_type,booking_model,"
            "portfolio_routing\nCFG-00001,COI,Matched,A-COI,{book: 1}\n",
            "hedging_framework": "framework_id,entity_id,currency_code,period\n"
            'FW-00001,ENTITY0100,USD,"[2027-01-01,2026-01-01)"\n',
        },
    )
    assert_rejected(
        folder,
        [
            "currency_configuration row 1 column cut_off_time: not a time (HH:MM:SS): '4pm'",
            "hedging_framework row 1 column period: "
            "not a date range (like [2026-01-01,2027-01-01)): '[2027-01-01,2026-01-01)'",
            "instruction_event_config row 1 column portfolio_routing: not JSON: '{book: 1}'",
        ],
    )


def test_a_position_of_an_unknown_entity_is_refused(tmp_path, stored_usd_entity):
    path = write_bundle(tmp_path, {"position_nav_master": [position_row(None, "ENTITY0999")]})
    expected = (
        "position_nav_master row 1 column entity_id: unknown reference 'ENTITY0999' "
        "(no such entity_master.entity_id)"
    )
    assert_rejected(path, [expected])


def test_an_entity_in_an_unknown_currency_is_refused(tmp_path, stored_usd_entity):
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


def test_it_rejects_a_duplicate_text_id(tmp_path, stored_usd_entity):
    rows = [allocation_row("ALLOC-00001"), allocation_row(None), allocation_row("ALLOC-00001")]
    path = write_bundle(tmp_path, {"allocation_engine": rows})
    expected = (
        "allocation_engine row 3 column allocation_id: "
        "duplicate primary key 'ALLOC-00001' (first in row 1)"
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
    row = instruction_row("INS-00900", msg_uid="MSG-A", exposure_currency=stored.exposure_currency)
    path = write_bundle(tmp_path, {"hedge_instructions": [row]})
    expected = (
        "hedge_instructions row 1 column msg_uid: "
        f"duplicate msg_uid MSG-A: same as the stored row {stored.pk!r} (msg_uid)"
    )
    assert_rejected(path, [expected])


def test_it_reports_every_bad_row_at_once(tmp_path, stored_usd_entity):
    rows = [
        position_row("NAV-00001", current_position="lots"),
        position_row("NAV-00002", as_of_date="2024-13-01"),
        position_row("NAV-00003", entity="ENTITY0999"),
        position_row("NAV-00004", as_of_date="2024-06-27"),
        position_row("NAV-00005", as_of_date="2024-06-26", coi_amount="1.23456"),
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


# --- what is kept as it is -------------------------------------------------------------------


def test_an_unknown_status_or_type_is_kept_and_reported_as_a_warning(tmp_path):
    tables = {
        "currency_configuration": [currency_row("USD", currency_type="Pegged")],
        "hedge_instructions": [instruction_row("INS-00001", instruction_status="Booked")],
    }
    stdout, stderr = import_with_warnings(write_bundle(tmp_path, tables))
    assert stderr == (
        "warning: currency_configuration row 1 column currency_type: unknown value 'Pegged' "
        "kept (known: Matched, Mismatched, Mismatched_with_Proxy)\n"
        "warning: hedge_instructions row 1 column instruction_status: unknown value 'Booked' "
        "kept (known: Approved, Cancelled, Executed, Received, Rejected, Validated)\n"
    )
    assert stdout.endswith("2 warning(s); those rows were loaded as they are\n")
    assert models.Currency.objects.get().currency_type == "Pegged"
    assert models.HedgeInstruction.objects.get().instruction_status == "Booked"


def test_references_the_hawk_database_does_not_enforce_are_kept_as_text(
    tmp_path, stored_usd_entity
):
    tables = {
        "currency_configuration": [currency_row("CNY", proxy_currency="CNH")],
        "entity_master": [entity_row("ENTITY0200", parent_entity_id="ENTITY9999")],
        "hedge_instructions": [instruction_row("INS-00001", previous_order_id="ORD-GONE")],
        "allocation_engine": [allocation_row("ALLOC-00001", request_id="INS-99999")],
    }
    import_bundle(write_bundle(tmp_path, tables))
    assert models.Currency.objects.get(pk="CNY").proxy_currency == "CNH"
    assert models.Entity.objects.get(pk="ENTITY0200").parent_entity_id == "ENTITY9999"
    assert models.HedgeInstruction.objects.get().previous_order_id == "ORD-GONE"
    assert models.Allocation.objects.get().request_id == "INS-99999"


FLAG_FORMS = [
    (True, "Y"),
    (False, "N"),
    ("true", "Y"),
    ("FALSE", "N"),
    ("t", "Y"),
    ("f", "N"),
    ("Y", "Y"),
    ("N", "N"),
    ("y", "Y"),
    ("n", "N"),
    ("yes", "Y"),
    ("No", "N"),
    ("1", "Y"),
    ("0", "N"),
    (1, "Y"),
    (0, "N"),
]


@pytest.mark.parametrize(("form", "stored"), FLAG_FORMS)
def test_a_flag_in_any_common_form_is_stored_as_y_or_n(tmp_path, stored_usd_entity, form, stored):
    row = entity_row("ENTITY0200", active_flag=form, car_exemption_flag=form)
    import_bundle(write_bundle(tmp_path, {"entity_master": [row]}))
    entity = models.Entity.objects.get(pk="ENTITY0200")
    assert (entity.active_flag, entity.car_exemption_flag) == (stored, stored)


@pytest.mark.parametrize(("form", "stored"), FLAG_FORMS)
def test_a_bool_column_takes_the_same_forms_as_a_flag(tmp_path, form, stored):
    row = currency_row("EUR", active_flag=form, is_deliverable=form, dealing_currency=form)
    import_bundle(write_bundle(tmp_path, {"currency_configuration": [row]}))
    euro = models.Currency.objects.get()
    expected = stored == "Y"
    assert (euro.active_flag, euro.is_deliverable, euro.dealing_currency) == (expected,) * 3


def test_flags_and_bools_of_a_copy_csv_folder_read_t_and_f_and_blank_as_null(tmp_path):
    folder = write_csv_folder(
        tmp_path,
        {
            "currency_configuration": "currency_code,currency_name,is_deliverable,active_flag\n"
            "CNY,Chinese yuan,f,t\n",
            "entity_master": "entity_id,entity_name,currency_code,active_flag,car_exemption_flag\n"
            "ENTITY0001,Beijing branch,CNY,t,f\n"
            'ENTITY0002,Shanghai branch,CNY,,""\n',
        },
    )
    import_bundle(folder)
    cny = models.Currency.objects.get()
    assert (cny.is_deliverable, cny.active_flag) == (False, True)
    flags = models.Entity.objects.order_by("pk").values_list("active_flag", "car_exemption_flag")
    assert list(flags) == [("Y", "N"), (None, None)]


def test_a_flag_that_is_no_yes_or_no_is_an_error(tmp_path, stored_usd_entity):
    path = write_bundle(tmp_path, {"entity_master": [entity_row("ENTITY0200", active_flag="X")]})
    expected = (
        "entity_master row 1 column active_flag: "
        "not a boolean: 'X' (true/false, t/f, Y/N, yes/no, 1/0)"
    )
    assert_rejected(path, [expected])


def test_a_copy_csv_folder_reads_an_empty_field_as_null_and_a_quoted_one_as_empty_text(tmp_path):
    folder = write_csv_folder(
        tmp_path,
        {
            "currency_configuration": "currency_code,currency_name,proxy_currency,lot_size,"
            'aliases\nCNY,Chinese yuan,,,"[""yuan"", ""RMB""]"\n',
            "entity_master": "entity_id,entity_name,currency_code,murex_comment,comments\n"
            'ENTITY0001,Beijing branch,CNY,"",\n',
        },
    )
    assert import_bundle(folder) == "currency_configuration: 1 rows\nentity_master: 1 rows\n"
    cny = models.Currency.objects.get()
    assert (cny.proxy_currency, cny.lot_size, cny.aliases) == (None, Decimal(1), ["yuan", "RMB"])
    entity = models.Entity.objects.get()
    assert (entity.murex_comment, entity.comments) == ("", None)


def test_timestamps_without_a_zone_are_utc_and_with_one_are_converted(tmp_path):
    rows = [
        currency_row("EUR", created_date="2024-06-28 08:00:00.25"),
        currency_row("JPY", created_date="2024-06-28T17:00:00+09:00"),
        currency_row("GBP", created_date="2024-06-28T08:00:00"),
    ]
    import_bundle(write_bundle(tmp_path, {"currency_configuration": rows}))
    stamps = dict(models.Currency.objects.values_list("currency_code", "created_date"))
    eight = datetime.datetime(2024, 6, 28, 8, 0, tzinfo=UTC)
    assert stamps == {
        "EUR": eight + datetime.timedelta(milliseconds=250),
        "JPY": eight,
        "GBP": eight,
    }


def test_a_timestamp_given_for_a_date_column_keeps_its_day(tmp_path):
    folder = write_csv_folder(
        tmp_path,
        {
            "currency_rates": "rate_id,currency_pair,rate_type,rate_value,effective_date\n"
            "RATE-00001,USDSGD,SPOT,1.35,2024-06-28 23:30:00\n"
            "RATE-00002,CNYSGD,SPOT,0.186,2024-06-27T08:00:00+08:00\n"
            "RATE-00003,HKDSGD,SPOT,0.172,2024-06-26\n"
        },
    )
    import_bundle(folder)
    days = dict(models.CurrencyRate.objects.values_list("rate_id", "effective_date"))
    assert days == {
        "RATE-00001": datetime.date(2024, 6, 28),
        "RATE-00002": datetime.date(2024, 6, 27),
        "RATE-00003": datetime.date(2024, 6, 26),
    }


# --- ids ------------------------------------------------------------------------------------


def test_a_row_without_an_id_gets_the_next_id_in_the_tables_style(tmp_path, stored_usd_entity):
    without_key = allocation_row(None)
    del without_key["allocation_id"]
    rows = [allocation_row(None), without_key, allocation_row("")]
    import_bundle(write_bundle(tmp_path, {"allocation_engine": rows}))
    ids = list(models.Allocation.objects.order_by("pk").values_list("pk", flat=True))
    assert ids == ["ALLOC-00001", "ALLOC-00002", "ALLOC-00003"]


def test_ids_generated_after_a_load_follow_the_highest_loaded_one(tmp_path, stored_usd_entity):
    rows = [allocation_row("ALLOC-00500"), allocation_row("ALLOC-00007"), allocation_row(None)]
    import_bundle(write_bundle(tmp_path, {"allocation_engine": rows}))
    later = factories.AllocationFactory(entity=stored_usd_entity)
    ids = set(models.Allocation.objects.values_list("pk", flat=True))
    assert ids == {"ALLOC-00007", "ALLOC-00500", "ALLOC-00501", "ALLOC-00502"}
    assert later.pk == "ALLOC-00502"


def test_rows_may_reference_rows_of_the_same_bundle_in_any_order(tmp_path):
    tables = {
        "position_nav_master": [
            position_row("NAV-00007", entity="ENTITY0002", current_position=1500000.25)
        ],
        "entity_master": [
            entity_row("ENTITY0002", parent_entity_id="ENTITY0001"),
            entity_row("ENTITY0001"),
        ],
        "currency_configuration": [currency_row("USD")],
    }
    output = import_bundle(write_bundle(tmp_path, tables))
    assert (
        output
        == "currency_configuration: 1 rows\nentity_master: 2 rows\nposition_nav_master: 1 rows\n"
    )
    assert models.Entity.objects.get(entity_id="ENTITY0002").parent_entity_id == "ENTITY0001"
    position = models.PositionNav.objects.get(nav_id="NAV-00007")
    assert position.current_position == Decimal("1500000.25")


# --- the rest -------------------------------------------------------------------------------


def test_it_stores_the_business_date(tmp_path):
    path = write_bundle(
        tmp_path, {"currency_configuration": [currency_row()]}, business_date="2024-06-28"
    )
    output = import_bundle(path)
    assert output.endswith("business date: 2024-06-28\n")
    assert models.BusinessDate.current() == datetime.date(2024, 6, 28)


def test_csv_errors_count_data_rows_and_name_a_header_without_a_required_column(tmp_path):
    folder = write_csv_folder(
        tmp_path,
        {"currency_configuration": "currency_code,is_deliverable\nUSD,t\nEUR,maybe\n"},
    )
    assert_rejected(
        folder,
        [
            "currency_configuration column currency_name: missing required column",
            "currency_configuration row 2 column is_deliverable: "
            "not a boolean: 'maybe' (true/false, t/f, Y/N, yes/no, 1/0)",
        ],
    )


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

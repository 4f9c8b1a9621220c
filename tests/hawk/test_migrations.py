"""0003-0005 carry a database of the old schema (numbered ids, foreign keys, Y/N flags) to the
HAWK schema without losing rows: ids restyled in each table's own style, references following.

A fresh database takes the squashed migration; a database already at 0002 goes through 0003-0005,
which is what this test runs, on a loader that does not apply the squash (so 0002 is a target).

Expand/contract: the linter (manage.py lint_migrations) passes the project's migrations and
refuses a planted destructive one unless it is the contract phase of an earlier expand.
"""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate

from hawk.database.migration_rules import lint_migrations
from hawk.management.commands import lint_migrations as lint_command
from tests.conftest import restore_roles

BEFORE = ("hawk", "0002_roles")
AFTER = ("hawk", "0005_hawk_ids_in_table_style")

# Model names whose rows are counted before and after.
MODELS = (
    "Currency",
    "Entity",
    "PositionNav",
    "HedgeInstruction",
    "Allocation",
    "HedgeEffectiveness",
    "HedgeBusinessEvent",
    "DealBooking",
    "GlEntry",
    "CurrencyRate",
)


def unsquashed_executor() -> MigrationExecutor:
    """An executor whose graph holds the replaced migrations (0001-0005), not the squash.

    The squash stays recorded as applied; were its node left in the graph, unapplying would
    replay its state changes too. Django removes it the same way for a partly applied squash."""
    executor = MigrationExecutor(connection)
    loader = MigrationLoader(connection, replace_migrations=False)
    for key, migration in loader.replacements.items():
        loader.graph.remove_replacement_node(key, migration.replaces)
    executor.loader = loader
    return executor


def migrate_to(*targets: tuple[str, str]) -> Any:
    """Migrates to the targets; the apps of the state reached."""
    executor = unsquashed_executor()
    executor.migrate(list(targets))
    return unsquashed_executor().loader.project_state(list(targets)).apps


def old_schema_rows(apps: Any) -> None:
    """One row of each kind, linked as the product linked them under the old schema."""
    model = apps.get_model
    sgd = model("hawk", "Currency").objects.create(
        currency_code="SGD", currency_name="Singapore dollar", currency_type="Matched"
    )
    cny = model("hawk", "Currency").objects.create(
        currency_code="CNY",
        currency_name="Chinese yuan",
        currency_type="Mismatched",
        active_flag="Y",
        proxy_currency="",
        min_deal_size=Decimal("1000"),
    )
    entity = model("hawk", "Entity").objects.create(
        entity_id="E-CN", entity_name="China branch", entity_type="Branch", currency=cny
    )
    model("hawk", "PositionNav").objects.create(
        nav_id=1,
        entity=entity,
        currency=cny,
        as_of_date=datetime.date(2026, 11, 20),
        nav_type="COI",
        current_position=Decimal("5000000"),
    )
    instruction = model("hawk", "HedgeInstruction").objects.create(
        instruction_id=1,
        msg_uid="MSG-1",
        instruction_type="I",
        instruction_date=datetime.date(2026, 11, 20),
        order_id="ORD-1",
        hedge_amount_order=Decimal("150000"),
        exposure_currency=cny,
        entity=entity,
        nav_type="COI",
    )
    allocation = model("hawk", "Allocation").objects.create(
        allocation_id=1,
        request=instruction,
        entity=entity,
        currency=cny,
        nav_type="COI",
        hedge_amount_allocation=Decimal("150000"),
    )
    model("hawk", "HedgeEffectiveness").objects.create(
        test_id=1,
        allocation=allocation,
        test_date=datetime.date(2026, 11, 30),
        hedged_item_change=Decimal("-1000"),
        instrument_change=Decimal("980"),
        ratio=Decimal("0.98"),
        result="PASS",
    )
    event = model("hawk", "HedgeBusinessEvent").objects.create(
        event_id=1,
        instruction=instruction,
        entity=entity,
        currency=cny,
        business_event_type="Initiation",
        nav_type="COI",
        notional_amount=Decimal("150000"),
        trade_date=datetime.date(2026, 11, 20),
        value_date=datetime.date(2026, 11, 24),
    )
    model("hawk", "DealBooking").objects.create(
        deal_booking_id=1,
        event=event,
        deal_sequence=1,
        deal_type="FX_SWAP",
        sell_currency="CNY",
        sell_amount=Decimal("150000"),
        buy_currency=sgd.currency_code,
        buy_amount=Decimal("28000"),
        fx_rate=Decimal("0.1866666667"),
        trade_date=datetime.date(2026, 11, 20),
        value_date=datetime.date(2026, 11, 24),
    )
    model("hawk", "GlEntry").objects.create(
        gl_entry_id=1,
        event=event,
        entity=entity,
        entry_type="Hedge inception",
        posting_date=datetime.date(2026, 11, 20),
        debit_account="1000",
        credit_account="2000",
        amount_sgd=Decimal("28000"),
    )
    model("hawk", "CurrencyRate").objects.create(
        rate_id=1,
        currency_pair="CNYSGD",
        rate_value=Decimal("0.1866666667"),
        effective_date=datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC),
    )


def row_counts(apps: Any) -> dict[str, int]:
    return {name: apps.get_model("hawk", name).objects.count() for name in MODELS}


@pytest.fixture
def roles_after_the_flush():
    """The role groups 0002 made come back after this test's closing flush (post_migrate is
    sent at its end), for tests that read them instead of creating them."""

    def recreate_roles(using: str = "default", **kwargs: Any) -> None:
        post_migrate.disconnect(recreate_roles, dispatch_uid=__name__)
        restore_roles()

    yield
    post_migrate.connect(recreate_roles, weak=False, dispatch_uid=__name__)


@pytest.mark.django_db(transaction=True)
def test_rows_of_the_old_schema_reach_the_hawk_schema(roles_after_the_flush):
    leaves = unsquashed_executor().loader.graph.leaf_nodes()
    try:
        old_apps = migrate_to(BEFORE)
        old_schema_rows(old_apps)
        counts = row_counts(old_apps)

        new_apps = migrate_to(AFTER)
        model = new_apps.get_model

        assert row_counts(new_apps) == counts
        nav = model("hawk", "PositionNav").objects.get()
        instruction = model("hawk", "HedgeInstruction").objects.get()
        allocation = model("hawk", "Allocation").objects.get()
        test = model("hawk", "HedgeEffectiveness").objects.get()
        event = model("hawk", "HedgeBusinessEvent").objects.get()
        deal = model("hawk", "DealBooking").objects.get()
        gl_entry = model("hawk", "GlEntry").objects.get()
        rate = model("hawk", "CurrencyRate").objects.get()
        cny = model("hawk", "Currency").objects.get(pk="CNY")

        ids = (
            nav.nav_id,
            instruction.instruction_id,
            allocation.allocation_id,
            test.effectiveness_id,
            event.event_id,
            deal.deal_booking_id,
            gl_entry.gl_entry_id,
            rate.rate_id,
        )
        assert ids == (
            "NAV-00001",
            "INS-00001",
            "ALLOC-00001",
            "EFF-00001",
            "EVT-00001",
            "DEAL-00001",
            "GL-00001",
            "RATE-00001",
        )
        assert allocation.request_id == "INS-00001"
        assert event.instruction_id == "INS-00001"
        assert deal.event_id == gl_entry.event_id == "EVT-00001"
        assert gl_entry.entity_id == "E-CN"
        assert (test.allocation_id, test.entity_id, test.currency_code, test.nav_type) == (
            "ALLOC-00001",
            "E-CN",
            "CNY",
            "COI",
        )
        assert (test.measurement_date, test.effectiveness_status) == (
            datetime.date(2026, 11, 30),
            "PASS",
        )
        assert test.effectiveness_ratio == Decimal("0.98")
        assert (cny.active_flag, cny.proxy_currency) == (True, None)
        assert cny.minimum_deal_size == Decimal("1000")
        assert rate.effective_date == datetime.date(2026, 11, 20)

        new_nav = model("hawk", "PositionNav").objects.create(
            entity_id="E-CN",
            currency_id="CNY",
            as_of_date=datetime.date(2026, 11, 21),
            nav_type="COI",
            current_position=Decimal("5100000"),
        )
        assert new_nav.nav_id == "NAV-00002"
    finally:
        unsquashed_executor().migrate(leaves)


# Expand/contract (hawk.database.migration_rules): a planted migration after the last one.

PLANTED = ("hawk", "0999_planted")


def loader_with(operations: list[Any], contract_of: str | None = None) -> MigrationLoader:
    """The project's migrations as on disk, plus one planted after hawk's last."""
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    leaf = max(loader.graph.leaf_nodes("hawk"))
    migration = migrations.Migration(PLANTED[1], PLANTED[0])
    migration.dependencies = [leaf]
    migration.operations = operations
    if contract_of is not None:
        migration.contract_of = contract_of  # type: ignore[attr-defined]
    loader.disk_migrations[PLANTED] = migration
    loader.graph.add_node(PLANTED, migration)
    loader.graph.add_dependency(migration, PLANTED, leaf)
    return loader


def planted_problems(operations: list[Any], contract_of: str | None = None) -> list[str]:
    return [
        problem.reason
        for problem in lint_migrations(loader_with(operations, contract_of))
        if (problem.app, problem.migration) == PLANTED
    ]


def test_the_projects_migrations_respect_expand_contract():
    assert lint_migrations() == []
    call_command("lint_migrations", stdout=io.StringIO())


@pytest.mark.parametrize(
    "operation",
    [
        migrations.RemoveField("agentrun", "msg_uid"),
        migrations.RenameField("agentrun", "msg_uid", "message_uid"),
        migrations.DeleteModel("agentrun"),
        migrations.RenameModel("agentrun", "promptrun"),
        migrations.AlterModelTable("agentrun", "prompt_runs"),
        migrations.AddField("agentrun", "region", models.CharField(max_length=8, default="EU")),
        migrations.AlterField(
            "agentrun", "template_version", models.PositiveIntegerField(default=1)
        ),
        migrations.AlterField(
            "agentrun", "msg_uid", models.CharField(max_length=20, blank=True, default="")
        ),
        migrations.AlterField("agentrun", "msg_uid", models.TextField(blank=True, default="")),
    ],
    ids=lambda operation: operation.describe(),
)
def test_a_planted_destructive_step_is_refused(operation):
    assert len(planted_problems([operation])) == 1


def test_the_command_fails_naming_the_planted_migration(monkeypatch):
    planted = loader_with([migrations.RemoveField("agentrun", "msg_uid")])
    monkeypatch.setattr(lint_command, "lint_migrations", lambda: lint_migrations(planted))
    with pytest.raises(CommandError, match=r"hawk\.0999_planted: Remove field msg_uid"):
        call_command("lint_migrations")


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddField("agentrun", "region", models.CharField(max_length=8, null=True)),
        migrations.AddField(
            "agentrun", "region", models.CharField(max_length=8, db_default="EU", default="EU")
        ),
        migrations.AlterField(
            "agentrun", "msg_uid", models.CharField(max_length=200, blank=True, default="")
        ),
        migrations.CreateModel("Planted", [("id", models.AutoField(primary_key=True))]),
    ],
    ids=lambda operation: operation.describe(),
)
def test_an_expanding_step_passes(operation):
    assert planted_problems([operation]) == []


def test_a_destructive_step_passes_as_the_contract_phase_of_an_earlier_expand():
    removal = migrations.RemoveField("agentrun", "msg_uid")
    assert planted_problems([removal], contract_of="0012_agent_run_heartbeat") == []


def test_a_contract_naming_no_earlier_migration_is_refused():
    removal = migrations.RemoveField("agentrun", "msg_uid")
    assert planted_problems([removal], contract_of="0998_never_written") == [
        "contract_of names '0998_never_written', which is not an earlier migration of hawk"
    ]

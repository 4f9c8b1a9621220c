"""Expand/contract: a new migration must not break the code of the release before it, which
still runs while a rolling deploy replaces the workers one by one (docs/operations.md,
"Deploys"). So a migration may add (nullable columns, or columns with a database default;
tables; indexes) but not take away or change in place what the old code reads or writes:

- DeleteModel, RemoveField, RenameField, RenameModel, AlterModelTable;
- AddField of a NOT NULL column without `db_default` (the old code's INSERTs leave it out);
- AlterField that makes a column NOT NULL without `db_default`, changes its type, shortens it
  or renames its column.

Such a step is allowed only as the contract phase of a two-phase plan: the migration names,
in a class attribute `contract_of`, the earlier migration of its app (an ancestor) that shipped
with the release which stopped the code from using what is now removed, e.g.

    class Migration(migrations.Migration):
        contract_of = "0014_agent_run_stop_reading_legacy_flag"
        dependencies = [...]
        operations = [migrations.RemoveField("agentrun", "legacy_flag")]

Migrations written before this rule are listed in GRANDFATHERED. Checked by
`manage.py lint_migrations` and tests/hawk/test_migrations.py (both in `make test`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models import NOT_PROVIDED, Field

# The apps whose migrations are this project's.
PROJECT_APPS = ("hawk", "templates_app", "analytics", "cache_admin")

# Written before the rule (the one-time move to the HAWK schema, in one release with its code).
GRANDFATHERED = frozenset(
    {
        ("hawk", "0003_hawk_schema_prepare"),
        ("hawk", "0004_hawk_schema_columns"),
        ("hawk", "0006_agent_run_experiment_variant"),
        ("hawk", "0008_agent_run_msg_uid_instruction_id"),
        ("hawk", "0009_agent_run_cost_estimated"),
        ("hawk", "0010_agent_run_reserved_usd"),
        ("templates_app", "0002_versions_experiments_uuid"),
        ("templates_app", "0003_prompt_template_uuid_unique"),
    }
)

ALWAYS_DESTRUCTIVE = (
    migrations.DeleteModel,
    migrations.RemoveField,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)


@dataclass(frozen=True)
class Problem:
    app: str
    migration: str
    operation: str
    reason: str

    def __str__(self) -> str:
        return f"{self.app}.{self.migration}: {self.operation}: {self.reason}"


def lint_migrations(loader: MigrationLoader | None = None) -> list[Problem]:
    """Every destructive step of a project migration that is neither grandfathered nor the
    contract phase of a plan; and every `contract_of` that names no ancestor."""
    loader = loader or MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    problems: list[Problem] = []
    for key in sorted(loader.disk_migrations):
        app, name = key
        if app not in PROJECT_APPS or key not in loader.graph.nodes:
            continue
        migration = loader.disk_migrations[key]
        contract_of = getattr(migration, "contract_of", None)
        if contract_of is not None:
            problems += _contract_problems(loader, key, contract_of)
            continue
        if key in GRANDFATHERED:
            continue
        state = loader.project_state(key, at_end=False)
        problems += _destructive_steps(app, name, migration.operations, state)
    return problems


def _contract_problems(loader: MigrationLoader, key: tuple[str, str], expand: str) -> list[Problem]:
    app, name = key
    ancestors = loader.graph.forwards_plan(key)[:-1]
    if (app, expand) in ancestors:
        return []
    reason = f"contract_of names {expand!r}, which is not an earlier migration of {app}"
    return [Problem(app, name, "contract_of", reason)]


def _destructive_steps(
    app: str, name: str, operations: Iterable[Any], state: ProjectState
) -> list[Problem]:
    problems, created = [], set()
    for operation in operations:
        if isinstance(operation, migrations.CreateModel):
            created.add(operation.name_lower)
        # A table made by this same migration is not used by the old code yet.
        new_table = getattr(operation, "model_name_lower", None) in created
        reason = "" if new_table else _why_destructive(app, operation, state)
        if reason:
            problems.append(Problem(app, name, operation.describe(), reason))
        operation.state_forwards(app, state)
    return problems


def _why_destructive(app: str, operation: Any, state: ProjectState) -> str:
    if isinstance(operation, ALWAYS_DESTRUCTIVE):
        return "removes or renames what the running code uses"
    if isinstance(operation, migrations.AddField) and _inserts_fail_without(operation.field):
        return "a NOT NULL column without db_default: the old code's INSERTs fail"
    if isinstance(operation, migrations.AlterField):
        model = state.models[app, operation.model_name_lower]
        return _why_alter_breaks(model.fields[operation.name], operation.field)
    return ""


def _why_alter_breaks(old: Field, new: Field) -> str:
    if old.null and _inserts_fail_without(new):
        return "makes the column NOT NULL without db_default: the old code may write NULL"
    if old.get_internal_type() != new.get_internal_type():
        return f"changes the column's type ({old.get_internal_type()} to {new.get_internal_type()})"
    if (new.max_length or 0) < (old.max_length or 0):
        return f"shortens the column ({old.max_length} to {new.max_length})"
    if old.db_column != new.db_column:
        return "renames the column"
    return ""


def _inserts_fail_without(field: Field) -> bool:
    # A many-to-many field has no column of its own.
    return not field.many_to_many and not field.null and field.db_default is NOT_PROVIDED

"""The HAWK tables of the live database against the models (HAWK_SCHEMA.md): a missing column
or a column of another kind of type stops start-up, naming each one; extra columns and tables
are the platform's own business and are fine."""

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models

from hawk.database.live_views import EXTENSION_COLUMNS, view_installed
from hawk.database.routers import hawk_alias, is_hawk_model

# Kinds of type: a model and the database agree when their types are of one kind (a varchar's
# length or a numeric's precision is the platform's choice).
_KINDS = (
    ("timestamp", "timestamp"),
    ("time", "time"),
    ("daterange", "daterange"),
    ("date", "date"),
    ("character", "text"),
    ("varchar", "text"),
    ("text", "text"),
    ("uuid", "uuid"),
    ("boolean", "boolean"),
    ("numeric", "numeric"),
    ("decimal", "numeric"),
    ("integer", "integer"),
    ("bigint", "integer"),
    ("smallint", "integer"),
    ("serial", "integer"),
    ("bigserial", "integer"),
    ("jsonb", "json"),
    ("json", "json"),
)

# Columns whose HAWK type has no Django field on every database: the model keeps them as text,
# and a bundle checks the text is what Postgres writes for that type.
DATERANGE_COLUMNS: frozenset[tuple[str, str]] = frozenset({("hedging_framework", "period")})

_COLUMNS = """
    SELECT table_name, column_name, data_type
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name = ANY(%s)
"""


def type_kind(db_type: str) -> str:
    lowered = db_type.lower()
    for prefix, kind in _KINDS:
        if lowered.startswith(prefix):
            return kind
    return lowered


def hawk_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if is_hawk_model(model)]


def _expected(model: type[models.Model], alias: str) -> dict[str, str]:
    connection = connections[alias]
    table = model._meta.db_table
    return {
        field.column: "daterange"
        if (table, field.column) in DATERANGE_COLUMNS
        else type_kind(field.db_type(connection) or "")
        for field in model._meta.concrete_fields
    }


def _actual(alias: str, tables: Iterable[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(_COLUMNS, [sorted(tables)])
        for table, column, data_type in cursor.fetchall():
            found.setdefault(table, {})[column] = type_kind(data_type)
    return found


def schema_problems(alias: str | None = None) -> list[str]:
    """What the database lacks or types differently, one line each; empty when it fits."""
    alias = alias or hawk_alias()
    wanted = {model._meta.db_table: _expected(model, alias) for model in hawk_models()}
    actual = _actual(alias, wanted)
    problems = []
    for table, columns in sorted(wanted.items()):
        if table not in actual:
            problems.append(f"table {table} is missing")
            continue
        problems += _column_problems(table, columns, actual[table])
        if _lacks_extensions(table, actual[table]) and not view_installed(table, alias):
            problems.append(
                f"{table} lacks the product's columns {', '.join(EXTENSION_COLUMNS[table])} and "
                f"the view that supplies them is not installed (manage.py install_change_feed)"
            )
    return problems


def _column_problems(table: str, wanted: dict[str, str], actual: dict[str, str]) -> list[str]:
    """The platform's columns only: the product's own (live_views) may be absent."""
    problems = []
    for column, kind in wanted.items():
        found = actual.get(column)
        if found is None and column not in EXTENSION_COLUMNS.get(table, ()):
            problems.append(f"{table}.{column} is missing")
        elif found is not None and found != kind:
            problems.append(f"{table}.{column} is {found}, expected {kind}")
    return problems


def _lacks_extensions(table: str, actual: dict[str, str]) -> bool:
    return any(column not in actual for column in EXTENSION_COLUMNS.get(table, ()))


def check_hawk_schema(alias: str | None = None) -> None:
    """Raise ImproperlyConfigured naming every problem (start-up in live mode)."""
    problems = schema_problems(alias)
    if problems:
        listed = "\n  ".join(problems)
        raise ImproperlyConfigured(
            f"the HAWK database does not match the models (HAWK_SCHEMA.md):\n  {listed}"
        )

"""The product's own columns (docs/data.md) over the platform's tables, which lack them: in
live mode a view per such table in the `hawk_agent` schema gives those columns as NULL, and
the HAWK alias reads with `search_path = hawk_agent, public`, so the models work unchanged.
Writes through a view go to the platform's table (an INSTEAD OF trigger, with the writer's
own rights: a read-only account stays read-only). The platform's tables are never altered."""

from django.apps import apps
from django.db import connections, models

from hawk.database.routers import hawk_alias

SCHEMA = "hawk_agent"

# The columns DOMAIN.md adds to the HAWK tables; the platform's database has none of them.
EXTENSION_COLUMNS: dict[str, tuple[str, ...]] = {
    "allocation_engine": ("maturity_date",),
    "buffer_configuration": ("nav_type",),
    "currency_configuration": ("lot_size", "aliases"),
    "hedge_business_events": ("currency_code",),
    "hedge_effectiveness": ("allocation_id", "hedged_item_change", "instrument_change"),
    "hedge_instructions": ("entity_id", "nav_type"),
}


def _model(table: str) -> type[models.Model]:
    return next(model for model in apps.get_models() if model._meta.db_table == table)


def _view(table: str, alias: str) -> str:
    connection, extensions = connections[alias], EXTENSION_COLUMNS[table]
    selected = [
        f"NULL::{field.db_type(connection)} AS {field.column}"
        if field.column in extensions
        else f"t.{field.column}"
        for field in _model(table)._meta.concrete_fields
    ]
    return (
        f"CREATE OR REPLACE VIEW {SCHEMA}.{table} AS SELECT {', '.join(selected)} "  # noqa: S608
        f"FROM public.{table} t;"
    )


def _write_function(table: str) -> str:
    meta = _model(table)._meta
    columns = [f.column for f in meta.concrete_fields if f.column not in EXTENSION_COLUMNS[table]]
    key = meta.pk.column if meta.pk else columns[0]
    values = ", ".join(f"NEW.{column}" for column in columns)
    assignments = ", ".join(f"{column} = NEW.{column}" for column in columns)
    return f"""CREATE OR REPLACE FUNCTION {SCHEMA}.{table}_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.{table} ({", ".join(columns)}) VALUES ({values});
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE public.{table} SET {assignments} WHERE {key} = OLD.{key};
        RETURN NEW;
    END IF;
    DELETE FROM public.{table} WHERE {key} = OLD.{key};
    RETURN OLD;
END
$$;
DROP TRIGGER IF EXISTS hawk_agent_write ON {SCHEMA}.{table};
CREATE TRIGGER hawk_agent_write INSTEAD OF INSERT OR UPDATE OR DELETE ON {SCHEMA}.{table}
FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.{table}_write();"""  # noqa: S608 (names of this code)


def views_sql(tables: list[str] | None = None, alias: str | None = None) -> str:
    """Idempotent SQL of the views (every extended table unless `tables` names some)."""
    alias = alias or hawk_alias()
    names = sorted(EXTENSION_COLUMNS if tables is None else tables)
    parts = [f"CREATE SCHEMA IF NOT EXISTS {SCHEMA};"]
    for table in names:
        parts += [_view(table, alias), _write_function(table)]
    return "\n".join(parts) + "\n"


def tables_lacking_extensions(alias: str | None = None) -> list[str]:
    """The extended tables whose platform table lacks the product's columns."""
    alias = alias or hawk_alias()
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY(%s)",
            [sorted(EXTENSION_COLUMNS)],
        )
        present: dict[str, set[str]] = {}
        for table, column in cursor.fetchall():
            present.setdefault(table, set()).add(column)
    return [
        table
        for table, columns in sorted(EXTENSION_COLUMNS.items())
        if table in present and not set(columns) <= present[table]
    ]


def view_installed(table: str, alias: str | None = None) -> bool:
    with connections[alias or hawk_alias()].cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{SCHEMA}.{table}"])
        return bool(cursor.fetchone()[0])

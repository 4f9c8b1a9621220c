"""The SQL of the trigger-mode change feed, in a schema of its own (`hawk_agent`): the
platform's tables only get triggers. Printed for a DBA by `install_change_feed --print`.

Every name spliced into the SQL is a constant of this code (the schema, the channel, the
HAWK table names of hawk.database.routers), never input: hence the S608 exemptions."""

import time
from collections.abc import Iterable

SCHEMA = "hawk_agent"
CHANNEL = "hawk_agent_changes"
TRIGGER = "hawk_agent_changes"


def install_sql(tables: Iterable[str]) -> str:
    """Idempotent. The generation is drawn from a sequence, never decremented by a rollback,
    and started past every value an earlier installation handed out (a time-based start), so a
    cache key is never reused for other rows."""
    start = int(time.time() * 1000)
    parts = [
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA};",
        f"CREATE SEQUENCE IF NOT EXISTS {SCHEMA}.generation_seq START WITH {start};",
        f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.generation (
    table_name text PRIMARY KEY,
    generation bigint NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);""",
        _FUNCTION,
    ]
    for table in sorted(tables):
        parts.append(_trigger(table))
        parts.append(_seed(table))
    return "\n".join(parts) + "\n"


# One row update per writing statement and table (FOR EACH STATEMENT), in the writer's
# transaction: the bump commits or rolls back with the write. The NOTIFY carries the table name
# only (a payload near 8000 bytes would fail the writer's commit) and is delivered at commit.
# SECURITY DEFINER: the platform's writers need no privilege on the hawk_agent schema.
_FUNCTION = f"""CREATE OR REPLACE FUNCTION {SCHEMA}.bump() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO {SCHEMA}.generation AS g (table_name, generation, changed_at)
    VALUES (TG_TABLE_NAME, nextval('{SCHEMA}.generation_seq'), clock_timestamp())
    ON CONFLICT (table_name) DO UPDATE
        SET generation = EXCLUDED.generation, changed_at = EXCLUDED.changed_at;
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$;"""  # noqa: S608


def _trigger(table: str) -> str:
    return (
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON public.{table};\n"
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON public.{table} FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.bump();"
    )


def _seed(table: str) -> str:
    return (
        f"INSERT INTO {SCHEMA}.generation (table_name, generation) "  # noqa: S608
        f"VALUES ('{table}', nextval('{SCHEMA}.generation_seq')) ON CONFLICT DO NOTHING;"
    )


def uninstall_sql(tables: Iterable[str]) -> str:
    drops = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON public.{table};" for table in sorted(tables)]
    return "\n".join([*drops, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE;"]) + "\n"


def grant_sql(role: str) -> str:
    """What a read-only account needs: the generations and the views of live mode."""
    return (
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role};\n"
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {role};\n"
    )

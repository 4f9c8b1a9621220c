"""Whether the HAWK platform's own prompt history (the table hawk_agent_sessions, HAWK_SCHEMA.md)
may be written: asked of Postgres in the database of the HAWK tables (the HAWK database in live
mode, DATABASE_URL otherwise), and remembered in this process for CHECK_SECONDS.

The product never creates that table (it is the platform's, and nothing is migrated there): it
is written only where it exists and the connection's role may SELECT and UPDATE it. A read-only
role, SQLite, or a database without the table: not writable.
"""

import threading
import time

from django.db import connections

from hawk.database.routers import hawk_alias

AGENT_SESSIONS = "public.hawk_agent_sessions"
CHECK_SECONDS = 60.0

# to_regclass is NULL for a missing table, and has_table_privilege of NULL is NULL (never an
# error, as has_table_privilege of a missing table's name would be).
_PRIVILEGES = """
    SELECT coalesce(
        has_table_privilege(to_regclass(%s), 'UPDATE')
        AND has_table_privilege(to_regclass(%s), 'SELECT'),
        false
    )
"""

_checked: dict[str, tuple[float, bool]] = {}
_guard = threading.Lock()


def hawk_database_writable() -> bool:
    """May hawk_agent_sessions be updated through hawk_alias()? Raises when the database
    cannot be asked (the caller decides what a failure means); the answer is remembered."""
    alias = hawk_alias()
    with _guard:
        checked = _checked.get(alias)
    if checked is not None and time.monotonic() - checked[0] < CHECK_SECONDS:
        return checked[1]
    writable = _ask(alias)
    with _guard:
        _checked[alias] = (time.monotonic(), writable)
    return writable


def forget_hawk_database_writable() -> None:
    """Ask again next time (after a grant, or a table created or dropped)."""
    with _guard:
        _checked.clear()


def _ask(alias: str) -> bool:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(_PRIVILEGES, [AGENT_SESSIONS, AGENT_SESSIONS])
        return bool(cursor.fetchone()[0])

"""Whether the account of the HAWK database may write its tables. In live mode the platform
may give the product a read-only role: then the configuration API answers 409
`read_only_source` naming the table, the admin shows the tables read-only, and imports are
refused with the same message."""

import time

from django.db import connections

from hawk.database.routers import HAWK_TABLES, hawk_alias
from hawk.web.errors import HawkError

# A role's grants change rarely; asking again this often keeps a revoked grant honest.
CHECK_SECONDS = 30.0

_PRIVILEGES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname = ANY(%s)
      AND has_table_privilege(current_user, c.oid, 'INSERT')
      AND has_table_privilege(current_user, c.oid, 'UPDATE')
      AND has_table_privilege(current_user, c.oid, 'DELETE')
"""

_known: tuple[float, frozenset[str]] | None = None


def writable_tables() -> frozenset[str]:
    """The HAWK tables this account may insert, update and delete (all of them off Postgres)."""
    global _known
    connection = connections[hawk_alias()]
    if connection.vendor != "postgresql":
        return HAWK_TABLES
    if _known is None or time.monotonic() - _known[0] > CHECK_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(_PRIVILEGES, [sorted(HAWK_TABLES)])
            _known = (time.monotonic(), frozenset(row[0] for row in cursor.fetchall()))
    return _known[1]


def forget_privileges() -> None:
    global _known
    _known = None


def read_only_message(table: str) -> str:
    return f"{table} is read-only: the HAWK database account may not write it"


def ensure_writable(table: str) -> None:
    """Raise 409 read_only_source unless the account may write `table`."""
    if table in HAWK_TABLES and table not in writable_tables():
        raise HawkError("read_only_source", read_only_message(table))

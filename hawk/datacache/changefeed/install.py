"""Installing and removing the change feed, in either mode, or printing its SQL for a DBA."""

from django.db import connections, transaction

from hawk.database.routers import HAWK_TABLES, hawk_alias
from hawk.datacache.changefeed import logical, sql
from hawk.datacache.changefeed.state import STATE


def script(mode: str, *, uninstall: bool = False) -> str:
    if mode == "logical":
        return logical.drop_slot_sql() if uninstall else logical.create_slot_sql()
    return sql.uninstall_sql(HAWK_TABLES) if uninstall else sql.install_sql(HAWK_TABLES)


def grants(mode: str, role: str) -> str:
    if mode == "logical":
        return f"ALTER ROLE {role} WITH REPLICATION;\n"
    return sql.grant_sql(role)


def install(mode: str, alias: str | None = None) -> None:
    if mode == "logical":
        logical.ensure_slot(alias or hawk_alias())
    else:
        _execute(sql.install_sql(HAWK_TABLES), alias)
    STATE.installed = None


def uninstall(mode: str, alias: str | None = None) -> None:
    if mode == "logical":
        logical.drop_slot(alias or hawk_alias())
    else:
        _execute(sql.uninstall_sql(HAWK_TABLES), alias)
    STATE.installed = None


def _execute(script_text: str, alias: str | None) -> None:
    alias = alias or hawk_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(script_text)

"""Installing and removing the change feed, in either mode, or printing its SQL for a DBA."""

from django.db import connections, transaction

from hawk.database.live_views import tables_lacking_extensions, views_sql
from hawk.database.routers import HAWK_TABLES, hawk_alias, live_mode
from hawk.datacache.changefeed import logical, sql
from hawk.datacache.changefeed.state import STATE


def script(mode: str, *, uninstall: bool = False) -> str:
    """The SQL for a DBA: in live mode the views of the product's columns come first."""
    views = views_sql() if live_mode() and not uninstall else ""
    if mode == "logical":
        return views + (logical.drop_slot_sql() if uninstall else logical.create_slot_sql())
    return views + (sql.uninstall_sql(HAWK_TABLES) if uninstall else sql.install_sql(HAWK_TABLES))


def grants(mode: str, role: str) -> str:
    if mode == "logical":
        return f"ALTER ROLE {role} WITH REPLICATION;\n"
    return sql.grant_sql(role)


def install(mode: str, alias: str | None = None) -> None:
    if live_mode() and (lacking := tables_lacking_extensions(alias)):
        _execute(views_sql(lacking, alias), alias)
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

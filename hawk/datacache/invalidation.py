"""Every write to a HAWK table bumps that table's generation (see generations.py).

Saves and deletes arrive through signals; bulk writes (QuerySet.update, bulk_create,
bulk_update, delete) through TrackedQuerySet, which every HAWK model's manager uses. Importers
call `tables_written` themselves. Writes made outside Django (psql, the platform's services)
reach the caches through the change feed (hawk.datacache.changefeed).

The bump happens twice: at once, and again after commit, so an entry cached by another reader
between the first bump and the commit (which saw the old rows) is never used. Until the
transaction ends, its connection neither reads nor fills the cache for the tables it wrote
(`uncommitted_tables`): it must see its own rows, and no other connection may, under any
generation, least of all after a rollback (which bumps nothing).
"""

from collections.abc import Iterable
from typing import Any

from django.db import connections, models, transaction

from hawk.database.routers import hawk_alias
from hawk.datacache.generations import bump_tables, record_write


class _BumpAfterCommit:
    """The after-commit bump of the tables a transaction wrote. While it waits in Django's
    on-commit queue (emptied on commit and on rollback, trimmed on a savepoint rollback),
    those tables hold rows that only this transaction sees."""

    def __init__(self, tables: list[str], alias: str) -> None:
        self.tables = tables
        self.alias = alias

    def __call__(self) -> None:
        record_write(self.alias, self.tables)
        bump_tables(self.tables)


def tables_written(tables: Iterable[str], using: str | None = None) -> None:
    """`using`: the database alias written (the HAWK tables' own by default)."""
    names, alias = sorted(set(tables)), using or hawk_alias()
    bump_tables(names)
    transaction.on_commit(_BumpAfterCommit(names, alias), using=alias)


def uncommitted_tables() -> set[str]:
    """Tables this thread's connections wrote in a transaction that has not ended."""
    return {
        table
        for connection in connections.all(initialized_only=True)
        if _in_transaction(connection)
        for _, callback, *_ in connection.run_on_commit
        if isinstance(callback, _BumpAfterCommit)
        for table in callback.tables
    }


def _in_transaction(connection: Any) -> bool:
    # A TestCase wraps each test in atomic blocks that never commit; as in Django's own check
    # of durable blocks, they do not count as a transaction of the application.
    return any(not block._from_testcase for block in connection.atomic_blocks)


def model_saved_or_deleted(sender: type[models.Model], **kwargs: Any) -> None:
    tables_written([sender._meta.db_table], using=kwargs.get("using"))


class TrackedQuerySet(models.QuerySet):
    def _written(self) -> None:
        tables_written([self.model._meta.db_table], using=self.db)

    def update(self, **kwargs: object) -> int:
        count = super().update(**kwargs)
        self._written()
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self._written()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        self._written()
        return count

    def delete(self):
        result = super().delete()
        self._written()
        return result

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


TrackedManager = models.Manager.from_queryset(TrackedQuerySet)

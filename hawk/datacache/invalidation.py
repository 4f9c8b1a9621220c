"""Every write to a HAWK table bumps that table's generation (see generations.py).

Saves and deletes arrive through signals; bulk writes (QuerySet.update, bulk_create,
bulk_update, delete) through TrackedQuerySet, which every HAWK model's manager uses. Importers
call `tables_written` themselves. Raw SQL writes are not seen: do not write HAWK tables with
raw SQL, or call `tables_written` after.

The bump happens twice: at once, so reads later in the same transaction are not served from
the cache, and again after commit, so an entry cached by another reader between the first
bump and the commit (which saw the old rows) is never used.
"""

from collections.abc import Iterable

from django.db import models, transaction

from hawk.datacache.generations import bump_tables


def tables_written(tables: Iterable[str]) -> None:
    names = sorted(set(tables))
    bump_tables(names)
    transaction.on_commit(lambda: bump_tables(names))


def model_saved_or_deleted(sender: type[models.Model], **kwargs: object) -> None:
    tables_written([sender._meta.db_table])


class TrackedQuerySet(models.QuerySet):
    def _written(self) -> None:
        tables_written([self.model._meta.db_table])

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

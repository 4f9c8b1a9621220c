"""The HAWK tables shown read-only in the admin while the HAWK database account may not write
them (live mode with a read-only role)."""

from typing import Any

from django.http import HttpRequest

from hawk.database.privileges import writable_tables


class WritableSourceMixin:
    """For the admin of a HAWK table: add, change and delete only where the account may."""

    model: Any

    def _source_writable(self) -> bool:
        return self.model._meta.db_table in writable_tables()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._source_writable() and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._source_writable() and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._source_writable() and super().has_delete_permission(request, obj)  # type: ignore[misc]

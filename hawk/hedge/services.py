"""Writes of the configuration resources, validated and loaded exactly like an import.

A write is a one-row bundle: the same column parsers, reference and constraint checks
(hawk.bundles.validate) and the same loader (hawk.bundles.load), which bumps the cache
generations and writes the audit trail with the user. There is no second validation path.
"""

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from hawk.bundles.errors import BundleRejected, KeyTaken
from hawk.bundles.load import load_bundle
from hawk.bundles.reader import RawBundle, RawTable
from hawk.bundles.validate import validate_bundle
from hawk.database.privileges import ensure_writable
from hawk.database.routers import hawk_alias
from hawk.hedge.resources import HedgeResource
from hawk.hedge.rows import RowFormat
from hawk.hedge.selectors import hedge_row_get
from hawk.models.fields import HawkIdField
from hawk.models.ids import next_id
from hawk.web.errors import HawkError


def hedge_row_create(*, resource: HedgeResource, values: dict[str, Any], user: Any) -> str:
    """The new row's key. A key that is taken is a 409, decided by the database's insert (an
    import would overwrite it; two parallel creates cannot both win)."""
    pk_column = _pk_column(resource)
    key = values.get(pk_column)
    stamped = {**_unstamped(values), **_stamps(resource, user, "created")}
    if key in (None, "") and isinstance(resource.model._meta.pk, HawkIdField):
        stamped[pk_column] = next_id(resource.model, resource.model._meta.pk.prefix)
    try:
        return _load_one(resource, stamped, user, reason="api create", insert_only=True)
    except KeyTaken:
        taken = stamped.get(pk_column)
        raise HawkError("conflict", f"{resource.name} row {taken!r} exists already") from None


def hedge_row_update(
    *, resource: HedgeResource, key: str, values: dict[str, Any], user: Any
) -> str:
    """Update: the body's columns over the stored row (PUT and PATCH alike: a column absent
    from the body keeps its value), then validated as a whole row."""
    pk_column = _pk_column(resource)
    if values.get(pk_column, key) != key:
        raise HawkError.invalid_field(pk_column, "the key of a row cannot change")
    ensure_writable(resource.table)
    with transaction.atomic(using=hawk_alias()):
        stored = RowFormat(resource.model).instance(hedge_row_get(resource=resource, key=key))
        merged = {**stored, **_unstamped(values), **_stamps(resource, user, "modified")}
        merged[pk_column] = key
        return _load_one(resource, merged, user, reason="api update")


def hedge_row_delete(*, resource: HedgeResource, key: str, user: Any) -> None:
    """Delete one row; a row others still reference is a 409. The delete signal bumps the
    cache and writes the history record (by `user`)."""
    ensure_writable(resource.table)
    row = hedge_row_get(resource=resource, key=key)
    # simple_history reads the user of a delete from the instance.
    row._history_user = user  # type: ignore[attr-defined]
    try:
        row.delete()
    except ProtectedError as exc:
        users = sorted({obj._meta.db_table for obj in exc.protected_objects})
        raise HawkError(
            "conflict", f"{resource.name} row {key!r} is still referenced by {', '.join(users)}"
        ) from None


def _pk_column(resource: HedgeResource) -> str:
    pk = resource.model._meta.pk
    assert pk is not None
    return pk.column


AUDIT_STAMPS = ("created_by", "created_date", "modified_by", "modified_date")


def _unstamped(values: Any) -> Any:
    """The body without audit stamps: only the server says who changed a row, and when."""
    if not isinstance(values, dict):
        return values
    return {column: value for column, value in values.items() if column not in AUDIT_STAMPS}


def _stamps(resource: HedgeResource, user: Any, kind: str) -> dict[str, Any]:
    """created_by/created_date (or modified_*) where the table has them."""
    stamps = {f"{kind}_by": user.get_username(), f"{kind}_date": timezone.now().isoformat()}
    return {column: value for column, value in stamps.items() if column in resource.columns}


def _load_one(
    resource: HedgeResource,
    values: dict[str, Any],
    user: Any,
    *,
    reason: str,
    insert_only: bool = False,
) -> str:
    ensure_writable(resource.table)
    if not isinstance(values, dict):
        raise HawkError("invalid_json", "the body must be a JSON object of columns")
    raw = RawBundle(tables={resource.table: RawTable(resource.table, [values])})
    try:
        bundle = validate_bundle(raw, replace=False)
        load_bundle(bundle, replace=False, user=user, reason=reason, insert_only=insert_only)
    except KeyTaken:
        raise
    except BundleRejected as rejected:
        raise _invalid(rejected) from None
    return str(values[_pk_column(resource)])


def _invalid(rejected: BundleRejected) -> HawkError:
    fields: dict[str, list[str]] = {}
    for error in rejected.errors:
        fields.setdefault(error.column or "non_field_errors", []).append(error.reason)
    first = rejected.errors[0]
    return HawkError(
        "invalid_field", f"{first.column or first.table}: {first.reason}", fields=fields
    )

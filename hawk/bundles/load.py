"""Write a validated bundle in one transaction: all of it or, on any database error, none."""

import re
from typing import Any

from django.db import DatabaseError, IntegrityError, connections, models, transaction

from hawk.bundles.errors import BundleError, BundleRejected, KeyTaken
from hawk.bundles.validate import BUNDLE, TypedBundle, TypedRow, TypedTable
from hawk.database.integrity import unique_violation
from hawk.database.privileges import read_only_message, writable_tables
from hawk.database.routers import HAWK_TABLES, hawk_alias
from hawk.datacache.invalidation import tables_written
from hawk.models import BusinessDate, ids
from hawk.models.fields import HawkIdField

BATCH_SIZE = 2000


def load_bundle(
    bundle: TypedBundle,
    *,
    replace: bool,
    user: Any = None,
    reason: str = "import",
    insert_only: bool = False,
) -> dict[str, int]:
    """Rows written per table. With `replace` the bundle's tables are emptied first; without
    it rows are upserted by primary key (rows without an id are inserted with a new one);
    `insert_only` never overwrites: a stored key is KeyTaken, decided by the database (so
    two parallel creates of one key cannot both succeed).
    Bulk writes send no signals, so the cache generations are bumped here (now and after
    commit, see datacache.invalidation), and the audit trail of the tables that keep one is
    written here too (one history row per written row, by `user`, with `reason`)."""
    _refuse_read_only(bundle)
    try:
        # The HAWK tables may live in a database of their own (live mode), the business date
        # and the audit trail stay in the product's: all of it commits or none.
        with transaction.atomic(), transaction.atomic(using=hawk_alias()):
            if replace:
                _empty_tables(bundle.tables)
            audit = Audit(user, reason)
            counts = {
                table.name: _write_named(table, audit, insert_only) for table in bundle.tables
            }
            if bundle.business_date is not None:
                BusinessDate.set(bundle.business_date)
            # Foreign keys are checked at commit; check now so a failure names this load.
            connections[hawk_alias()].check_constraints(table_names=list(counts))
            tables_written(_written_tables(bundle))
    except DatabaseError as exc:
        raise BundleRejected([_database_error(exc)]) from exc
    return counts


def _refuse_read_only(bundle: TypedBundle) -> None:
    """A read-only HAWK database account: the load is refused whole, naming the tables."""
    writable = writable_tables()
    errors = [
        BundleError(table.name, None, None, read_only_message(table.name))
        for table in bundle.tables
        if table.name in HAWK_TABLES and table.name not in writable
    ]
    if errors:
        raise BundleRejected(errors)


def _written_tables(bundle: TypedBundle) -> list[str]:
    names = [table.name for table in bundle.tables]
    if bundle.business_date is not None:
        names.append(BusinessDate._meta.db_table)
    return names


def _empty_tables(tables: list[TypedTable]) -> None:
    """Delete without Django's collector: it would load every row to look for PROTECT
    references, which validation has already ruled out (and the database still enforces)."""
    for table in reversed(tables):
        table.model._base_manager.all()._raw_delete(hawk_alias())


def _write_named(table: TypedTable, audit: "Audit", insert_only: bool) -> int:
    """Write one table; a database error names the table (and rolls everything back)."""
    try:
        return _write_table(table, audit, insert_only)
    except IntegrityError as exc:
        error = BundleError(table.name, None, None, f"rejected by the database: {_first_line(exc)}")
        raise (KeyTaken if insert_only and unique_violation(exc) else BundleRejected)(
            [error]
        ) from exc
    except DatabaseError as exc:
        error = BundleError(table.name, None, None, f"rejected by the database: {_first_line(exc)}")
        raise BundleRejected([error]) from exc


class Audit:
    """Who writes, and why: the history rows of a load (simple_history's bulk helper, since
    bulk writes send no signals)."""

    def __init__(self, user: Any, reason: str) -> None:
        self.user = user if user is not None and user.is_authenticated else None
        self.reason = reason

    def record(self, model: type[models.Model], rows: list[models.Model], *, update: bool) -> None:
        history = getattr(model, "history", None)
        if history is None or not rows:
            return
        history.bulk_history_create(
            rows,
            batch_size=BATCH_SIZE,
            update=update,
            default_user=self.user,
            default_change_reason=self.reason,
        )


def _stored_keys(model: type[models.Model], rows: list[models.Model]) -> set[Any]:
    """Keys of these rows already stored (they are updated, not created): audited tables only."""
    if not hasattr(model, "history") or not rows:
        return set()
    keys = [row.pk for row in rows]
    return set(model._base_manager.filter(pk__in=keys).values_list("pk", flat=True))


def _write_table(table: TypedTable, audit: Audit, insert_only: bool = False) -> int:
    model = table.model
    pk = model._meta.pk
    assert pk is not None
    rows = table.rows
    keyed = _instances(model, [row for row in rows if row.values.get(pk.attname) is not None])
    unkeyed = _instances(model, [row for row in rows if row.values.get(pk.attname) is None])
    stored = _stored_keys(model, keyed)
    if keyed:
        _write_keyed(model, keyed, insert_only)
    # bulk_create asks HawkIdField for each row's id (get_pk_value_on_save): the table's next.
    model._base_manager.bulk_create(unkeyed, batch_size=BATCH_SIZE)
    audit.record(model, [row for row in keyed if row.pk in stored], update=True)
    audit.record(model, [row for row in keyed if row.pk not in stored] + unkeyed, update=False)
    return len(rows)


def _write_keyed(model: type[models.Model], rows: list[models.Model], insert_only: bool) -> None:
    pk = model._meta.pk
    assert pk is not None
    if insert_only:
        model._base_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    else:
        model._base_manager.bulk_create(
            rows,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=[pk.name],
            update_fields=[field.name for field in model._meta.concrete_fields if field != pk],
        )
    _sequence_past_loaded_ids(model, rows)


def _instances(model: type[models.Model], rows: list[TypedRow]) -> list[models.Model]:
    """Positional arguments in field order: a third faster than keywords for 10^5 rows."""
    attnames = [field.attname for field in model._meta.concrete_fields]
    return [model(*[row.values.get(name) for name in attnames]) for row in rows]


def _sequence_past_loaded_ids(model: type[models.Model], rows: list[models.Model]) -> None:
    """Loaded ids keep their numbers, and the table's sequence moves up to the highest of them:
    ids generated later (below, in the admin, by the API) follow on (ALLOC-00501 after a
    loaded ALLOC-00500) rather than taking the unused low numbers."""
    pk = model._meta.pk
    if not isinstance(pk, HawkIdField):
        return
    numbers = [ids.number_in(pk.prefix, row.pk) for row in rows]
    highest = max((number for number in numbers if number is not None), default=0)
    if highest:
        ids.sequence_at_least(model, highest)


def _database_error(exc: DatabaseError) -> BundleError:
    """A failure at the final reference check: under the table the database names, if any."""
    named = re.search(r'table "([^"]+)"', str(exc))
    reason = f"rejected by the database: {_first_line(exc)}"
    return BundleError(named.group(1) if named else BUNDLE, None, None, reason)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0] or type(exc).__name__

"""Uniqueness decided by the database: a unique violation recognised, and turned into the 400
that names the field (parallel writes of one name cannot both pass a check made before)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from hawk.web.errors import HawkError


def unique_violation(exc: IntegrityError) -> bool:
    """Postgres' unique_violation (SQLSTATE 23505), or SQLite's message for it."""
    return getattr(exc.__cause__, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(exc)


@contextmanager
def unique_field(field: str, problem: str) -> Iterator[None]:
    """The writes inside, in a transaction (a savepoint when nested); a unique violation is a
    400 naming `field`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if not unique_violation(exc):
            raise
        raise HawkError.invalid_field(field, problem) from None

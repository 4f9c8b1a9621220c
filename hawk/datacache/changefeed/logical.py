"""Logical mode (for databases where triggers are not allowed): placeholder until built."""

from collections.abc import Iterable


def unread_tables(tables: Iterable[str]) -> set[str]:
    """Of `tables`, those with changes in the slot that no reader has bumped yet."""
    return set()


def create_slot_sql() -> str:
    raise NotImplementedError


def drop_slot_sql() -> str:
    raise NotImplementedError


def ensure_slot(alias: str) -> None:
    raise NotImplementedError


def drop_slot(alias: str) -> None:
    raise NotImplementedError

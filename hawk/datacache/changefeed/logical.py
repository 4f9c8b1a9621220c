"""Logical mode (for databases where triggers are not allowed): placeholder until built."""

from collections.abc import Iterable


def unread_tables(tables: Iterable[str]) -> set[str]:
    """Of `tables`, those with changes in the slot that no reader has bumped yet."""
    return set()

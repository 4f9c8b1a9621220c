"""Text ids in each HAWK table's own style (`NAV-00001`): a prefix and a per-table sequence.

The sequence lives in one small table (`hawk_id_sequence`) advanced with a single upsert, so
two writers never get the same number. Ids loaded from the HAWK database may already use the
numbers ahead; a generated id that is taken moves the sequence past the highest one in use.
"""

import re

from django.db import connections, models, router

WIDTH = 5
SEQUENCE_TABLE = "hawk_id_sequence"

_ADVANCE = (
    "INSERT INTO hawk_id_sequence (table_name, last_value) VALUES (%s, %s) "
    "ON CONFLICT (table_name) DO UPDATE SET last_value = "
    "CASE WHEN hawk_id_sequence.last_value + 1 > %s THEN hawk_id_sequence.last_value + 1 "
    "ELSE %s END RETURNING last_value"
)
_AT_LEAST = (
    "INSERT INTO hawk_id_sequence (table_name, last_value) VALUES (%s, %s) "
    "ON CONFLICT (table_name) DO UPDATE SET last_value = "
    "CASE WHEN hawk_id_sequence.last_value > %s THEN hawk_id_sequence.last_value ELSE %s END"
)


def format_id(prefix: str, number: int) -> str:
    return f"{prefix}-{number:0{WIDTH}d}"


def next_id(model: type[models.Model], prefix: str) -> str:
    """The next free id of the table; at most two rounds: a taken id means rows were loaded
    with their own numbers, so the sequence jumps past the highest of them."""
    floor = 1
    while True:
        number = _advance(model, floor)
        candidate = format_id(prefix, number)
        if not model._base_manager.filter(pk=candidate).exists():
            return candidate
        floor = highest_number(model, prefix) + 1


def _advance(model: type[models.Model], floor: int) -> int:
    """The sequence's next value, at least `floor`."""
    alias = router.db_for_write(model)
    with connections[alias].cursor() as cursor:
        cursor.execute(_ADVANCE, [model._meta.db_table, floor, floor, floor])
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def sequence_at_least(model: type[models.Model], number: int) -> None:
    """Moves the table's sequence up to `number` (never down): after ids loaded with their own
    numbers (ALLOC-00500) the next generated id is ALLOC-00501."""
    alias = router.db_for_write(model)
    with connections[alias].cursor() as cursor:
        cursor.execute(_AT_LEAST, [model._meta.db_table, number, number, number])


def number_in(prefix: str, key: object) -> int | None:
    """The sequence number of an id of the form PREFIX-<digits>, else None."""
    match = re.fullmatch(rf"{re.escape(prefix)}-(\d+)", str(key))
    return int(match.group(1)) if match else None


def highest_number(model: type[models.Model], prefix: str) -> int:
    """The highest sequence number among the table's ids of the form PREFIX-<digits>."""
    keys = model._base_manager.filter(pk__startswith=f"{prefix}-").values_list("pk", flat=True)
    numbers = [number for key in keys if (number := number_in(prefix, key)) is not None]
    return max(numbers, default=0)


class IdSequence(models.Model):
    """The last number handed out per table (see next_id)."""

    table_name = models.CharField(max_length=63, primary_key=True)
    last_value = models.BigIntegerField()

    class Meta:
        db_table = SEQUENCE_TABLE

    def __str__(self) -> str:
        return f"{self.table_name}: {self.last_value}"

"""What a bundle check finds: errors (nothing is loaded) and warnings (loaded as it is), each
naming table, row and column, and the two failures."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BundleIssue:
    """One finding in a bundle. `row` counts data rows from 1 (a CSV header is not a row);
    None means the finding is not in one row (a CSV header, a whole table, the manifest)."""

    table: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [self.table]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{' '.join(where)}: {self.reason}"


class BundleError(BundleIssue):
    """A problem that stops the load: nothing is written."""


class BundleWarning(BundleIssue):
    """Something the product does not know (a status, a type), loaded as it is."""


class BundleReadError(Exception):
    """The bundle cannot be read at all (no such file, not JSON, not a bundle)."""


class BundleRejected(Exception):
    """The bundle was read but not loaded; nothing was written."""

    def __init__(self, errors: list[BundleError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the bundle; nothing was written")
        self.errors = errors


class KeyTaken(BundleRejected):
    """An insert-only load met a row whose key is stored already (the database said so)."""

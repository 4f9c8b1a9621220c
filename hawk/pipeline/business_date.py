"""The business date for a run, without a database query on the warm path.

The stored date (or its absence) is remembered in this process under the generation of its
table; a change anywhere bumps the generation, so the next run re-reads it. Absent means today,
computed at each call so that midnight needs no invalidation.
"""

import datetime

from django.utils import timezone

from hawk.models import BusinessDate

TABLE = BusinessDate._meta.db_table
_latest: tuple[int, datetime.date | None] | None = None


def current_business_date(generation: int | None) -> datetime.date:
    """`generation` of TABLE as just read from the cache, or None when the cache is down."""
    global _latest
    if generation is None:
        return BusinessDate.current()
    latest = _latest
    if latest is None or latest[0] != generation:
        latest = (generation, BusinessDate.stored())
        _latest = latest
    return latest[1] or timezone.now().date()

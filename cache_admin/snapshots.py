"""The cache statistics over time: a snapshot of the shared counters every few minutes.

Counters are cumulative since the last reset; the admin page shows the change between
snapshots (hits, misses and hit rate per interval). Snapshots are taken when someone looks
(/cache/stats, the admin page) or by `manage.py cache_snapshot` from a scheduler, at most one
per interval, and the last day of them is kept in the shared cache.
"""

import datetime
import itertools
import time
from typing import Any

from django.core.cache import cache

from hawk.datacache import stats

KEY = "hawk:cache-stats-snapshots"
INTERVAL_SECONDS = 300
KEPT = 288  # a day of 5-minute snapshots
COUNTERS = ("hit", "miss", "write", "invalidate", "error")


def record_snapshot(*, force: bool = False) -> bool:
    """Adds a snapshot unless the last one is younger than the interval. Never raises: the
    statistics pages stay up while the cache is down (they say so themselves)."""
    try:
        kept = cache.get(KEY) or []
        now = time.time()
        if kept and not force and now - kept[-1]["at"] < INTERVAL_SECONDS:
            return False
        counters = stats.read_counters()
        kept.append({"at": now, **{name: counters.get(name, 0) for name in COUNTERS}})
        cache.set(KEY, kept[-KEPT:], timeout=None)
        return True
    except Exception:  # a statistics page must not fail on a cache outage
        return False


def intervals() -> list[dict[str, Any]]:
    """The change between consecutive snapshots, newest first."""
    try:
        kept = cache.get(KEY) or []
    except Exception:
        return []
    rows = []
    for before, after in itertools.pairwise(kept):
        change = {name: max(after[name] - before[name], 0) for name in COUNTERS}
        looked_up = change["hit"] + change["miss"]
        rate = round(change["hit"] / looked_up, 4) if looked_up else None
        rows.append(
            {"from": _moment(before["at"]), "to": _moment(after["at"]), **change, "hit_rate": rate}
        )
    return rows[::-1]


def _moment(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat(timespec="seconds")

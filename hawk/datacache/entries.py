"""The entries the data cache holds, for the operators' cache pages: what, how big, how old.

Listing walks the keys (SCAN on Redis, the process's dict on the local-memory cache): fine for
an admin page over a few thousand entries, never used on the request path. An entry is
`current` while its key is the one a read would use now; after a write to its table it is
superseded (never read again) and only waits for its TTL.
"""

import pickle
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from hawk.datacache.generations import current_generations
from hawk.datacache.shared import redis_configured
from hawk.datacache.store import cache_key
from hawk.sources import SOURCES

PREFIX = "data:"


@dataclass(frozen=True)
class CacheEntry:
    key: str
    source: str
    table: str
    filters: dict[str, Any]
    records: int
    size_bytes: int
    age_seconds: float | None
    expires_in_seconds: float | None
    current: bool
    rows: Any

    def summary(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "source": self.source,
            "table": self.table,
            "filters": self.filters,
            "records": self.records,
            "size_bytes": self.size_bytes,
            "age_seconds": self.age_seconds,
            "expires_in_seconds": self.expires_in_seconds,
            "current": self.current,
        }


def local_data_items() -> dict[str, bytes]:
    """The data entries of this process's local-memory cache, pickled, by their cache-API key
    (the backend stores ":<version>:<key>"; fill locks "fill:data:..." are not entries)."""
    stored = getattr(cache, "_cache", {})
    items = ((full.split(":", 2)[-1], value) for full, value in list(stored.items()))
    return {name: value for name, value in items if name.startswith(PREFIX)}


def data_keys() -> list[str]:
    """The keys of the data entries (as the cache API names them)."""
    if redis_configured():
        return sorted(cache.iter_keys(f"{PREFIX}*"))  # type: ignore[attr-defined]
    return sorted(local_data_items())


def cache_entries() -> list[CacheEntry]:
    """Every data entry still in the cache, by source then age (newest first)."""
    keys = data_keys()
    found = cache.get_many(keys) if keys else {}
    tables = {str(_info(value)["table"]) for value in found.values() if _info(value).get("table")}
    generations = current_generations(tables)
    entries = [_entry(key, value, generations) for key, value in found.items()]
    return sorted(entries, key=lambda entry: (entry.source, entry.age_seconds or 0))


def cache_entry(key: str) -> CacheEntry | None:
    if not key.startswith(PREFIX):
        return None
    value = cache.get(key)
    if value is None:
        return None
    table = _info(value).get("table")
    return _entry(key, value, current_generations({table}) if table else {})


def _info(value: Any) -> dict[str, Any]:
    """The entry's description (stored since it was added; older entries have none)."""
    return value[1] if isinstance(value, tuple) and len(value) > 1 else {}


def _entry(key: str, value: Any, generations: dict[str, int]) -> CacheEntry:
    info, rows = _info(value), value[0]
    source, table = info.get("source") or key.split(":")[1], info.get("table") or ""
    filters = info.get("filters") or {}
    age = time.time() - info["stored_at"] if "stored_at" in info else None
    expires = info["ttl"] - age if age is not None and "ttl" in info else None
    generation = generations.get(table)
    # The source's shape now: an entry of a shape a deploy changed is no longer in use.
    fingerprint = SOURCES[source].fingerprint if source in SOURCES else ""
    in_use = generation is not None and key == cache_key(
        source, filters, {table: generation}, fingerprint
    )
    return CacheEntry(
        key=key,
        source=source,
        table=table,
        filters=filters,
        records=len(rows) if isinstance(rows, list | tuple) else 1,
        size_bytes=len(pickle.dumps(rows)),
        age_seconds=None if age is None else round(age, 1),
        expires_in_seconds=None if expires is None else round(max(expires, 0.0), 1),
        current=in_use,
        rows=rows,
    )


def holds_currency(entry: CacheEntry, currency: str) -> bool:
    """Whether the entry may hold rows of the currency: its filters name it (a code, a list of
    codes, a rate pair), or it is not narrowed to any currency at all (then it holds every
    currency's rows)."""
    named = [value for column, value in entry.filters.items() if _currency_filter(column)]
    if not named:
        return True
    return any(_mentions(value, currency) for value in named)


def _currency_filter(column: str) -> bool:
    name = column.split("__", 1)[0]
    return name in {"currency_code", "exposure_currency", "currency_pair"}


def _mentions(value: Any, currency: str) -> bool:
    if isinstance(value, list | tuple):
        return any(_mentions(item, currency) for item in value)
    return currency in str(value).upper()


def delete_currency_entries(currency: str, *, source: str | None = None) -> list[CacheEntry]:
    """Deletes the entries (of one source, or all) that may hold rows of the currency; the
    next read of them goes to the database. Entries of other currencies stay."""
    doomed = [
        entry
        for entry in cache_entries()
        if (source is None or entry.source == source) and holds_currency(entry, currency)
    ]
    if doomed:
        cache.delete_many([entry.key for entry in doomed])
    return doomed

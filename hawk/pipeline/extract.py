"""Extract: read every source of a plan concurrently, cache-first, with exact filters.

Concurrency is real: each source is read on a worker thread of a shared pool, and each worker
thread holds its own database connection (from Django's psycopg pool on Postgres). Django's
async ORM methods would run one after another on a single thread, which is what we avoid.
When the caller is inside a transaction, the reads run on the caller's thread instead, so they
see the caller's own uncommitted writes (other connections could not).

Connections: a thread never waits for other threads' reads while it holds a connection of the
same pool. The caller (a request thread of the plan or context endpoint) hands its connection
back before it fans out, and takes one again only if it queries afterwards. When it kept its
connection, 30 users on a pool of 20 held all 20 in request threads waiting on workers that
waited 10 s for a connection (issue 8: 503s, p95 30 s; 30 users x 5 uncached context requests
measured 59 pool timeouts). Released, the same load gives 150 of 150 answered, p95 1.3 s on
2 cores, at a pool of 20 and of 2 alike. Reading every source on the request's own connection
measured the same on the demo data (p95 1.27 s) but gives up the concurrency that pays on
large tables (docs/benchmarks.md); a second pool for the workers would only move the limit
(two pools to size, twice the connections). Fill locks of the cache are taken with the
connection already in hand (hold_connection), so no cycle goes through them either.

One generic function reads any source; what a source is lives in sources.py, what to read in
the plan. No query code per intent.
"""

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum

from hawk.database.routers import hawk_alias
from hawk.database.threads import call_and_release, db_executor, hold_connection, release_connection
from hawk.datacache import stats
from hawk.datacache.generations import Generations
from hawk.datacache.store import Lookup, Slot, fill, lookup_many
from hawk.filters import filter_lookup
from hawk.pipeline.plan import Plan, SourceRead
from hawk.sources import SourceSpec, source_spec
from hawk.telemetry import metrics


@dataclass(frozen=True)
class SourceResult:
    name: str
    records: list[dict[str, Any]]
    ms: float
    cache: str  # hit | miss | bypass | degraded

    def summary(self) -> dict[str, Any]:
        return {"records": len(self.records), "ms": round(self.ms, 3), "cache": self.cache}


@dataclass
class Extraction:
    results: dict[str, SourceResult] = field(default_factory=dict)
    extraction_ms: float = 0.0
    # The generations of the tables read, as they were before the first row was read (None
    # when the cache was down): what anything built from these records may be cached under.
    generations: dict[str, int] | None = None

    @property
    def records(self) -> dict[str, list[dict[str, Any]]]:
        return {name: result.records for name, result in self.results.items()}

    @property
    def record_count(self) -> int:
        return sum(len(result.records) for result in self.results.values())

    @property
    def cache(self) -> str:
        """hit (all sources from cache), miss (none), partial, or degraded / bypass."""
        statuses = {result.cache for result in self.results.values()}
        for special in ("degraded", "bypass"):
            if special in statuses:
                return special
        if statuses <= {"hit"}:
            return "hit"
        return "miss" if statuses == {"miss"} else "partial"

    @property
    def sum_of_source_ms(self) -> float:
        return sum(result.ms for result in self.results.values())

    def by_source(self) -> dict[str, dict[str, Any]]:
        return {name: result.summary() for name, result in self.results.items()}


# --- reading one source ---------------------------------------------------------------------


def _attname(spec: SourceSpec, column: str) -> str:
    """The ORM name of a column (`currency_code` -> `currency_id`); paths pass through."""
    if "__" in column:
        return column
    for model_field in spec.model._meta.concrete_fields:
        if column in (model_field.column, model_field.attname, model_field.name):
            return model_field.attname if model_field.column == column else column
    raise KeyError(f"source {spec.name} has no column {column!r}")


def _filter_q(spec: SourceSpec, key: str, value: Any) -> Q:
    column, lookup = filter_lookup(key)
    return lookup.query(_attname(spec, column), value)


def _queryset(spec: SourceSpec, filters: dict[str, Any]) -> QuerySet:
    queryset = spec.model._default_manager.filter(**spec.fixed_filters)
    for key, value in filters.items():
        queryset = queryset.filter(_filter_q(spec, key, value))
    return queryset


def _value_args(spec: SourceSpec, columns: Iterable[str]) -> tuple[list[str], dict[str, F]]:
    """values() arguments that name every output key by its column name."""
    plain, renamed = [], {}
    for column in columns:
        attname = _attname(spec, column)
        if attname == column or column in {f.name for f in spec.model._meta.concrete_fields}:
            plain.append(column)
        else:
            renamed[column] = F(attname)
    return plain, renamed


def _order(spec: SourceSpec) -> list[str]:
    return [
        ("-" if name.startswith("-") else "") + _attname(spec, name.lstrip("-"))
        for name in spec.order_by
    ]


def _read_rows(spec: SourceSpec, queryset: QuerySet) -> QuerySet:
    plain, renamed = _value_args(spec, spec.columns)
    rows = queryset.order_by(*_order(spec)).values(*plain, **renamed)
    return rows[: spec.limit] if spec.limit else rows


def _read_sum(spec: SourceSpec, queryset: QuerySet) -> QuerySet:
    plain, renamed = _value_args(spec, spec.group_by)
    grouped = queryset.values(*plain, **renamed)
    return grouped.annotate(**{spec.sum_field: Sum(spec.sum_field)}).order_by(*_order(spec))


def _read_latest(spec: SourceSpec, queryset: QuerySet) -> QuerySet:
    """The newest row per group_by key. Postgres: DISTINCT ON over the matching index; other
    databases: a correlated subquery picking the newest date per key."""
    keys = [_attname(spec, column) for column in spec.group_by]
    if connections[hawk_alias()].features.can_distinct_on_fields:
        newest = queryset.order_by(*keys, f"-{spec.date_field}").distinct(*keys)
        return _read_rows(spec, spec.model._default_manager.filter(pk__in=newest.values("pk")))
    newest_date = queryset.filter(**{key: OuterRef(key) for key in keys}).order_by(
        f"-{spec.date_field}"
    )
    latest = queryset.filter(**{spec.date_field: Subquery(newest_date.values(spec.date_field)[:1])})
    return _read_rows(spec, latest)


_SHAPES = {"rows": _read_rows, "sum": _read_sum, "latest": _read_latest}


def read_source(read: SourceRead) -> list[dict[str, Any]]:
    """The records of one source: a list of dicts keyed by column name."""
    return read_spec(source_spec(read.name), read.filters)


def read_spec(spec: SourceSpec, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """The records of a source spec (also a variant of a registered one, see analytics)."""
    return list(_SHAPES[spec.shape](spec, _queryset(spec, filters)))


# --- reading a plan -------------------------------------------------------------------------


def _lookup(read: SourceRead) -> Lookup:
    spec = source_spec(read.name)
    return Lookup(
        read.name, spec.table, read.filters, lambda: read_source(read), spec.ttl, spec.fingerprint
    )


def _timed_fill(
    lookup: Lookup, slot: Slot | None, tally: stats.Tally, use_cache: bool, intent: str
) -> SourceResult:
    started = time.perf_counter()
    outcome = fill(lookup, slot, tally=tally, use_cache=use_cache, intent=intent)
    ms = (time.perf_counter() - started) * 1000
    metrics.SOURCE_SECONDS.labels(lookup.source, outcome.status).observe(ms / 1000)
    return SourceResult(lookup.source, outcome.value, ms, outcome.status)


def _connected_fill(
    lookup: Lookup, slot: Slot | None, tally: stats.Tally, use_cache: bool, intent: str
) -> SourceResult:
    hold_connection()
    return _timed_fill(lookup, slot, tally, use_cache, intent)


def _worker_fill(
    lookup: Lookup, slot: Slot | None, tally: stats.Tally, use_cache: bool, intent: str
) -> SourceResult:
    """On a pool thread, which gives its connection back afterwards."""
    return call_and_release(_connected_fill, lookup, slot, tally, use_cache, intent)


@dataclass
class _Round:
    """The cache round of an extraction: hits answered at once, the rest still to read."""

    lookups: list[Lookup]
    hits: dict[str, SourceResult]
    to_fill: dict[str, Slot | None]
    generations: dict[str, int] | None
    tally: stats.Tally
    started: float


def _cache_round(plan: Plan, use_cache: bool, generations_read: Generations | None) -> _Round:
    started, tally = time.perf_counter(), stats.Tally()
    lookups = [_lookup(read) for read in plan.sources]
    found = lookup_many(
        lookups,
        tally=tally,
        use_cache=use_cache,
        intent=plan.intent,
        generations_read=generations_read,
    )
    ms = (time.perf_counter() - started) * 1000
    for name in found.hits:
        metrics.SOURCE_SECONDS.labels(name, "hit").observe(ms / 1000)
    results = {name: SourceResult(name, hit.value, ms, "hit") for name, hit in found.hits.items()}
    return _Round(lookups, results, found.to_fill, found.generations, tally, started)


def _cache_round_done(
    plan: Plan, use_cache: bool, generations_read: Generations | None
) -> tuple[_Round, Extraction | None]:
    """The cache round and, when every source was a hit, the finished extraction: its counts
    go to Redis on the same trip to a database thread."""
    cache_round = _cache_round(plan, use_cache, generations_read)
    return cache_round, (None if cache_round.to_fill else _finish(plan, cache_round, []))


def _finish(plan: Plan, cache_round: _Round, filled: list[SourceResult]) -> Extraction:
    cache_round.tally.flush()
    by_name = {**cache_round.hits, **{result.name: result for result in filled}}
    results = {read.name: by_name[read.name] for read in plan.sources}
    ms = (time.perf_counter() - cache_round.started) * 1000
    extraction = Extraction(results, ms, cache_round.generations)
    metrics.EXTRACTION_SECONDS.labels(plan.data_scope, extraction.cache).observe(
        extraction.extraction_ms / 1000
    )
    metrics.RECORDS_PER_RUN.observe(extraction.record_count)
    return extraction


def _misses(cache_round: _Round) -> list[tuple[Lookup, Slot | None]]:
    return [
        (lookup, cache_round.to_fill[lookup.source])
        for lookup in cache_round.lookups
        if lookup.source in cache_round.to_fill
    ]


def extract(
    plan: Plan, *, use_cache: bool = True, generations_read: Generations | None = None
) -> Extraction:
    """Read all sources of the plan: every cache lookup in one round trip, then the misses
    concurrently (on the caller's thread when it is inside a transaction). The keys are built
    on `generations_read` when the caller read them before any row (see lookup_many)."""
    cache_round = _cache_round(plan, use_cache, generations_read)
    misses, intent, tally = _misses(cache_round), plan.intent, cache_round.tally
    if connections[hawk_alias()].in_atomic_block or len(misses) < 2:
        filled = [_connected_fill(lkp, slot, tally, use_cache, intent) for lkp, slot in misses]
    else:
        # This thread is about to wait for workers that each need a connection of the pool:
        # holding one itself while it waits is how concurrent requests drained the pool.
        release_connection()
        futures = [
            db_executor().submit(_worker_fill, lookup, slot, tally, use_cache, intent)
            for lookup, slot in misses
        ]
        filled = [future.result() for future in futures]
    return _finish(plan, cache_round, filled)


async def extract_async(
    plan: Plan, *, use_cache: bool = True, generations_read: Generations | None = None
) -> Extraction:
    """The same from async code: the event loop waits while pool threads do the I/O."""
    loop = asyncio.get_running_loop()
    # The cache round may read the feed's generations: its thread gives its connection back.
    cache_round, done = await loop.run_in_executor(
        db_executor(), call_and_release, _cache_round_done, plan, use_cache, generations_read
    )
    if done is not None:
        return done
    tally, intent = cache_round.tally, plan.intent
    futures = [
        loop.run_in_executor(db_executor(), _worker_fill, lookup, slot, tally, use_cache, intent)
        for lookup, slot in _misses(cache_round)
    ]
    filled = list(await asyncio.gather(*futures))
    # _finish flushes the statistics to Redis: not on the event loop.
    return await loop.run_in_executor(
        db_executor(), call_and_release, _finish, plan, cache_round, filled
    )

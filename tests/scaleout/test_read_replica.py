"""Read replicas, exact over lag: a cache fill reads a streaming standby only once it has
replayed the write its generation stands for; else, or when the standby is down or lags by more
than HAWK_REPLICA_MAX_LAG_SECONDS, the primary. Replay is paused (pg_wal_replay_pause()) to
make the standby lag for as long as a test needs."""

import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from tests.hawk.datacache.changefeed.logical_support import Worker
from tests.pg_cluster import Cluster, Standby
from tests.scaleout.conftest import DATABASE
from tests.scaleout.support import SEEDED, rows
from tests.uvicorn_process import free_port


@dataclass
class Product:
    """A worker process of the product, reading through replicas, and how it learns of writes:
    `triggers` (the feed's generations, kept in Postgres) or `off` (Django's, in Redis)."""

    worker: Worker
    feed: str
    primary: psycopg.Connection

    def write(self, amount: int) -> None:
        """Through Django in `off` mode (its bump records the WAL position), else from outside
        Django, as the platform's own writers do."""
        if self.feed == "off":
            self.worker.call("write", nav_id="NAV1", amount=str(amount))
        else:
            self.primary.execute(
                "UPDATE position_nav_master SET current_position = %s WHERE nav_id = 'NAV1'",
                [amount],
            )

    def read(self, *, use_cache: bool = True) -> list[list[str]]:
        return self.worker.call("read", use_cache=use_cache)["rows"]

    def fills(self) -> dict[str, float]:
        return self.worker.call("fills")


def start_product(primary_url: str, standby: Standby, feed: str, max_lag: str) -> Worker:
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/{DATABASE}"
    environment = {
        # The first replica is down: it is skipped and the second one serves.
        "DATABASE_REPLICA_URLS": f"{dead},{standby.url(DATABASE)}",
        "HAWK_REPLICA_MAX_LAG_SECONDS": max_lag,
        "DATABASE_CONNECT_TIMEOUT": "1",
    }
    return Worker(primary_url, feed, environment)


@pytest.fixture(params=["triggers", "off"])
def product(
    request: pytest.FixtureRequest,
    primary: psycopg.Connection,
    primary_url: str,
    standby: Standby,
) -> Iterator[Product]:
    worker = start_product(primary_url, standby, request.param, max_lag="60")
    try:
        yield Product(worker, request.param, primary)
    finally:
        worker.close()


def standby_amount(standby: Standby) -> str:
    statement = "SELECT current_position FROM position_nav_master WHERE nav_id = 'NAV1'"
    return f"{standby.query(DATABASE, statement)[0]:.2f}"


def grew(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def test_a_fill_reads_the_replica_once_it_has_replayed_the_generation(product: Product) -> None:
    before = product.fills()
    assert product.read(use_cache=False) == SEEDED
    assert grew(before, product.fills()) == {"replica": 1}


def test_a_lagging_replica_is_never_used_for_a_newer_generation(
    product: Product, standby: Standby, logical_cluster: Cluster
) -> None:
    product.read()
    standby.pause_replay()
    before, stale = product.fills(), 0
    for amount in range(101, 106):
        product.write(amount)
        assert standby_amount(standby) == "100.00"  # the standby really lags
        stale += product.read() != rows(amount)
    assert stale == 0
    assert grew(before, product.fills()) == {"primary_behind": 5}
    standby.resume_replay()
    standby.wait_replayed(logical_cluster)
    before = product.fills()
    assert product.read(use_cache=False) == rows(105)
    assert grew(before, product.fills()) == {"replica": 1}


def test_a_replica_further_behind_than_the_limit_is_skipped(
    primary: psycopg.Connection, primary_url: str, standby: Standby
) -> None:
    worker = start_product(primary_url, standby, "triggers", max_lag="1")
    try:
        product = Product(worker, "triggers", primary)
        standby.pause_replay()
        # Another table: the positions' generation stays what the standby has replayed.
        primary.execute("UPDATE entity_master SET entity_name = 'Renamed' WHERE entity_id = 'E1'")
        time.sleep(1.5)
        before = product.fills()
        assert product.read(use_cache=False) == SEEDED
        assert grew(before, product.fills()) == {"primary_lagging": 1}
    finally:
        worker.close()


# The analytics API's direct reads: the same rules, counted in hawk_replica_reads_total.

NOTE = (
    "UPDATE position_nav_master SET data_quality_status = 'Flagged', data_quality_notes = %s "
    "WHERE nav_id = 'NAV1'"
)


@pytest.fixture
def analytics_worker(
    primary: psycopg.Connection, primary_url: str, standby: Standby
) -> Iterator[Worker]:
    worker = start_product(primary_url, standby, "triggers", max_lag="60")
    try:
        yield worker
    finally:
        worker.close()


def test_analytics_read_the_replica_when_exact_and_the_primary_while_it_lags(
    analytics_worker: Worker,
    primary: psycopg.Connection,
    standby: Standby,
    logical_cluster: Cluster,
) -> None:
    worker = analytics_worker
    before = worker.call("reads")
    worker.call("analytics")  # the exceptions and the usage figures: two reads
    assert grew(before, worker.call("reads")) == {"replica": 2}
    standby.pause_replay()
    before, stale = worker.call("reads"), 0
    for n in range(3):
        primary.execute(NOTE, [f"note {n}"])  # a platform writer, from outside Django
        stale += worker.call("analytics")["notes"].get("NAV1") != f"note {n}"
    assert stale == 0
    assert grew(before, worker.call("reads")) == {"primary_behind": 6}
    standby.resume_replay()
    standby.wait_replayed(logical_cluster)
    before = worker.call("reads")
    assert worker.call("analytics")["notes"]["NAV1"] == "note 2"
    assert grew(before, worker.call("reads")) == {"replica": 2}

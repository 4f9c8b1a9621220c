"""Fixtures of the logical-feed tests: a private cluster with wal_level=logical
(tests/pg_cluster.py), a database there with the product's tables (migrated) and two
positions, and a worker process of the product pointed at it (logical_support.py, worker.py)."""

import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest

from tests.hawk.datacache.changefeed.logical_support import (
    ROOT,
    SEED,
    Worker,
    drop_slot,
    worker_environment,
)
from tests.pg_cluster import Cluster, logical_cluster

__all__ = ["logical_cluster"]


@pytest.fixture(scope="session")
def logical_database(logical_cluster: Cluster) -> str:
    """A database of the private cluster with every table of the product, migrated."""
    url = logical_cluster.create_database("hawk_logical")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=worker_environment(url),
        check=True,
        timeout=120,
    )
    return url


@pytest.fixture
def hawk_db(logical_database: str) -> Iterator[psycopg.Connection]:
    """A connection of its own (autocommit) to that database: no slot, the seed rows."""
    with psycopg.connect(logical_database, autocommit=True) as connection:
        drop_slot(connection)
        connection.execute(SEED)
        yield connection
        drop_slot(connection)


@pytest.fixture
def worker(hawk_db: psycopg.Connection, logical_database: str) -> Iterator[Worker]:
    started = Worker(logical_database)
    try:
        yield started
    finally:
        started.close()

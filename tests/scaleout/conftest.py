"""Fixtures of the scale-out tests: a private primary (tests/pg_cluster.py) with the product's
tables and the change feed, a streaming hot standby of it (pg_basebackup -R, its own port),
and worker processes of the product pointed at both; for the app processes, committed users
(tests/live.py)."""

import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest

from tests.hawk.datacache.changefeed.logical_support import ROOT, SEED, worker_environment
from tests.live import analyst, analyst_token, committed_demo, make_user
from tests.pg_cluster import Cluster, Standby, logical_cluster, start_standby, stop_standby

__all__ = ["analyst", "analyst_token", "committed_demo", "logical_cluster", "make_user"]

DATABASE = "hawk_scaleout"


@pytest.fixture(scope="session")
def primary_url(logical_cluster: Cluster) -> str:
    """A database of the private primary, migrated, with the change feed (triggers) installed."""
    url = logical_cluster.create_database(DATABASE)
    for command in (["migrate", "--verbosity", "0"], ["install_change_feed"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=worker_environment(url, "triggers"),
            check=True,
            timeout=120,
            capture_output=True,
        )
    return url


@pytest.fixture(scope="session")
def standby(logical_cluster: Cluster, primary_url: str) -> Iterator[Standby]:
    started = start_standby(logical_cluster)
    try:
        yield started
    finally:
        stop_standby(started)


@pytest.fixture
def seeded(primary_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the primary, the seed rows written."""
    with psycopg.connect(primary_url, autocommit=True) as connection:
        connection.execute(SEED)
        yield connection


@pytest.fixture
def primary(
    seeded: psycopg.Connection, standby: Standby, logical_cluster: Cluster
) -> Iterator[psycopg.Connection]:
    """The same, the seed rows replayed on the standby, whose replay is resumed after the test
    whatever happened."""
    standby.wait_replayed(logical_cluster)
    try:
        yield seeded
    finally:
        standby.resume_replay()

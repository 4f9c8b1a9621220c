"""A private PostgreSQL cluster for the tests that need server settings the shared one lacks
(wal_level=logical): initdb into a temporary directory, started on a free port of 127.0.0.1,
stopped and removed after the session. A support module, not a test module."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

SERVER_OPTIONS = (
    "-c wal_level=logical -c max_replication_slots=4 -c max_wal_senders=4 -c fsync=off "
    "-c listen_addresses=127.0.0.1"
)


@dataclass(frozen=True)
class Cluster:
    port: int
    bindir: Path
    root: Path

    def restart(self) -> None:
        """A real restart (fast shutdown): every connection is dropped, and notifications sent
        while the server is down are lost."""
        _run([*_pg_ctl(self.bindir, self.root), "-o", _options(self.port, self.root), "restart"])

    def stop_server(self) -> None:
        """Down (fast shutdown: every connection dropped) until start_server()."""
        _run([*_pg_ctl(self.bindir, self.root), "-m", "fast", "stop"])

    def start_server(self) -> None:
        _run([*_pg_ctl(self.bindir, self.root), "-o", _options(self.port, self.root), "start"])

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def copy_database(self, source_url: str, name: str) -> str:
        """A database of this cluster holding what `source_url`'s holds now (pg_dump piped
        into psql): the committed rows of a test database, on a server a test may restart."""
        url = self.create_database(name)
        dump = subprocess.Popen(
            [str(self.bindir / "pg_dump"), "--no-owner", "--no-privileges", source_url],
            stdout=subprocess.PIPE,
        )
        try:
            subprocess.run(
                [str(self.bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", url],
                stdin=dump.stdout, capture_output=True, timeout=120, check=True,
            )  # fmt: skip
        finally:
            if dump.stdout is not None:
                dump.stdout.close()
            dump.wait(120)
        return url

    def create_database(self, name: str) -> str:
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def server_bindir() -> Path | None:
    """The newest installed server's binaries (Debian's layout), or PG_BINDIR."""
    if configured := os.environ.get("PG_BINDIR"):
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    return Path(found[-1]).parent if found else None


def _major(initdb: str) -> int:
    version = Path(initdb).parent.parent.name
    return int(version) if version.isdigit() else 0


def _as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the postgres OS user then.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    result = subprocess.run(
        _as_server_user(command), capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_directory() -> Path:
    root = Path(tempfile.mkdtemp(prefix="hawk-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return root


def _start(bindir: Path, root: Path) -> Cluster:
    data, port = root / "data", _free_port()
    _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"])
    _run([*_pg_ctl(bindir, root), "-o", _options(port, root), "start"])
    return Cluster(port, bindir, root)


def _options(port: int, root: Path) -> str:
    return f"{SERVER_OPTIONS} -c port={port} -c unix_socket_directories={root}"


def _pg_ctl(bindir: Path, root: Path) -> list[str]:
    return [
        str(bindir / "pg_ctl"),
        "-D",
        str(root / "data"),
        "-l",
        str(root / "log"),
        "-w",
        "-t",
        "30",
    ]


def _stop(bindir: Path, root: Path) -> None:
    if (root / "data" / "postmaster.pid").exists():
        _run([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "-w", "stop"])
    shutil.rmtree(root, ignore_errors=True)


def start_cluster() -> Cluster:
    """A private cluster outside pytest (bench/faults.py); stop it with stop_cluster."""
    bindir = server_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        raise RuntimeError("needs the PostgreSQL server binaries (initdb, pg_ctl)")
    return _start(bindir, _make_directory())


def stop_cluster(cluster: Cluster) -> None:
    _stop(cluster.bindir, cluster.root)


def _bindir_or_skip() -> Path:
    bindir = server_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        message = "needs the PostgreSQL server binaries (initdb, pg_ctl) for a private cluster"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return bindir


@pytest.fixture(scope="session")
def logical_cluster() -> Iterator[Cluster]:
    """A running cluster with wal_level=logical (skipped without the server binaries, except
    in CI, where that is a failure)."""
    yield from _own_cluster()


@pytest.fixture(scope="module")
def restartable_cluster() -> Iterator[Cluster]:
    """A cluster of its own for the tests that restart Postgres (never the shared one, nor the
    session's logical cluster that other tests stream from)."""
    yield from _own_cluster()


def _own_cluster() -> Iterator[Cluster]:
    bindir = _bindir_or_skip()
    root = _make_directory()
    try:
        yield _start(bindir, root)
    finally:
        _stop(bindir, root)


# --- a streaming hot standby of a private cluster (tests/scaleout) ----------------------------


@dataclass(frozen=True)
class Standby:
    """A hot standby made by pg_basebackup -R, streaming from its primary on a port of its own."""

    port: int
    bindir: Path
    root: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, database: str, statement: str) -> Any:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            return connection.execute(statement).fetchone()

    def pause_replay(self) -> None:
        self.query("postgres", "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.query("postgres", "SELECT pg_wal_replay_resume()")

    def wait_replayed(self, primary: Cluster, timeout: float = 15.0) -> None:
        """Until the standby has replayed everything the primary has written (bounded)."""
        with psycopg.connect(primary.url(), autocommit=True) as connection:
            target = connection.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replayed = self.query("postgres", f"SELECT pg_last_wal_replay_lsn() >= '{target}'")
            if replayed[0]:
                return
            time.sleep(0.05)
        raise AssertionError(f"the standby did not replay up to {target} in {timeout} s")


def start_standby(primary: Cluster) -> Standby:
    root, port = _make_directory(), _free_port()
    try:
        _run(
            [
                str(primary.bindir / "pg_basebackup"),
                *("-D", str(root / "data"), "-h", "127.0.0.1", "-p", str(primary.port)),
                *("-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"),
            ]
        )
        _run([*_pg_ctl(primary.bindir, root), "-o", _options(port, root), "start"])
    except Exception:
        _stop(primary.bindir, root)
        raise
    return Standby(port, primary.bindir, root)


def stop_standby(standby: Standby) -> None:
    _stop(standby.bindir, standby.root)

"""The change feed in logical mode, on a private cluster with wal_level=logical: writes made
outside Django (psycopg, its own connection) reach the next extraction, with or without the
slot reader; a rollback bumps nothing; a lost slot bumps everything and is recreated."""

import io
import time
from collections.abc import Callable

import psycopg
import pytest
from django.core.management import call_command

from hawk.database.routers import HAWK_TABLES
from hawk.datacache.changefeed import logical
from tests.hawk.datacache.changefeed.logical_support import SEED, SLOT, Worker

WAIT_SECONDS = 10.0

WRITES = {
    "update": "UPDATE position_nav_master SET current_position = 150 WHERE nav_id = 'NAV1'",
    "insert": (
        "INSERT INTO position_nav_master (nav_id, entity_id, currency_code, as_of_date, "
        "nav_type, current_position) VALUES ('NAV3', 'E1', 'CNY', '2024-03-31', 'COI', 300)"
    ),
    "delete": "DELETE FROM position_nav_master WHERE nav_id = 'NAV2'",
    "truncate": "TRUNCATE position_nav_master",
}
AFTER = {
    "update": [["NAV1", "150.00"], ["NAV2", "200.00"]],
    "insert": [["NAV1", "100.00"], ["NAV2", "200.00"], ["NAV3", "300.00"]],
    "delete": [["NAV1", "100.00"]],
    "truncate": [],
}
SEEDED = [["NAV1", "100.00"], ["NAV2", "200.00"]]


def confirmed(connection: psycopg.Connection) -> str | None:
    row = connection.execute(
        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = %s", [SLOT]
    ).fetchone()
    return row[0] if row else None


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def installed(worker: Worker) -> None:
    assert "installed" in worker.call("command", args=["--mode", "logical"])
    first = worker.call("read")
    assert (first["status"], first["rows"]) == ("miss", SEEDED)
    assert worker.call("read")["status"] == "hit"


@pytest.mark.postgres
@pytest.mark.parametrize("write", sorted(WRITES))
def test_an_outside_write_reaches_the_next_extraction_without_the_reader(hawk_db, worker, write):
    installed(worker)
    before = confirmed(hawk_db)
    hawk_db.execute(WRITES[write])
    assert worker.call("unread") == ["position_nav_master"]
    read = worker.call("read")
    assert (read["status"], read["rows"]) == ("miss", AFTER[write])
    assert confirmed(hawk_db) == before  # peeked, never consumed: the reader does that


@pytest.mark.postgres
def test_a_rollback_bumps_nothing(hawk_db, worker):
    installed(worker)
    generations = worker.call("generations")
    with pytest.raises(RuntimeError), hawk_db.transaction():
        hawk_db.execute(WRITES["update"])
        raise RuntimeError("roll back")
    assert worker.call("unread") == []
    assert worker.call("read") == {"rows": SEEDED, "status": "hit"}
    assert worker.call("generations") == generations


@pytest.mark.postgres
def test_the_reader_bumps_then_advances_the_slot(hawk_db, worker):
    installed(worker)
    generation = worker.call("generations")["position_nav_master"]
    assert worker.call("start_reader")
    wait_until(lambda: worker.call("connected"), "the reader to be elected")
    hawk_db.execute(WRITES["update"])
    written = hawk_db.execute("SELECT pg_current_wal_flush_lsn()::text").fetchone()[0]
    wait_until(
        lambda: hawk_db.execute(
            "SELECT %s::pg_lsn <= confirmed_flush_lsn FROM pg_replication_slots "
            "WHERE slot_name = %s",
            [written, SLOT],
        ).fetchone()[0],
        "the slot to be advanced past the write",
    )
    assert worker.call("generations")["position_nav_master"] > generation
    assert worker.call("unread") == []  # consumed: nothing left to peek at
    assert worker.call("read") == {"rows": AFTER["update"], "status": "miss"}


@pytest.mark.postgres
def test_the_reader_advances_past_wal_without_a_change_here(hawk_db, worker):
    installed(worker)
    assert worker.call("start_reader")
    with pytest.raises(RuntimeError), hawk_db.transaction():
        hawk_db.execute(WRITES["update"])
        raise RuntimeError("roll back: WAL, but no commit to advance to")
    flushed = hawk_db.execute("SELECT pg_current_wal_flush_lsn()::text").fetchone()[0]
    wait_until(
        lambda: hawk_db.execute(
            "SELECT %s::pg_lsn <= confirmed_flush_lsn FROM pg_replication_slots "
            "WHERE slot_name = %s",
            [flushed, SLOT],
        ).fetchone()[0],
        "the heartbeat to let the slot advance",
    )
    assert worker.call("read") == {"rows": SEEDED, "status": "hit"}


@pytest.mark.postgres
def test_a_dropped_slot_bumps_everything_and_the_reader_recreates_it(hawk_db, worker):
    installed(worker)
    hawk_db.execute("SELECT pg_drop_replication_slot(%s)", [SLOT])
    assert worker.call("unread") == sorted(HAWK_TABLES)
    generations = worker.call("generations")
    assert worker.call("start_reader")
    wait_until(lambda: confirmed(hawk_db) is not None, "the reader to recreate the slot")
    wait_until(
        lambda: all(
            worker.call("generations")[table] != generations[table] for table in HAWK_TABLES
        ),
        "every generation to be bumped",
    )
    hawk_db.execute(WRITES["delete"])
    wait_until(lambda: worker.call("unread") == [], "the reader to consume the delete")
    assert worker.call("read") == {"rows": AFTER["delete"], "status": "miss"}


@pytest.mark.postgres
def test_install_is_idempotent_and_uninstall_removes_the_slot(hawk_db, worker):
    for _ in range(2):
        assert "installed" in worker.call("command", args=["--mode", "logical"])
        assert confirmed(hawk_db) is not None
    for _ in range(2):
        assert "removed" in worker.call("command", args=["--mode", "logical", "--uninstall"])
        assert confirmed(hawk_db) is None


def test_print_writes_the_sql_for_a_dba(settings):
    settings.HAWK_CHANGE_FEED_SLOT = "hawk_agent"
    out = io.StringIO()
    call_command("install_change_feed", "--mode", "logical", "--print", stdout=out)
    assert out.getvalue() == (
        "SELECT pg_create_logical_replication_slot('hawk_agent', 'test_decoding');\n"
    )
    out = io.StringIO()
    call_command("install_change_feed", "--mode", "logical", "--print", "--uninstall", stdout=out)
    assert "pg_drop_replication_slot" in out.getvalue()
    assert "'hawk_agent'" in out.getvalue()


def test_other_modes_peek_at_nothing(settings):
    settings.HAWK_CHANGE_FEED = "triggers"
    assert logical.unread_tables(HAWK_TABLES) == set()


def test_trigger_mode_stays_exact_across_a_postgres_restart(logical_database, logical_cluster):
    """The listener's connection and every pooled connection die with the server, and a write
    made while the listener reconnects is never announced to it: the next read is exact all
    the same, and the listener comes back."""
    with psycopg.connect(logical_database, autocommit=True) as seeding:
        seeding.execute(SEED)
    worker = Worker(logical_database, feed="triggers")
    try:
        worker.call("command", args=["--mode", "triggers"])
        assert worker.call("start_listener")
        wait_until(lambda: worker.call("connected"), "the listener connects")
        assert worker.call("read")["status"] == "miss"
        assert worker.call("read")["status"] == "hit"
        logical_cluster.restart()
        update = "UPDATE position_nav_master SET current_position = %s WHERE nav_id = 'NAV1'"
        with psycopg.connect(logical_database, autocommit=True) as writer:
            writer.execute(update, [7])
        after = worker.call("read")
        assert after["status"] == "miss"
        assert ["NAV1", "7.00"] in after["rows"]
        wait_until(lambda: worker.call("connected"), "the listener reconnects")
        with psycopg.connect(logical_database, autocommit=True) as writer:
            writer.execute(update, [8])
        wait_until(lambda: worker.call("last_event") == "position_nav_master", "an event")
    finally:
        worker.call("command", args=["--mode", "triggers", "--uninstall"])
        worker.close()

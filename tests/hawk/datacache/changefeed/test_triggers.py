"""The trigger change feed keeps every cache exact whoever writes: each write below is made
outside Django (psycopg on its own connection, or psql), after the answer was cached, and the
next answer shows exactly what was committed."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hawk.datacache.changefeed import listener
from hawk.datacache.changefeed.install import install, uninstall
from hawk.datacache.changefeed.state import STATE
from hawk.datacache.changefeed.triggers import feed_generations
from hawk.sources import source_spec
from tests.hawk.datacache.changefeed.support import ask, assert_exact, outside, positions, psql

pytestmark = pytest.mark.postgres


@pytest.fixture
def feed(committed_demo, settings):
    settings.HAWK_CHANGE_FEED = "triggers"
    settings.HAWK_CHANGE_FEED_RECONNECT_SECONDS = 0.05
    install("triggers")
    yield
    listener.stop_listener()
    uninstall("triggers")


def a_position(prepared) -> tuple[str, object]:
    return sorted(positions(prepared).items())[0]


def row_of(conn, nav_id: str) -> dict:
    cursor = conn.execute("SELECT * FROM position_nav_master WHERE nav_id = %s", [nav_id])
    names = [column.name for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def add_outside(nav_id: str, amount: int) -> None:
    """Raise a position by `amount` on a connection of its own, as another service would."""
    with outside() as conn:
        conn.execute(
            "UPDATE position_nav_master SET current_position = current_position + %s "
            "WHERE nav_id = %s",
            [amount, nav_id],
        )


def test_an_update_by_another_connection_is_in_the_next_answer(feed):
    nav_id, amount = a_position(ask())
    add_outside(nav_id, 1234)
    after = ask()
    assert positions(after)[nav_id] == amount + 1234
    assert after.extraction.results["positions"].cache == "miss"
    assert_exact(after)


def test_an_update_by_psql_is_in_the_next_answer(feed):
    nav_id, _ = a_position(ask())
    psql(f"UPDATE position_nav_master SET current_position = 42 WHERE nav_id = '{nav_id}'")
    after = ask()
    assert positions(after)[nav_id] == 42
    assert_exact(after)


def test_a_delete_and_an_insert_are_each_in_the_next_answer(feed):
    nav_id, _ = a_position(ask())
    with outside() as conn:
        row = row_of(conn, nav_id)
        conn.execute("DELETE FROM position_nav_master WHERE nav_id = %s", [nav_id])
    deleted = ask()
    assert nav_id not in positions(deleted)
    assert_exact(deleted)
    with outside() as conn:
        columns, marks = ", ".join(row), ", ".join(["%s"] * len(row))
        insert = f"INSERT INTO position_nav_master ({columns}) VALUES ({marks})"
        conn.execute(insert, list(row.values()))
    inserted = ask()
    assert nav_id in positions(inserted)
    assert_exact(inserted)


def test_a_truncate_then_a_copy_are_each_in_the_next_answer(feed):
    before = ask()
    assert before.extraction.records["rates"]
    psql("TRUNCATE currency_rates")
    truncated = ask()
    assert truncated.extraction.records["rates"] == []
    assert_exact(truncated)
    rate = "RATE-99001,USDCNY,SPOT,7.3100000000,2026-11-19,,test,\n"
    psql("\\copy currency_rates FROM STDIN WITH (FORMAT csv)", stdin=rate)
    copied = ask()
    assert [row["currency_pair"] for row in copied.extraction.records["rates"]] == ["USDCNY"]
    assert_exact(copied)


def test_two_tables_written_in_one_transaction_are_both_in_the_next_answer(feed):
    nav_id, _ = a_position(ask())
    with outside() as conn, conn.transaction():
        conn.execute(
            "UPDATE position_nav_master SET current_position = 7 WHERE nav_id = %s", [nav_id]
        )
        conn.execute("UPDATE currency_rates SET rate_value = rate_value * 2")
    after = ask()
    assert positions(after)[nav_id] == 7
    assert_exact(after)


def test_a_run_reads_the_feed_generations_once_before_any_row(feed):
    """One read of the feed per run, for the vocabulary, the business date and every source
    the plan may need, made before the understanding: the rows read later are at least as
    new as the generations their keys are built on."""
    nav_id, amount = a_position(ask())
    add_outside(nav_id, 5)
    with CaptureQueriesContext(connection) as captured:
        after = ask()
    statements = [query["sql"] for query in captured.captured_queries]
    reads = [i for i, sql in enumerate(statements) if "hawk_agent.generation " in sql]
    rows = [i for i, sql in enumerate(statements) if 'FROM "position_nav_master"' in sql]
    assert len(reads) == 1, statements
    assert rows and reads[0] < rows[0]
    assert positions(after)[nav_id] == amount + 5
    # The extraction reports (and the answer cache keys on) the plan's own tables only.
    tables = {"position_nav_master", "currency_rates"}
    assert tables <= set(after.extraction.generations)
    assert set(after.extraction.generations) == {
        source_spec(read.name).table for read in after.plan.sources
    }
    assert_exact(after)


def test_a_rolled_back_write_changes_nothing_and_the_cache_still_answers(feed):
    nav_id, amount = a_position(ask())
    generations = feed_generations(["position_nav_master"])
    with outside() as conn:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE position_nav_master SET current_position = 1 WHERE nav_id = %s", [nav_id]
        )
        conn.execute("ROLLBACK")
    after = ask()
    assert feed_generations(["position_nav_master"]) == generations
    assert after.extraction.cache == "hit"
    assert positions(after)[nav_id] == amount


def test_a_long_transaction_is_unseen_until_it_commits_then_seen_at_once(feed):
    nav_id, amount = a_position(ask())
    with outside() as conn:
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE position_nav_master SET current_position = 5 WHERE nav_id = %s", [nav_id]
        )
        during = ask()  # a run that reads while the writer's transaction is open
        conn.execute("COMMIT")
    assert positions(during)[nav_id] == amount
    after = ask()
    assert positions(after)[nav_id] == 5
    assert_exact(after)


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def listener_pids() -> list[int]:
    with outside() as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN hawk_agent_changes%%' "
            "AND datname = current_database()"
        ).fetchall()
    return [pid for (pid,) in rows]


def test_answers_stay_exact_while_the_listener_is_killed_and_it_reconnects(feed):
    listener.start_listener()
    assert wait_until(lambda: STATE.connected and listener_pids())
    killed = listener_pids()
    nav_id, _ = a_position(ask())
    with outside() as conn:
        for pid in killed:
            conn.execute("SELECT pg_terminate_backend(%s)", [pid])
        conn.execute(
            "UPDATE position_nav_master SET current_position = 11 WHERE nav_id = %s", [nav_id]
        )
    down = ask()
    assert positions(down)[nav_id] == 11
    assert_exact(down)
    # Reconnected: a new session LISTENs (what was sent while it was away is not replayed).
    assert wait_until(lambda: STATE.connected and listener_pids() not in ([], killed))
    psql(f"UPDATE position_nav_master SET current_position = 12 WHERE nav_id = '{nav_id}'")
    assert wait_until(lambda: STATE.last_event_table == "position_nav_master")
    assert STATE.last_lag_seconds is not None and STATE.last_lag_seconds >= 0


def test_answers_stay_exact_with_no_listener_at_all(feed):
    assert listener_pids() == []
    for round_number in range(20):
        nav_id, _ = a_position(ask())
        psql(
            f"UPDATE position_nav_master SET current_position = {1000 + round_number} "
            f"WHERE nav_id = '{nav_id}'"
        )
        time.sleep(0.1)
        assert positions(ask())[nav_id] == 1000 + round_number


@pytest.mark.redis
def test_answers_stay_exact_after_redis_is_flushed(feed):
    nav_id, _ = a_position(ask())
    cache.clear()  # FLUSHDB of the cache's Redis database: every entry and counter gone
    psql(f"UPDATE position_nav_master SET current_position = 21 WHERE nav_id = '{nav_id}'")
    after = ask()
    assert positions(after)[nav_id] == 21
    assert_exact(after)


def test_install_is_idempotent_and_uninstall_falls_back_to_django_bumps(feed):
    install("triggers")
    with outside() as conn:
        triggers = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'hawk_agent_changes'"
        ).fetchone()[0]
    assert triggers == 16
    uninstall("triggers")
    assert feed_generations(["position_nav_master"]) == {}
    assert connection.vendor == "postgresql"
    install("triggers")
    assert set(feed_generations(["position_nav_master"])) == {"position_nav_master"}


def test_a_feed_removed_by_a_dba_while_workers_run_falls_back_without_an_error(feed):
    assert set(feed_generations(["position_nav_master"])) == {"position_nav_master"}
    psql("DROP SCHEMA hawk_agent CASCADE")  # this worker still believes it installed
    assert feed_generations(["position_nav_master"]) == {}
    assert STATE.installed is False
    assert_exact(ask())

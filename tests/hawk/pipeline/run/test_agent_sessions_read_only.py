"""Live mode with a HAWK database the agent may only read: a run's end updates no row of the
platform's hawk_agent_sessions and fails nothing.

The HAWK database here is the test database, connected to as a role with SELECT only. Its alias
exists before the test's database set-up (a module fixture), so that the test may name it; a
mirror of default, so that the set-up never flushes it."""

from collections.abc import Iterator

import pytest
from django.db import connection, connections

from hawk.database.platform import forget_hawk_database_writable, hawk_database_writable
from hawk.database.routers import HAWK_ALIAS
from hawk.database.threads import in_db_thread
from tests.hawk.pipeline.run.support import (
    collect,
    counted,
    make_run,
    pending_row,
    session_row,
    updates,
)
from tests.live import stored_run

READER = "hawk_sessions_reader"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", HAWK_ALIAS]),
]


@pytest.fixture(scope="module", autouse=True)
def read_only_alias(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {READER} LOGIN")
    options = {k: v for k, v in connection.settings_dict["OPTIONS"].items() if k != "pool"}
    test = {**connection.settings_dict["TEST"], "MIRROR": "default"}
    reader = {**connection.settings_dict, "USER": READER, "OPTIONS": options, "TEST": test}
    connections.settings[HAWK_ALIAS] = reader
    yield
    connections[HAWK_ALIAS].close()
    del connections.settings[HAWK_ALIAS]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {READER}")
        cursor.execute(f"DROP ROLE {READER}")


@pytest.fixture
def read_only_live_mode(agent_sessions, committed_demo, settings) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}")
    settings.HAWK_DATABASE_URL = f"postgres://{READER}@127.0.0.1/platform"
    forget_hawk_database_writable()


@pytest.mark.usefixtures("read_only_live_mode")
async def test_a_read_only_role_updates_nothing_and_fails_nothing():
    row_id = await in_db_thread(pending_row)
    before, errors = updates("not_writable"), updates("error")
    assert await in_db_thread(hawk_database_writable) is False
    run = make_run()
    events = await collect(run)
    await counted("not_writable", before)
    assert events[-1]["event"] == "message_end"
    assert (await stored_run(run.run_id)).status == "completed"
    assert (await in_db_thread(session_row, row_id))["agent_status"] == "pending"
    assert updates("error") == errors

"""Fixtures and helpers of the tests whose runs read the database from other threads (which
cannot see a test transaction): committed demo data and users, a live ASGI server (uvicorn in a
thread), the built-in analyst unless a test asks for the Dify stand-in, and Dify clients closed
after each test. A support module, not a test module: the conftest files that need these import
them (the autouse ones then apply to every test under that conftest)."""

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from hawk.analysis.dify import close_dify_clients
from hawk.database.threads import in_db_thread
from hawk.models import AgentRun
from tests.conftest import restore_roles

PROMPT = "Check if I can hedge 150K CNY today"


@pytest.fixture(autouse=True)
async def _close_dify_clients():
    """The pooled httpx clients belong to the test's event loop, which ends with the test."""
    yield
    await close_dify_clients()


@pytest.fixture(autouse=True)
def _builtin_unless_dify_server(settings):
    """No Dify from the developer's environment: the built-in analyst answers unless a test
    asks for the Dify stand-in (whose fixture points the settings at it)."""
    settings.DIFY_BASE_URL = ""
    settings.OPENAI_BASE_URL = ""


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Users are made in most tests here; the real hasher costs a quarter second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def committed_demo(transactional_db) -> None:
    """The demo bundle, committed, so that the run service's database threads (and the live
    server) read it. Transactional tests end with a flush, which is why nothing here is
    shared between tests."""
    from tests.hawk.demo import load_demo_data

    load_demo_data()


@pytest.fixture
def make_user(transactional_db, django_user_model) -> Callable[..., Any]:
    """A committed user with a role. The groups are created here when missing: a transactional
    test's flush removes what the roles migration made."""

    def make(username: str, role: str) -> Any:
        restore_roles()
        user = django_user_model.objects.create_user(username=username, password="not-used-1")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def analyst(make_user) -> Any:
    return make_user("stream-analyst", "analyst")


@pytest.fixture
def analyst_token(analyst) -> str:
    return Token.objects.create(user=analyst).key


async def stored_run(run_id: Any) -> AgentRun:
    """The run's row, read from a database thread (the ORM is not for the event loop)."""
    return await in_db_thread(lambda: AgentRun.objects.get(run_id=run_id))


async def wait_for_status(run_id: Any, status: str, timeout: float = 5.0) -> AgentRun:
    """The run's row once it has `status` (runs end in another task or thread)."""
    deadline = time.monotonic() + timeout
    run = await _find_run(run_id)
    while (run is None or run.status != status) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        run = await _find_run(run_id)
    assert run is not None and run.status == status, f"run {run_id}: {run and run.status}"
    return run


async def _find_run(run_id: Any) -> AgentRun | None:
    return await in_db_thread(lambda: AgentRun.objects.filter(run_id=run_id).first())


class LiveAsgiServer:
    """hawk.asgi.application under uvicorn, on its own event loop in a daemon thread."""

    def __init__(self) -> None:
        from hawk.asgi import application

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            application, lifespan="off", log_config=None, log_level="warning", loop="asyncio"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self) -> None:
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            await close_dify_clients()

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert self._thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._socket.close()


@pytest.fixture(scope="session")
def live_server_url(django_db_setup) -> Iterator[str]:
    """The URL of a live ASGI server. Tests using it need committed data (transactional_db):
    the server's threads have their own database connections."""
    server = LiveAsgiServer()
    server.start()
    yield server.url
    server.stop()

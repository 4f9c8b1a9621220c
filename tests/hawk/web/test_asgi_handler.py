"""The ASGI handler keeps request threads for later requests: no thread started per request
and no hop to one before the view, yet two requests at once never share a thread, and a kept
thread holds no database connection or old query log between requests. A request that never
used its thread ends without a hop to it either."""

import asyncio
import hashlib
import inspect
import threading
from typing import Any

import pytest
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.db import connections

from hawk.asgi import django_asgi_app
from hawk.web.asgi_handler import (
    DJANGO_HANDLE_SHA256,
    PooledThreadsASGIHandler,
    skip_request_started_hop,
)


async def get(path: str) -> int:
    """A GET through the handler as an ASGI server would make it; the response status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    answered = asyncio.Event()
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not messages:
            messages.append({"type": "http.request"})
            return {"type": "http.request", "body": b"", "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await django_asgi_app(scope, receive, send)
    answered.set()
    return next(m["status"] for m in messages if m["type"] == "http.response.start")


@pytest.fixture
def request_threads():
    """The thread each request's request_started receivers ran on, in order."""
    threads: list[int] = []

    def record(**kwargs: Any) -> None:
        threads.append(threading.get_ident())

    signals.request_started.connect(record)
    yield threads
    signals.request_started.disconnect(record)


def test_requests_in_turn_reuse_a_request_thread_and_start_no_thread(request_threads):
    async def three_in_turn() -> list[int]:
        return [await get("/health/live") for _ in range(3)]

    asyncio.run(three_in_turn())  # the first request may start its thread
    started_before = threading.active_count()
    statuses = asyncio.run(three_in_turn())
    assert statuses == [200, 200, 200]
    assert threading.active_count() == started_before
    assert len(set(request_threads[3:])) == 1
    assert threading.get_ident() not in request_threads  # never on the event loop's thread


def test_requests_at_once_each_have_a_thread_of_their_own(request_threads, monkeypatch):
    # Both requests' receivers wait for each other: on one shared thread they never could.
    both_started = threading.Barrier(2, timeout=5)
    signals.request_started.connect(lambda **kwargs: both_started.wait(), weak=False)
    try:

        async def two_at_once() -> list[int]:
            return list(await asyncio.gather(get("/health/live"), get("/health/live")))

        assert asyncio.run(two_at_once()) == [200, 200]
    finally:
        signals.request_started.receivers.pop()
        signals.request_started.sender_receivers_cache.clear()
    assert len(set(request_threads)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_kept_request_thread_holds_no_database_connection_between_requests():
    assert asyncio.run(get("/health")) in (200, 503)  # checks the database on its thread
    kept = django_asgi_app.request_threads.idle[-1]
    assert kept.submit(lambda: connections["default"].connection).result(timeout=5) is None


def test_a_request_starts_without_a_hop_to_its_thread():
    # The test client puts close_old_connections back after each of its requests.
    skip_request_started_hop()
    sync_receivers, _ = signals.request_started._live_receivers(PooledThreadsASGIHandler)
    assert sync_receivers == []


@pytest.mark.django_db(transaction=True)
def test_a_kept_request_thread_starts_with_no_connection_and_no_old_queries(settings):
    settings.DEBUG = True  # the query log is kept in debug only
    skip_request_started_hop()
    assert asyncio.run(get("/health")) in (200, 503)
    kept = django_asgi_app.request_threads.idle[-1]

    def state() -> tuple[Any, int]:
        return connections["default"].connection, len(connections["default"].queries_log)

    assert kept.submit(state).result(timeout=5) == (None, 0)


@pytest.fixture
def finished_on():
    """The thread each request's request_finished receivers ran on, in order."""
    threads: list[int] = []

    def record(**kwargs: Any) -> None:
        threads.append(threading.get_ident())

    signals.request_finished.connect(record)
    yield threads
    signals.request_finished.disconnect(record)


@pytest.mark.urls("tests.hawk.web.urls_async_views")
def test_a_request_that_never_used_its_thread_ends_on_the_event_loop(finished_on):
    # The SSE path: the stream's close (request_finished's receivers) was one more hop to the
    # request's thread, its only one, each waiting for the GIL among the loaded worker's others.
    async def streamed() -> tuple[int, int]:
        return await get("/streamed"), threading.get_ident()

    asyncio.run(streamed())  # a kept thread another test sent work to is closed on first
    status, loop_thread = asyncio.run(streamed())
    assert status == 200
    assert finished_on[1:] == [loop_thread]


@pytest.mark.urls("tests.hawk.web.urls_async_views")
@pytest.mark.django_db(transaction=True)
def test_a_request_that_used_its_thread_ends_there_and_leaves_no_connection(finished_on):
    async def reads() -> tuple[int, int]:
        return await get("/reads-the-database"), threading.get_ident()

    status, loop_thread = asyncio.run(reads())
    assert status == 200
    kept = django_asgi_app.request_threads.idle[-1]
    assert finished_on == [kept.submit(threading.get_ident).result(timeout=5)]
    assert loop_thread not in finished_on
    assert kept.submit(lambda: connections["default"].connection).result(timeout=5) is None


@pytest.mark.urls("tests.hawk.web.urls_async_views")
def test_a_thread_sent_work_after_its_last_close_is_closed_on_by_the_next_request(finished_on):
    async def streamed() -> int:
        return await get("/streamed")

    asyncio.run(streamed())
    kept = django_asgi_app.request_threads.idle[-1]
    kept.submit(lambda: None).result(timeout=5)  # as a view's late work would
    asyncio.run(streamed())
    assert finished_on[1] == kept.submit(threading.get_ident).result(timeout=5)


@pytest.mark.urls("tests.hawk.web.urls_async_views")
def test_an_async_receiver_of_request_finished_is_run_from_a_thread():
    heard: list[str] = []

    async def receiver(**kwargs: Any) -> None:
        heard.append("finished")

    async def streamed() -> int:
        return await get("/streamed")

    asyncio.run(streamed())  # a kept thread another test sent work to is closed on first
    signals.request_finished.connect(receiver)
    try:
        assert asyncio.run(streamed()) == 200
    finally:
        signals.request_finished.disconnect(receiver)
    assert heard == ["finished"]


def test_the_copied_handle_follows_djangos_own():
    # PooledThreadsASGIHandler.handle is Django's with one change (where the response closes):
    # a Django release that changes its handle must be read again before this passes.
    source = inspect.getsource(ASGIHandler.handle).encode()
    assert hashlib.sha256(source).hexdigest() == DJANGO_HANDLE_SHA256

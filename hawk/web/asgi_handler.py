"""Django's ASGI handler with the request threads kept for the next request.

Django runs each HTTP request in a ThreadSensitiveContext: its thread-sensitive work
(request_started's receivers, the response's close() with request_finished's, and
hawk.web.blocking.on_request_thread) goes to a thread of that request alone. Without an
executor of its own, asgiref starts a new thread for every request and, when it ends, one
more thread to join it: two threads started per request, each start and join a wait on the
GIL for the event loop (bench/request_cost.py counts them). Here a request borrows a
one-thread executor from a free list and gives it back when it ends, so each request still
has a thread to itself, one that has served earlier requests.

A request's thread keeps no database connection for the next one: on_request_thread releases
its connections after each call, and request_finished's close_old_connections runs there too.
So request_started's receivers (close_old_connections and reset_queries, Django's) have nothing
left to do on that thread, yet they are the one hop to it before the view runs: with 30
requests at once that hop, waiting for the GIL among the others, was most of what SSE's first
event took over the WebSocket's (bench/request_cost.py --at-once). skip_request_started_hop()
takes them off; reset_queries then runs when each request ends, on its thread.

The other hop is the response's close() (request_finished's receivers) as the request ends.
A thread sent no work since the receivers last ran on it (the agent endpoints' path:
authentication from the cache, the run on the database threads) holds no connection, so they
have nothing to close there: they run on the event loop instead, where they find no
connection either (Django opens none on the loop). Otherwise the request closes on its thread,
as Django does it.
"""

import asyncio
import contextlib
import contextvars
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import close_old_connections, reset_queries
from django.http import HttpResponseBase
from django.urls import set_script_prefix

# Idle request threads kept; a burst beyond this many at once gets threads that then stop.
KEPT_THREADS = 64


# What Django's ASGIHandler.handle read like when handle() below was copied from it (5.2).
DJANGO_HANDLE_SHA256 = "98faeb5bef800331e6a8002fbc96b30e4122a23438ae45a047190a531ea11323"


class RequestThread(ThreadPoolExecutor):
    """A request's one thread; knows whether it was sent any work since request_finished's
    receivers last ran on it (what it may hold is then theirs to close)."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="hawk-request")
        self.dirty = False

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        self.dirty = True
        return super().submit(fn, *args, **kwargs)


_request_thread: contextvars.ContextVar[RequestThread] = contextvars.ContextVar("request_thread")


class RequestThreads:
    """One-thread executors, each used by one request at a time."""

    def __init__(self, kept: int = KEPT_THREADS) -> None:
        self.kept = kept
        self.idle: list[RequestThread] = []
        self.guard = threading.Lock()

    def borrow(self) -> RequestThread:
        with self.guard:
            executor = self.idle.pop() if self.idle else None
        return executor or RequestThread()

    def give_back(self, executor: RequestThread) -> None:
        with self.guard:
            if len(self.idle) < self.kept:
                self.idle.append(executor)
                return
        executor.shutdown(wait=False)  # its thread ends once its queue is done


class PooledThreadsASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.request_threads = RequestThreads()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self.request_threads.borrow()
        token = _request_thread.set(executor)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            _request_thread.reset(token)
            self.request_threads.give_back(executor)

    async def close_response(self, response: HttpResponseBase) -> None:
        """response.close() (request_finished's receivers): on the request's thread if it was
        sent work since its last close (or an async receiver listens: that needs a thread),
        else here on the event loop."""
        executor = _request_thread.get(None)
        if executor is None or executor.dirty or _async_receivers(type(self)):
            await sync_to_async(response.close)()
            if executor is not None:
                executor.dirty = False
        else:
            response.close()

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Django 5.2's ASGIHandler.handle (DJANGO_HANDLE_SHA256) with one change: the
        response closes through close_response()."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        await signals.request_started.asend(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None  # create_request returns one or the other
            body_file.close()
            await self.send_response(error_response, send)
            await sync_to_async(error_response.close)()
            return

        async def process_request(request: Any, send: Any) -> HttpResponseBase:
            response = await self.run_get_response(request)
            with contextlib.suppress(asyncio.CancelledError):  # the client went meanwhile
                await self.send_response(response, send)
            return response

        # listen_for_disconnect first: it raises nothing unexpected that would keep
        # process_request from being cancelled.
        listening = asyncio.create_task(self.listen_for_disconnect(receive))
        processing = asyncio.create_task(process_request(request, send))
        tasks = [listening, processing]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()  # the view may handle its cancellation
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        try:
            response = processing.result()
        except asyncio.CancelledError:
            await signals.request_finished.asend(sender=self.__class__)
        else:
            await self.close_response(response)
        body_file.close()


def _async_receivers(sender: type) -> bool:
    # Signal.send() runs an async receiver through async_to_sync, which refuses the loop.
    return bool(signals.request_finished._live_receivers(sender)[1])


def skip_request_started_hop() -> None:
    """For a process serving requests through PooledThreadsASGIHandler only (hawk.asgi).

    Safe while every database closes its connection as the request ends (CONN_MAX_AGE 0, as
    with the pool): a connection kept open across requests would need close_old_connections'
    check of its age and health at the start of the next request, so then nothing changes."""
    if any(database.get("CONN_MAX_AGE", 0) != 0 for database in settings.DATABASES.values()):
        return
    signals.request_started.disconnect(close_old_connections)
    signals.request_started.disconnect(reset_queries)
    # Debug's query log of the request's thread, emptied as the request ends instead.
    signals.request_finished.connect(reset_queries, sender=PooledThreadsASGIHandler)

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
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.core import signals
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections, reset_queries

# Idle request threads kept; a burst beyond this many at once gets threads that then stop.
KEPT_THREADS = 64


class RequestThreads:
    """One-thread executors, each used by one request at a time."""

    def __init__(self, kept: int = KEPT_THREADS) -> None:
        self.kept = kept
        self.idle: list[ThreadPoolExecutor] = []
        self.guard = threading.Lock()

    def borrow(self) -> ThreadPoolExecutor:
        with self.guard:
            if self.idle:
                return self.idle.pop()
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="hawk-request")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
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
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self.request_threads.give_back(executor)


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

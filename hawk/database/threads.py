"""Blocking database work from async code, on a shared pool of threads that release their
connections after each call (back to psycopg's pool on Postgres).

Django's sync_to_async(thread_sensitive=True) would run every such call on one thread, one at
a time: with many streams in flight that serializes them all. How a thread gives its
connections back (release_connection, call_and_release) lives in hawk.web.blocking, with the
same for a request's own thread.
"""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections

from hawk.database.routers import hawk_alias
from hawk.web.blocking import call_and_release, release_connection

__all__ = [
    "call_and_release",
    "db_executor",
    "hold_connection",
    "in_db_thread",
    "release_connection",
]

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_guard = threading.Lock()


def db_executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_guard:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=settings.HAWK_DB_THREADS, thread_name_prefix="hawk-db"
            )
        return _pool


def hold_connection() -> None:
    """Take this thread's connections now, before any cache fill lock (hawk.datacache.store):
    a thread that holds a fill lock then never waits for the pool while another thread waits
    for that lock holding a connection of its own (a cycle only the pool timeout would break).
    The HAWK tables may live in a database of their own (live mode)."""
    for alias in dict.fromkeys(("default", hawk_alias())):
        connections[alias].ensure_connection()


async def in_db_thread(function: Callable[..., T], *args: Any) -> T:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(db_executor(), call_and_release, function, *args)

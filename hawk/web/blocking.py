"""Blocking database work of an async request: on the request's own thread, which gives its
connections back after each call.

Under ASGI, Django runs each request in a context of its own (asgiref's ThreadSensitiveContext):
sync_to_async(thread_sensitive=True) goes to a thread of that request, and a connection opened
there stays checked out of the pool until the request ends. A run waits on other threads that
need connections of the same pool (hawk.pipeline.extract): twelve unstreamed runs on a pool of
two held both connections in request threads and timed out. So the connections go back at once.

A connection inside a transaction (a test's, or an atomic block of the caller) is never closed:
that would end the transaction. It is also the connection the caller means to use.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

T = TypeVar("T")


def release_connection() -> None:
    """Give this thread's connections back: to the pool when pooling, else close stale ones."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        if connection.settings_dict.get("OPTIONS", {}).get("pool"):
            connection.close()
        else:
            connection.close_if_unusable_or_obsolete()


def call_and_release(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    finally:
        release_connection()


async def on_request_thread(function: Callable[..., T], *args: Any) -> T:
    """function(*args) on the request's thread (the test's own thread under Django's test
    client, so it sees the test's transaction), its connections released afterwards."""
    return await sync_to_async(call_and_release)(function, *args)

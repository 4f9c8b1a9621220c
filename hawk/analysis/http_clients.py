"""The pooled httpx clients of the analysis backends that speak HTTP (Dify, OpenAI-compatible
endpoints): one per event loop and base URL."""

import asyncio
import weakref

import httpx

# httpx connections belong to the event loop that opened them, so each loop has its own pool;
# a loop that goes away takes its entry with it.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, httpx.AsyncClient]] = (
    weakref.WeakKeyDictionary()
)


def pooled_client(base_url: str, *, max_connections: int) -> httpx.AsyncClient:
    """The shared client of the running event loop for `base_url`."""
    clients = _clients.setdefault(asyncio.get_running_loop(), {})
    client = clients.get(base_url)
    if client is None or client.is_closed:
        # Every stream holds a connection for its whole length, hence the large pool.
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=20)
        # The trailing slash makes relative paths land under /v1 (httpx joins like a browser).
        client = httpx.AsyncClient(base_url=base_url + "/", limits=limits)
        clients[base_url] = client
    return client


def stream_timeout(*, connect: float, read: float) -> httpx.Timeout:
    """A streamed answer's timeouts: `read` bounds the wait for each byte, so it is the idle
    timeout of a stream (and of a request's body going out); waiting for a pooled connection
    counts as connecting."""
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


async def close_pooled_clients() -> None:
    """Close the running event loop's clients (at shutdown, and after each test)."""
    clients = _clients.pop(asyncio.get_running_loop(), {})
    for client in clients.values():
        await client.aclose()

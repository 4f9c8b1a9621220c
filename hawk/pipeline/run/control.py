"""Stopping a run from elsewhere: the stop endpoint, another socket, another worker.

A run streaming in this process is cancelled at once (its task is registered here). A run in
another worker sees a stop flag in the shared cache, checked between answer chunks.
"""

import asyncio
import logging
import time
import uuid

from django.core.cache import cache

from hawk.database.threads import in_db_thread

logger = logging.getLogger(__name__)

_FLAG_TTL = 600
# How often a streaming run asks the shared cache whether it was stopped elsewhere.
_CHECK_EVERY_SECONDS = 0.5

_tasks: dict[uuid.UUID, tuple[asyncio.AbstractEventLoop, asyncio.Task]] = {}
_last_check: dict[uuid.UUID, float] = {}
# Why a run was cancelled here when it was not a plain stop (a drain's `server_restarting`):
# read by the run's recording and taken by its transport, which names it in the error event.
_reasons: dict[uuid.UUID, str] = {}
# Set by a drain's cut: a run not registered here (stream: false) stops at its next check.
_cut_reason: str | None = None


class RunStopped(asyncio.CancelledError):
    """Raised inside a run whose stop was requested in another worker."""


def register(run_id: uuid.UUID, task: asyncio.Task) -> None:
    _tasks[run_id] = (asyncio.get_running_loop(), task)


def unregister(run_id: uuid.UUID) -> None:
    _tasks.pop(run_id, None)
    _last_check.pop(run_id, None)


def request_stop(run_id: uuid.UUID) -> bool:
    """Stop the run, wherever it runs; True when it was running in this process (cancelled
    at once). Writes the shared cache: not for the event loop."""
    try:
        cache.set(f"run-stop:{run_id}", 1, timeout=_FLAG_TTL)
    except Exception as exc:
        logger.warning("stop flag for run %s not shared: %s", run_id, exc)
    return cancel_here(run_id)


def cancel_here(run_id: uuid.UUID, reason: str = "cancelled") -> bool:
    """Cancel the run if it streams in this process; True when it does. No I/O: safe on the
    event loop (a WebSocket stops only its own runs, which are always here)."""
    found = _tasks.get(run_id)
    if found is None:
        return False
    if reason != "cancelled":
        _reasons[run_id] = reason
    loop, task = found
    loop.call_soon_threadsafe(task.cancel)
    return True


def cancel_all_here(reason: str) -> int:
    """Cancel every run streaming in this process (a drain's cut); how many. A run without a
    registered task (stream: false) stops at its next check between answer chunks."""
    global _cut_reason
    _cut_reason = reason
    return sum(cancel_here(run_id, reason) for run_id in list(_tasks))


def forget_cut() -> None:
    """For tests, and a worker whose drain was aborted: runs are no longer cut."""
    global _cut_reason
    _cut_reason = None


def reason_of(run_id: uuid.UUID) -> str:
    """Why the run was cancelled: `cancelled` (a stop, the client gone) or the reason given."""
    return _reasons.get(run_id, "cancelled")


def take_reason(run_id: uuid.UUID) -> str:
    """The same, forgotten: called once by whoever ends the run's transport."""
    return _reasons.pop(run_id, "cancelled")


def _stop_flag(run_id: uuid.UUID) -> bool:
    try:
        return bool(cache.get(f"run-stop:{run_id}"))
    except Exception:  # the cache is down: a stop from another worker cannot reach us now
        return False


async def raise_if_stopped(run_id: uuid.UUID) -> None:
    """Called between answer chunks; asks the shared cache (on a database thread, not on the
    event loop) at most every half second."""
    if _cut_reason is not None:
        _reasons[run_id] = _cut_reason
        raise RunStopped(f"run {run_id} was cut ({_cut_reason})")
    now = time.monotonic()
    if now - _last_check.get(run_id, 0.0) < _CHECK_EVERY_SECONDS:
        return
    _last_check[run_id] = now
    if await in_db_thread(_stop_flag, run_id):
        raise RunStopped(f"run {run_id} was stopped")

"""Backend cool-downs shared by every worker: a backend that failed
HAWK_BACKEND_COOLDOWN_FAILURES times in a row before answering is skipped for
HAWK_BACKEND_COOLDOWN_SECONDS. Kept in the Django cache (Redis in production), so one worker's
failures spare the others the wait; Dify's process-local circuit breaker still guards each
worker in between. Cache round trips: call these on a database thread. With the cache down no
backend cools down (the circuit breaker still works): runs must not fail for want of a cache.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from hawk.analysis.base import AnalysisError
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _tolerant(operation: Callable[[], T], default: T) -> T:
    try:
        return operation()
    except Exception as exc:  # a cache outage: Redis down, refused, timed out
        logger.warning("backend cool-down: cache unavailable (%s)", type(exc).__name__)
        return default


def _failures_key(backend: str) -> str:
    return f"hawk:backend:{backend}:failures"


def _cooldown_key(backend: str) -> str:
    return f"hawk:backend:{backend}:cooldown"


def is_outage(error: AnalysisError) -> bool:
    """A failure that says the backend is down (what the cool-down counts): nothing answered
    and a connection failure, a timeout, a 5xx or a 429. A 4xx shows that it is up."""
    return not error.answered and (error.status >= 500 or error.status == 429)


def cooling_down(backend: str) -> bool:
    return _tolerant(lambda: cache.get(_cooldown_key(backend)) is not None, False)


def record_failure(backend: str) -> bool:
    """Count a failure; True when it starts the backend's cool-down."""
    return _tolerant(lambda: _count_failure(backend), False)


def _count_failure(backend: str) -> bool:
    seconds = settings.HAWK_BACKEND_COOLDOWN_SECONDS
    key = _failures_key(backend)
    cache.add(key, 0, timeout=seconds)  # failures further apart than a cool-down are forgotten
    if cache.incr(key) < settings.HAWK_BACKEND_COOLDOWN_FAILURES:
        return False
    cache.set(_cooldown_key(backend), 1, timeout=seconds)
    cache.delete(key)
    metrics.BACKEND_COOLDOWNS.labels(backend).inc()
    return True


def record_success(backend: str) -> None:
    _tolerant(lambda: cache.delete(_failures_key(backend)), None)

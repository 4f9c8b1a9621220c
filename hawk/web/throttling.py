"""The per-user rate limit of the agent endpoints (AGENT_RATE_LIMIT), for HTTP and WebSocket.

Its counters live in the shared cache, so every worker counts the same requests. When the
cache is down the limit is not enforced: a rate limit protects the service, and refusing every
request (or answering 500) would be the outage it protects against. The outage is logged once,
and its end once.
"""

import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from rest_framework.throttling import UserRateThrottle

logger = logging.getLogger(__name__)


class _Outage:
    """Whether this process last found the throttle's cache down (to log transitions only)."""

    down = False
    lock = threading.Lock()

    @classmethod
    def began(cls, exc: Exception) -> None:
        with cls.lock:
            if cls.down:
                return
            cls.down = True
        logger.warning("rate limit not enforced: the shared cache is unavailable (%s)", exc)

    @classmethod
    def ended(cls) -> None:
        if not cls.down:  # the common case: no lock taken
            return
        with cls.lock:
            cls.down = False
        logger.warning("rate limit enforced again: the shared cache is back")


class AgentRateThrottle(UserRateThrottle):
    """AGENT_RATE_LIMIT per user, counted under the scope "agent" for every transport."""

    scope = "agent"

    def get_rate(self) -> str:
        # Read per instance (one per request), not from DRF's rates, which it reads once at
        # import: a changed setting applies at once.
        return settings.AGENT_RATE_LIMIT

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            allowed = super().allow_request(request, view)
        except Exception as exc:  # the cache client's connection and timeout errors
            _Outage.began(exc)
            return True
        _Outage.ended()
        return allowed


@dataclass(frozen=True)
class _UserOnly:
    """What the throttle reads of a request: its user."""

    user: Any


def websocket_prompt_wait(user: Any) -> float | None:
    """None when `user` may start a run now, else the seconds to wait. Talks to the shared
    cache: call it off the event loop."""
    throttle = AgentRateThrottle()
    if throttle.allow_request(_UserOnly(user), None):
        return None
    return throttle.wait() or 1.0

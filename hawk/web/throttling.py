"""The per-user rate limit of the agent endpoints (AGENT_RATE_LIMIT), for HTTP and WebSocket.

A sliding window per user in Redis, checked and counted by one script in one round trip on
the event loop, so every worker counts the same requests. When Redis is down the limit is not
enforced: a rate limit protects the service, and refusing every request (or answering 500)
would be the outage it protects against. The outage is logged once, and its end once. Without
REDIS_URL (a laptop) the window is this process's own.
"""

import logging
import threading
import time
import uuid
from collections import defaultdict, deque
from typing import Any

from django.conf import settings

from hawk.web.redis_clients import REDIS_ERRORS, async_redis

logger = logging.getLogger(__name__)

KEY_PREFIX = "hawk:throttle:agent:"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# KEYS[1]: the user's window; ARGV: now, window seconds, limit, a unique member. Returns -1
# when the request is allowed (and counted), else the seconds until the oldest one leaves.
WINDOW_SCRIPT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(window))
  return '-1'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(window - (now - tonumber(oldest[2])))
"""


class _Outage:
    """Whether this process last found Redis down (to log transitions only)."""

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


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" as (120 requests, 60 seconds); settings.env_rate checked the form."""
    count, period = rate.split("/")
    return int(count), PERIOD_SECONDS[period[0]]


async def agent_prompt_wait(user_id: Any) -> float | None:
    """None when the user may start a run now (and counts it), else the seconds to wait.
    Read AGENT_RATE_LIMIT per call: a changed setting applies at once."""
    limit, window = parse_rate(settings.AGENT_RATE_LIMIT)
    client = async_redis()
    if client is None:
        return _local_window.wait(user_id, limit, window)
    args: list[float | str] = [time.time(), window, limit, uuid.uuid4().hex]
    try:
        answer = await client.eval(WINDOW_SCRIPT, 1, KEY_PREFIX + str(user_id), *args)
    except REDIS_ERRORS as exc:
        _Outage.began(exc)
        return None
    _Outage.ended()
    wait = float(answer)
    return None if wait < 0 else max(wait, 0.001)


class _LocalWindow:
    """The same sliding window in this process's memory, for a process without Redis."""

    def __init__(self) -> None:
        self.times: defaultdict[Any, deque[float]] = defaultdict(deque)

    def wait(self, user_id: Any, limit: int, window: int) -> float | None:
        now, times = time.monotonic(), self.times[user_id]
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) < limit:
            times.append(now)
            return None
        return window - (now - times[0])


_local_window = _LocalWindow()

"""The raw Redis clients of the request path: the blocking one (django-redis's own pool) for
sync code, and an asyncio one per event loop for code on the loop. None without REDIS_URL."""

import asyncio
import weakref

import redis
import redis.asyncio
from django.conf import settings
from django_redis import get_redis_connection

# A Redis error, a dropped connection or a timeout: what a caller treats as "Redis is down".
REDIS_ERRORS = (redis.RedisError, OSError, asyncio.TimeoutError)

# An asyncio client's connections belong to the loop that opened them; tests run several loops.
_async_clients: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[str, redis.asyncio.Redis]
] = weakref.WeakKeyDictionary()


def blocking_redis() -> redis.Redis | None:
    return get_redis_connection("default") if settings.REDIS_URL else None


def async_redis() -> redis.asyncio.Redis | None:
    url = settings.REDIS_URL
    if not url:
        return None
    by_url = _async_clients.setdefault(asyncio.get_running_loop(), {})
    if url not in by_url:
        timeout = settings.REDIS_SOCKET_TIMEOUT
        by_url[url] = redis.asyncio.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    return by_url[url]

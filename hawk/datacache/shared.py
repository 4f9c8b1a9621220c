"""Whether the shared cache is Redis (by URL or through Sentinel) or a process's own memory."""

from typing import Any

from django.conf import settings
from django.core.cache import cache


def redis_configured() -> bool:
    return bool(settings.REDIS_URL or settings.REDIS_SENTINELS)


def django_redis_client() -> Any:
    """django-redis's client of the default cache (its keys, its values' encoding, its
    connections to the master), or None for a process-local cache."""
    client: Any = getattr(cache, "client", None)
    return client if hasattr(client, "get_client") else None

"""Whether the shared cache is Redis (by URL or through Sentinel) or a process's own memory."""

from django.conf import settings


def redis_configured() -> bool:
    return bool(settings.REDIS_URL or settings.REDIS_SENTINELS)

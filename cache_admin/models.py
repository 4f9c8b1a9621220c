"""No tables of its own: one unmanaged model gives the cache pages a place in the admin (its
index, its permissions) without a front-end of their own."""

from django.db import models


class CacheEntry(models.Model):
    """Stands for the entries of the data cache (which live in Redis, not in a table)."""

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = "data cache entry"
        verbose_name_plural = "data cache"

    def __str__(self) -> str:
        return "data cache entry"

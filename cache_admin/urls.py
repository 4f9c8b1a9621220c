from django.urls import path

from cache_admin.views import CacheInvalidateApi, CacheStatsApi, CacheWarmApi

urlpatterns = [
    path("stats", CacheStatsApi.as_view(), name="cache-stats"),
    path("invalidate", CacheInvalidateApi.as_view(), name="cache-invalidate"),
    path("warm", CacheWarmApi.as_view(), name="cache-warm"),
]

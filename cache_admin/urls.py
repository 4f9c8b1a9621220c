from django.urls import path

from cache_admin.views import CacheInvalidateApi, CacheStatsApi

urlpatterns = [
    path("stats", CacheStatsApi.as_view(), name="cache-stats"),
    path("invalidate", CacheInvalidateApi.as_view(), name="cache-invalidate"),
]

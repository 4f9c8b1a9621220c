from django.urls import path

from analytics.api import CapacityApi, EffectivenessApi, ExceptionsApi, ThresholdsApi, UsageApi

urlpatterns = [
    path("capacity", CapacityApi.as_view(), name="analytics-capacity"),
    path("thresholds", ThresholdsApi.as_view(), name="analytics-thresholds"),
    path("effectiveness", EffectivenessApi.as_view(), name="analytics-effectiveness"),
    path("exceptions", ExceptionsApi.as_view(), name="analytics-exceptions"),
    path("usage", UsageApi.as_view(), name="analytics-usage"),
]

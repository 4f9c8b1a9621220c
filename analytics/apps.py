from django.apps import AppConfig
from django.core.signals import request_finished

from hawk.telemetry.metrics import record_pool_stats


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        request_finished.connect(record_pool_stats, dispatch_uid="hawk-record-pool-stats")

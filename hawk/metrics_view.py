"""/metrics for the configured scrapers only: by source address or by bearer token."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_prometheus.exports import ExportToDjangoView

from analytics.metrics import record_pool_stats
from hawk.errors import json_error


def scraper_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered, f"Bearer {token}"):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


def metrics(request: HttpRequest) -> HttpResponse:
    if not scraper_allowed(request):
        return json_error("forbidden", "metrics are open to the configured scrapers only")
    record_pool_stats()
    return ExportToDjangoView(request)

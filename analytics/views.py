"""/metrics for the configured scrapers only: by source address or by bearer token."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from analytics.scrape import ScrapeTimeCollector
from hawk.telemetry.metrics import record_pool_stats
from hawk.web.errors import json_error


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
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def exposition() -> bytes:
    """This process's metrics; with several workers, every worker's (summed per metric type
    by the files they write), whichever worker the scrape reached. The values measured at
    scrape time come first: they also update this worker's circuit-state gauge."""
    at_scrape = CollectorRegistry()
    at_scrape.register(ScrapeTimeCollector())
    measured = generate_latest(at_scrape)
    if not settings.PROMETHEUS_MULTIPROC_DIR:
        return measured + generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    return measured + generate_latest(registry)

"""/metrics with several uvicorn workers (Prometheus multiprocess mode, issue 8 item 12): one
scrape, whichever worker answers it, adds up what every worker counted."""

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

HEALTH_RESPONSES = "django_http_responses_total_by_status_view_method_total"
HEALTH_LABELS = {"status": "200", "view": "health", "method": "GET"}
BATCH = 20
MAX_BATCHES = 10


def health_count_in(exposition: str) -> float:
    for line in exposition.splitlines():
        if line.startswith(HEALTH_RESPONSES + "{") and all(
            f'{name}="{value}"' in line for name, value in HEALTH_LABELS.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def health_count_by_worker(directory: Path) -> dict[int, float]:
    """What each worker process counted, read from its own metric file."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        pid = int(re.fullmatch(r"counter_(\d+)\.db", path.name).group(1))
        counts[pid] = sum(
            sample.value
            for metric in MultiProcessCollector.merge([str(path)], accumulate=True)
            for sample in metric.samples
            if sample.name == HEALTH_RESPONSES and sample.labels == HEALTH_LABELS
        )
    return counts


async def health_batch(url: str) -> None:
    """BATCH requests at once, each on a new connection, so that both workers accept some."""
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, limits=no_reuse, timeout=10) as client:
        responses = await asyncio.gather(*(client.get("/health") for _ in range(BATCH)))
    assert {response.status_code for response in responses} == {200}


def scrape(url: str) -> str:
    with httpx.Client(base_url=url, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        response = client.get("/metrics", timeout=10)
    assert response.status_code == 200
    return response.text


def test_one_scrape_adds_up_both_workers_and_a_stopped_worker_leaves_no_live_gauge(
    transactional_db, tmp_path
):
    with uvicorn_process(workers=2, PROMETHEUS_MULTIPROC_DIR=str(tmp_path)) as server:
        before = health_count_in(scrape(server.url))
        sent = 0
        while sent < BATCH * MAX_BATCHES:
            asyncio.run(health_batch(server.url))
            sent += BATCH
            if len([n for n in health_count_by_worker(tmp_path).values() if n]) == 2:
                break
        by_worker = health_count_by_worker(tmp_path)
        scrapes = [health_count_in(scrape(server.url)) for _ in range(4)]
        assert list(tmp_path.glob("gauge_live*_*.db")), "the workers write their live gauges"
    assert len([count for count in by_worker.values() if count]) == 2, by_worker
    assert scrapes == [before + sent] * 4
    assert scrapes[0] == sum(by_worker.values())
    # Stopped: the lifespan shutdown removed each worker's live gauges (active streams).
    assert not list(tmp_path.glob("gauge_live*_*.db"))


def test_the_build_info_is_exported(client, db, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert re.search(r'^hawk_build_info\{version="[^"]+"\} 1\.0$', response.text, re.MULTILINE)

"""Runs whose worker died: every worker beats for its running runs, and a sweep (one worker at
a time, by a Postgres advisory lock) ends a run whose heartbeat stopped as failed with
`worker_lost`, releases its budget reservation and counts it."""

import datetime
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connections
from django.utils import timezone
from prometheus_client import REGISTRY

from hawk.models import AgentRun
from hawk.pipeline.run import liveness

pytestmark = pytest.mark.postgres


def running(seconds_since_beat: float | None, **fields) -> AgentRun:
    now = timezone.now()
    ago = datetime.timedelta(seconds=seconds_since_beat or 0)
    beat = None if seconds_since_beat is None else now - ago
    return AgentRun.objects.create(
        prompt="p", status="running", heartbeat_at=beat, created_at=beat or now, **fields
    )


def lost_count() -> float:
    return REGISTRY.get_sample_value("hawk_runs_lost_total") or 0.0


def test_a_run_whose_heartbeat_stopped_is_ended_failed_worker_lost(db, settings):
    settings.HAWK_RUN_LOST_AFTER_SECONDS = 45
    before = lost_count()
    lost = running(120, reserved_usd="0.01")
    alive = running(5)
    assert liveness.sweep_lost_runs() == 1
    lost.refresh_from_db()
    assert (lost.status, lost.error["code"], lost.reserved_usd) == ("failed", "worker_lost", 0)
    assert lost.finished_at is not None
    alive.refresh_from_db()
    assert alive.status == "running"
    assert lost_count() == before + 1


def test_a_beat_keeps_this_worker_runs_alive(db, settings):
    settings.HAWK_RUN_LOST_AFTER_SECONDS = 45
    mine = running(120)
    liveness.LIVE_RUNS.add(mine.run_id)
    try:
        liveness.beat()
    finally:
        liveness.LIVE_RUNS.discard(mine.run_id)
    assert liveness.sweep_lost_runs() == 0
    mine.refresh_from_db()
    assert mine.status == "running"


def test_two_sweepers_at_once_end_a_lost_run_once(transactional_db, settings):
    settings.HAWK_RUN_LOST_AFTER_SECONDS = 45
    for _ in range(3):
        running(120)
    barrier = Barrier(2)

    def sweep(_: int) -> int:
        barrier.wait()
        try:
            return liveness.sweep_lost_runs()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        swept = sorted(pool.map(sweep, range(2)))
    assert swept == [0, 3]
    assert AgentRun.objects.filter(status="failed").count() == 3

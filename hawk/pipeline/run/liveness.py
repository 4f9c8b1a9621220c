"""Runs whose worker died. Every worker beats for the runs it is running (AgentRun.heartbeat_at,
every HAWK_RUN_HEARTBEAT_SECONDS); a sweep ends a `running` run whose last beat (or start) is
older than HAWK_RUN_LOST_AFTER_SECONDS as `failed` with error `worker_lost`, releases its budget
reservation and counts it. Every worker tries the sweep on each beat; a Postgres advisory lock
lets one of them do it at a time, so the deployment has one sweeper without electing one.

With the defaults (15 s, 45 s) a run whose worker was killed is ended within a minute.
"""

import datetime
import logging
import threading
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from hawk.database.threads import call_and_release
from hawk.models import AgentRun
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

SWEEP_LOCK = 0x4841574C  # "HAWL": the advisory lock of the sweep
WORKER_LOST = {"code": "worker_lost", "message": "the worker running this run stopped"}
# The runs of this process, beaten for by its heartbeat thread (run_events adds and removes).
LIVE_RUNS: set[uuid.UUID] = set()


def beat() -> int:
    """Stamp this worker's running runs as alive; how many."""
    alive = list(LIVE_RUNS)
    if not alive:
        return 0
    runs = AgentRun.objects.filter(run_id__in=alive, status=AgentRun.Status.RUNNING)
    return runs.update(heartbeat_at=timezone.now())


def sweep_lost_runs() -> int:
    """End the runs whose worker stopped beating; how many (0 when another worker sweeps)."""
    with transaction.atomic():
        if not _sweep_lock_taken():
            return 0
        cutoff = timezone.now() - datetime.timedelta(seconds=settings.HAWK_RUN_LOST_AFTER_SECONDS)
        silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
        lost = AgentRun.objects.filter(silent, status=AgentRun.Status.RUNNING)
        count = lost.update(
            status=AgentRun.Status.FAILED,
            error=WORKER_LOST,
            finished_at=timezone.now(),
            reserved_usd=0,
        )
    if count:
        metrics.RUNS_LOST.inc(count)
        logger.warning("%d run(s) ended as failed: their worker stopped (worker_lost)", count)
    return count


def _sweep_lock_taken() -> bool:
    """Held to the end of the transaction; SQLite (one process on a laptop) needs none."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK])
        return bool(cursor.fetchone()[0])


class _Heartbeat:
    """A daemon thread per worker: beat, then try the sweep, every HAWK_RUN_HEARTBEAT_SECONDS."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hawk-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self.stopping.wait(settings.HAWK_RUN_HEARTBEAT_SECONDS):
            try:
                call_and_release(beat)
                call_and_release(sweep_lost_runs)
            except Exception as exc:  # the database may be down: the next beat tries again
                logger.warning("run heartbeat failed: %s", exc)


_heartbeat: _Heartbeat | None = None


def start_heartbeat() -> None:
    global _heartbeat
    if _heartbeat is None:
        _heartbeat = _Heartbeat()
        _heartbeat.thread.start()


def stop_heartbeat() -> None:
    global _heartbeat
    if _heartbeat is not None:
        _heartbeat.stopping.set()
        _heartbeat = None

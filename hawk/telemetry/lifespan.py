"""The end of a worker process for the metrics: at shutdown (hawk.api.lifespan) the worker's
live gauges (active streams, cache degraded) are removed from the Prometheus multiprocess
directory, so that what a stopped worker was doing is no longer summed into every scrape.

An atexit handler would not do: uvicorn ends a worker by raising SIGTERM again after its
graceful shutdown, and a process that dies of a signal runs no atexit handlers. A worker that
is killed outright still leaves its files; the directory is emptied at the next start
(docker/entrypoint.sh).
"""

import os

from django.conf import settings
from prometheus_client import multiprocess


def forget_live_gauges() -> None:
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.mark_process_dead(os.getpid(), settings.PROMETHEUS_MULTIPROC_DIR)

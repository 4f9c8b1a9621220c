"""Faults benchmark (issue 17): Postgres restarted under one real uvicorn worker, idle and under
load, with every answer counted.

    .venv/bin/python bench/faults.py [--users 30] [--seconds 45] [--restart-after 12]
                                     [--downtime 8] [--without-health-checks]

Starts a private PostgreSQL cluster (initdb on a free port of 127.0.0.1, removed afterwards;
never the shared server), migrates a database there, loads the demo bundle and an analyst, and
starts one uvicorn worker on it (DEBUG off, built-in analyst; REDIS_URL, default db 14). Then:

1. idle: 12 requests at once, a real restart (pg_ctl restart, fast), 12 requests at once again;
2. load: `--users` users posting whole runs (process-prompt, stream false) one after another
   for `--seconds`; after `--restart-after` s Postgres is stopped, left down `--downtime` s and
   started again. Every answer is counted by when it was asked (before, during the outage,
   after Postgres is back) and what it was (200, 503 `unavailable`, anything else); then the
   runs left `running` once the endings delayed by the outage are written (up to 15 s).

`--without-health-checks` runs the worker with the pool's connection check off (the "before"
of issue 17 item 8). Results are recorded in docs/benchmarks.md. Exits with status 1 when a
request asked after Postgres was back failed, an answer was neither 200 nor 503
`unavailable`, or a run was left running.
"""

import argparse
import asyncio
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.demo_setup import demo_with_analyst  # noqa: E402
from tests.hawk.streaming.pool_support import bodies_for, post_at_once  # noqa: E402
from tests.pg_cluster import Cluster, start_cluster, stop_cluster  # noqa: E402
from tests.restart_load import load_with_restart  # noqa: E402

IDLE_REQUESTS = 12
RUNNING = "SELECT count(*) FROM hawk_agent_run WHERE status = 'running'"
# Bounded waits while Postgres is down (seconds): a request answers 503 instead of waiting.
POOL_TIMEOUT, CONNECT_TIMEOUT = "3", "2"


def prepare(url: str) -> str:
    """The migrated database with the demo bundle and an analyst; returns the API token."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    return demo_with_analyst()


def idle_restart(url: str, token: str, cluster: Cluster) -> Counter:
    """Statuses of the requests right after a real restart of an idle worker's Postgres."""
    path, bodies = "/hawk-agent/context", bodies_for(IDLE_REQUESTS)
    warm = asyncio.run(post_at_once(url, token, path, bodies))
    assert warm == [200] * IDLE_REQUESTS, f"the worker failed before any restart: {warm}"
    cluster.restart()
    return Counter(asyncio.run(post_at_once(url, token, path, bodies)))


def running_runs(url: str, settle_seconds: float = 15.0) -> int:
    deadline = time.monotonic() + settle_seconds
    while True:
        with psycopg.connect(url, autocommit=True) as db:
            row = db.execute(RUNNING).fetchone()
        count = row[0] if row else 0
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--restart-after", type=float, default=12.0)
    parser.add_argument("--downtime", type=float, default=8.0)
    parser.add_argument("--without-health-checks", action="store_true")
    args = parser.parse_args()

    cluster = start_cluster()
    try:
        url = cluster.create_database("hawk_faults")
        token = prepare(url)
        from tests.uvicorn_process import uvicorn_process

        settings_module = "hawk.settings"
        if args.without_health_checks:
            settings_module = "bench.settings_without_health_checks"
        with uvicorn_process(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE=settings_module,
            DATABASE_POOL_TIMEOUT=POOL_TIMEOUT,
            DATABASE_CONNECT_TIMEOUT=CONNECT_TIMEOUT,
        ) as server:
            idle = idle_restart(server.url, token, cluster)
            report = asyncio.run(
                load_with_restart(
                    server.url,
                    token,
                    users=args.users,
                    seconds=args.seconds,
                    restart_after=args.restart_after,
                    stop=cluster.stop_server,
                    start=cluster.start_server,
                    downtime=args.downtime,
                )
            )
            left_running = running_runs(url)
    finally:
        stop_cluster(cluster)

    checks = "off" if args.without_health_checks else "on"
    print(f"# faults: {platform.node()}, {os.cpu_count()} cores, pool check {checks}")
    idle_text = ", ".join(f"{count} x {status}" for status, count in sorted(idle.items()))
    print(f"idle restart, the next {IDLE_REQUESTS} requests: {idle_text}")
    print(
        f"load: {args.users} users for {args.seconds:.0f} s, Postgres down {args.downtime:.0f} s "
        f"after {args.restart_after:.0f} s"
    )
    print(report.table())
    print(f"runs left running: {left_running}")
    for other in report.others[:5]:
        print(f"  other: {other}")
    failed = (
        report.count("after", "unavailable") + len(report.others) + left_running
    ) > 0 or idle.get(200, 0) != IDLE_REQUESTS
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

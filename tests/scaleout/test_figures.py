"""The figures of docs/operations.md ("Scale-out", measured), under 20 users: two uvicorn
workers on a private primary with a streaming standby that applies WAL 2 s late
(recovery_min_apply_delay) and on Redis behind three Sentinels; a platform writer updates the
positions every half second (plain SQL, the trigger feed), and mid-load the Redis master is
killed. Measured: the replica's share of the cache fills, the time until the Sentinels know the
new master and until the runs read the cache again, the p95 of the runs during the failover
and outside it, and the errors; asserted: no run fails once the new master is known (those
during the switch read the database, `degraded`), none is left `running`.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python -m pytest tests/scaleout/test_figures.py -s
"""

import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from string import hexdigits

import httpx
import psycopg
import pytest

from tests.hawk.datacache.changefeed.logical_support import ROOT, worker_environment
from tests.live import PROMPT
from tests.pg_cluster import Cluster, Standby
from tests.redis_sentinel import MASTER_NAME, RedisSet, redis_with_sentinels
from tests.uvicorn_process import UvicornProcess, server_env

DATABASE = "hawk_figures"
USERS = 20
LOAD_SECONDS = 24.0
KILL_AFTER_SECONDS = 8.0
APPLY_DELAY = "2s"
# The users and their tokens, made in the private database (one line each: the key).
MAKE_USERS = f"""
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
group = Group.objects.get(name="analyst")
for n in range({USERS}):
    user, _ = User.objects.get_or_create(username=f"figures{{n}}")
    user.groups.add(group)
    print(Token.objects.get_or_create(user=user)[0].key)
"""
WRITE = "UPDATE position_nav_master SET current_position = current_position + 1 WHERE nav_id = %s"


def manage(url: str, *command: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=worker_environment(url, "triggers"),
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def figures_database(logical_cluster: Cluster) -> tuple[str, list[str]]:
    """A database of the private primary with the demo data, the feed and 20 analysts."""
    url = logical_cluster.create_database(DATABASE)
    manage(url, "migrate", "--verbosity", "0")
    manage(url, "install_change_feed")
    manage(url, "bootstrap_local")
    # The shell may say more than the keys (its automatic imports): the keys are 40 hex digits.
    printed = manage(url, "shell", "-c", MAKE_USERS).split()
    tokens = [word for word in printed if len(word) == 40 and set(word) <= set(hexdigits)]
    assert len(tokens) == USERS, printed
    return url, tokens


@pytest.fixture
def delayed_standby(
    standby: Standby, logical_cluster: Cluster, figures_database: tuple[str, list[str]]
) -> Iterator[Standby]:
    """The standby, caught up, then applying every commit 2 s after the primary made it."""
    standby.wait_replayed(logical_cluster)
    set_delay(standby, APPLY_DELAY)
    try:
        yield standby
    finally:
        set_delay(standby, "0")


def set_delay(standby: Standby, delay: str) -> None:
    with psycopg.connect(standby.url(), autocommit=True) as connection:
        connection.execute(f"ALTER SYSTEM SET recovery_min_apply_delay = '{delay}'")
        connection.execute("SELECT pg_reload_conf()")


@dataclass
class Answer:
    started: float
    seconds: float
    status: int
    cache: str = ""
    run_id: str = ""


@dataclass
class Load:
    answers: list[Answer] = field(default_factory=list)
    killed_at: float = 0.0
    master_known_at: float = 0.0


async def user(url: str, token: str, until: float, load: Load) -> None:
    headers = {"Authorization": f"Token {token}"}
    body = {"user_prompt": PROMPT, "stream": False, "use_cache": False}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                response = await client.post("/hawk-agent/process-prompt", json=body)
                status, answer = response.status_code, response.json()
            except httpx.HTTPError:
                status, answer = 0, {}
            load.answers.append(
                Answer(
                    started,
                    time.monotonic() - started,
                    status,
                    str(answer.get("cache") or ""),
                    str(answer.get("run_id") or ""),
                )
            )


async def users(urls: list[str], tokens: list[str], until: float, load: Load) -> None:
    await asyncio.gather(
        *(user(urls[n % len(urls)], token, until, load) for n, token in enumerate(tokens))
    )


def writer(url: str, until: float) -> None:
    """The platform's writer: a position every half second, from outside Django."""
    with psycopg.connect(url, autocommit=True) as connection:
        n = 0
        while time.monotonic() < until:
            connection.execute(WRITE, [("NAV-00001", "NAV-00002")[n % 2]])
            n += 1
            time.sleep(0.5)


def kill_master_later(sentinels: RedisSet, load: Load) -> None:
    time.sleep(KILL_AFTER_SECONDS)
    load.killed_at = time.monotonic()
    old = sentinels.kill_master()
    sentinels.wait_new_master(old)
    load.master_known_at = time.monotonic()


def replica_fills(servers: list[UvicornProcess]) -> dict[str, float]:
    """hawk_replica_fills_total of the default database, summed over the workers."""
    total: dict[str, float] = {}
    for server in servers:
        for line in httpx.get(f"{server.url}/metrics", timeout=5).text.splitlines():
            if line.startswith("hawk_replica_fills_total{"):
                served = line.split('served_by="')[1].split('"')[0]
                total[served] = total.get(served, 0.0) + float(line.rsplit(" ", 1)[1])
    return total


def p95(answers: list[Answer]) -> float:
    seconds = sorted(answer.seconds for answer in answers)
    return statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]


def test_20_users_through_a_lagging_replica_and_a_redis_failover(
    figures_database: tuple[str, list[str]], delayed_standby: Standby
) -> None:
    url, tokens = figures_database
    load = Load()
    with redis_with_sentinels() as sentinels, ExitStack() as stack:
        env = server_env(
            DATABASE_URL=url,
            DATABASE_REPLICA_URLS=delayed_standby.url(DATABASE),
            HAWK_CHANGE_FEED="triggers",
            REDIS_URL="",
            REDIS_SENTINELS=sentinels.sentinel_addresses,
            REDIS_SENTINEL_MASTER=MASTER_NAME,
        )
        servers = []
        for _ in range(2):
            log = stack.enter_context(tempfile.TemporaryFile())
            server = UvicornProcess(env, log)
            stack.callback(server.stop)
            server.wait_until_healthy("/health/ready")
            servers.append(server)
        until = time.monotonic() + LOAD_SECONDS
        threads = [
            threading.Thread(target=writer, args=(url, until)),
            threading.Thread(target=kill_master_later, args=(sentinels, load)),
        ]
        for thread in threads:
            thread.start()
        asyncio.run(users([server.url for server in servers], tokens, until, load))
        for thread in threads:
            thread.join(40)
        fills = replica_fills(servers)
    answers = load.answers
    after_known = [a for a in answers if a.started >= load.master_known_at]
    switch = [a for a in answers if load.killed_at <= a.started < load.master_known_at]
    degraded = [a for a in after_known if a.cache == "degraded"]
    cache_back = max((a.started + a.seconds for a in degraded), default=load.master_known_at)
    during = [a for a in answers if load.killed_at <= a.started <= cache_back]
    outside = [a for a in answers if a not in during]
    share = fills.get("replica", 0.0) / sum(fills.values())
    failed = [a for a in answers if a.status != 200]
    print(
        f"\n{len(answers)} runs by {USERS} users in {LOAD_SECONDS:.0f} s; replica share of the "
        f"fills {share:.0%} ({fills}); new master known "
        f"{load.master_known_at - load.killed_at:.1f} s after the kill, cache read again "
        f"{cache_back - load.killed_at:.1f} s after it; p95 {p95(during):.2f} s during the "
        f"failover ({len(during)} runs), {p95(outside):.2f} s outside it; failed "
        f"{len(failed)} ({len([a for a in failed if a in switch])} while no master was known)"
    )
    assert [a for a in failed if a in after_known] == []
    assert share > 0
    with psycopg.connect(url, autocommit=True) as connection:
        running = connection.execute(
            "SELECT count(*) FROM hawk_agent_run WHERE status = 'running'"
        ).fetchone()[0]
    assert running == 0

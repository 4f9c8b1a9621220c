"""The figures of docs/operations.md ("Scale-out", measured), under 20 users: two uvicorn
workers on a private primary with a streaming standby that applies WAL 2 s late
(recovery_min_apply_delay) and on Redis behind three Sentinels; a platform writer updates the
positions every half second (plain SQL, the trigger feed), and mid-load the Redis master is
killed. Measured: the replica's share of the cache fills, the time until the Sentinels know the
new master and until the runs read the cache again, the p95 of the runs during the failover
and outside it, and the errors; asserted: no run fails once the new master is known (those
during the switch read the database, `degraded`), none is left `running`, and no answer is
stale: the writer adds 1 to a position counted in the CNY capacity the users ask about, and
each answer's `total_sfx` must be the total committed when its request started or one
committed before it ended, never an earlier one (the standby is always 2 s behind the writes).

    DATABASE_URL=... REDIS_URL=... .venv/bin/python -m pytest tests/scaleout/test_figures.py -s
"""

import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
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
APPLY_DELAY_SECONDS = 2.0
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
# Half the users skip the caches (every source a fill: the replica's share), half use them (the
# data and answer caches must be as exact as the fills through the lag and the failover).
BODY = {"user_prompt": PROMPT, "stream": False, "use_cache": False}
CACHED_BODY = {**BODY, "use_cache": True}
# The position behind a row of the answer's capacity: the newest of its entity and NAV type in
# the currency on or before the business date (what capacity_rows counts).
COUNTED_POSITION = """
SELECT nav_id FROM position_nav_master
WHERE entity_id = %s AND nav_type = %s AND currency_code = 'CNY' AND as_of_date <= %s
ORDER BY as_of_date DESC, nav_id DESC LIMIT 1
"""


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
    total: Decimal | None = None  # facts.capacity.total_sfx
    answer_cache: str = ""


@dataclass
class Write:
    """One commit of the writer: the monotonic clock just before and just after it, and the
    CNY capacity total it leaves."""

    before: float
    after: float
    total: Decimal


@dataclass
class Load:
    answers: list[Answer] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    killed_at: float = 0.0
    master_known_at: float = 0.0


def capacity_total(answer: dict) -> Decimal | None:
    total = ((answer.get("facts") or {}).get("capacity") or {}).get("total_sfx")
    return None if total is None else Decimal(total)


async def user(url: str, token: str, cached: bool, until: float, load: Load) -> None:
    body = CACHED_BODY if cached else BODY
    headers = {"Authorization": f"Token {token}"}
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
                    capacity_total(answer) if status == 200 else None,
                    str(answer.get("answer_cache") or ""),
                )
            )


async def users(urls: list[str], tokens: list[str], until: float, load: Load) -> None:
    await asyncio.gather(
        *(
            user(urls[n % len(urls)], token, n % 4 >= 2, until, load)
            for n, token in enumerate(tokens)
        )
    )


def facts_of(url: str, token: str) -> dict:
    """One answer's facts, outside the load."""
    response = httpx.post(
        f"{url}/hawk-agent/process-prompt",
        json=BODY,
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["facts"]


def counted_position(database_url: str, server_url: str, token: str) -> tuple[str, Decimal]:
    """A position the answer's capacity total counts, and that total once it has been written
    (+1) outside the load: proof that a write shows in the answer, read at once during the lag."""
    facts = facts_of(server_url, token)
    row, total = facts["capacity"]["rows"][0], Decimal(facts["capacity"]["total_sfx"])
    with psycopg.connect(database_url, autocommit=True) as connection:
        found = connection.execute(
            COUNTED_POSITION, [row["entity_id"], row["nav_type"], facts["as_of"]]
        ).fetchone()
        assert found is not None, row
        assert connection.execute(WRITE, [found[0]]).rowcount == 1
    assert Decimal(facts_of(server_url, token)["capacity"]["total_sfx"]) == total + 1
    return found[0], total + 1


def writer(url: str, nav_id: str, total: Decimal, until: float, load: Load) -> None:
    """The platform's writer: +1 to a counted position every half second, from outside Django,
    each commit timed (before and after) with the total it leaves."""
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < until:
            before = time.monotonic()
            assert connection.execute(WRITE, [nav_id]).rowcount == 1
            total += 1
            load.writes.append(Write(before, time.monotonic(), total))
            time.sleep(0.5)


def stale(answer: Answer, writes: list[Write], first: Decimal) -> bool:
    """Whether the answer's total is outside what was committed from its start to its end: the
    total of the last commit surely done before it started, or of one begun before it ended.
    The totals only grow, so that set is a range."""
    ended = answer.started + answer.seconds
    low = max((w.total for w in writes if w.after <= answer.started), default=first)
    high = max((w.total for w in writes if w.before <= ended), default=first)
    return answer.total is None or not low <= answer.total <= high


def ahead_of_standby(answer: Answer, writes: list[Write], first: Decimal) -> bool:
    """Whether the answer shows a write the standby could not have applied by the answer's end
    (a commit begun less than the apply delay before it): served from the replica, it would
    have been stale."""
    ended = answer.started + answer.seconds
    applied = max(
        (w.total for w in writes if w.before <= ended - APPLY_DELAY_SECONDS), default=first
    )
    return answer.total is not None and answer.total > applied


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
        nav_id, first_total = counted_position(url, servers[0].url, tokens[0])
        until = time.monotonic() + LOAD_SECONDS
        threads = [
            threading.Thread(target=writer, args=(url, nav_id, first_total, until, load)),
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
    checked = [a for a in answers if a.status == 200]
    over_lag = [a for a in checked if ahead_of_standby(a, load.writes, first_total)]
    stale_answers = [a for a in checked if stale(a, load.writes, first_total)]
    print(
        f"\n{len(answers)} runs by {USERS} users in {LOAD_SECONDS:.0f} s; replica share of the "
        f"fills {share:.0%} ({fills}); new master known "
        f"{load.master_known_at - load.killed_at:.1f} s after the kill, cache read again "
        f"{cache_back - load.killed_at:.1f} s after it; p95 {p95(during):.2f} s during the "
        f"failover ({len(during)} runs), {p95(outside):.2f} s outside it; failed "
        f"{len(failed)} ({len([a for a in failed if a in switch])} while no master was known); "
        f"{len(load.writes)} writes during the lag, {len(checked)} answers checked "
        f"({len(over_lag)} with a write the standby had not applied yet), "
        f"stale {len(stale_answers)}; data cache {Counter(a.cache for a in checked)}, "
        f"answer cache {Counter(a.answer_cache for a in checked)}"
    )
    assert stale_answers == [], stale_answers[:5]
    assert load.writes and checked and over_lag
    assert [a for a in failed if a in after_known] == []
    assert share > 0
    with psycopg.connect(url, autocommit=True) as connection:
        running = connection.execute(
            "SELECT count(*) FROM hawk_agent_run WHERE status = 'running'"
        ).fetchone()[0]
    assert running == 0

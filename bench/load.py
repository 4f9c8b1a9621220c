"""Load benchmark (issue 8): simulated users on 127.0.0.1 sending back to back for a few
minutes, a mix of the six intents and of prompt templates over SSE and WebSocket, while
configuration and position rows are written through the ORM; every answer's facts are checked
against the writes committed before its request started.

    make bench-load   (or: .venv/bin/python bench/load.py [--duration 180] [--users 30])

Uses its own database and Redis db (LOAD_DATABASE_URL, default hawk_load on the local
Postgres, created if missing; LOAD_REDIS_URL, default db 14), migrated and loaded with the demo
bundle and templates, Redis emptied. Starts `uvicorn --workers N` itself (DEBUG off, built-in
analyst, Prometheus multiprocess mode so one scrape covers every worker). The per-user rate
limit is lifted: users that send back to back exceed the 120/min production default on purpose.
The writes go through the ORM (as the admin, an import or a command would); with
--plain-sql-writes they are plain SQL UPDATEs on this process's own connection, as psql or the
platform's services make them, and only the change feed (triggers, installed here) can keep the
answers exact; --control-behind-the-cache makes the same writes with the feed off and must find
stale reads.

Reports the error rate, first-event and response p50/p95 (steady part, after --warmup), pool
waits, the data-cache hit rate over the steady part, and stale reads. Exits with status 1 when
a request failed or read stale data. Recorded in docs/benchmarks.md.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import httpx
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as websocket_connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "hawk.settings"
os.environ["DATABASE_URL"] = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hawk_load"
)
os.environ["REDIS_URL"] = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("LOG_LEVEL", "WARNING")

REQUEST_TIMEOUT = 30.0
TARGET_P95_MS = 500.0
TARGET_HIT_RATE = 0.98

# (intent, prompt, weight): what operations staff ask most, in all six intents.
PROMPTS = [
    ("utilisation", "Check if I can hedge 150K CNY today", 4),
    ("utilisation", "Can we hedge 2M USD today?", 3),
    ("inception", "Start USD 25M COI hedge", 2),
    ("inception", "Start CNY 10M RE hedge", 2),
    ("rollover", "Rollover existing JPY hedge", 2),
    ("termination", "Close JPY hedge position", 2),
    ("amendment", "Modify order ORD-123 notional to 120M", 2),
    ("inquiry", "Status of all CNY instructions", 2),
    ("inquiry", "Status of all USD instructions", 1),
]
# (template name, the variables chosen here; the others are filled by type), weight 1 each.
TEMPLATES = [
    ("Hedge capacity check", {"currency": "CNY", "amount": "5000000"}),
    ("Open instructions by currency", {"currency": "USD"}),
    ("Rollover of maturing hedges", {"currency": "JPY"}),
    ("USD PB deposit headroom", {"currency": "CNY"}),
]
FILL_BY_TYPE = {
    "currency": "CNY", "amount": "5000000", "entity_id": "ENTITY0005", "order_id": "ORD-123",
    "nav_type": "COI", "date": "2026-11-20", "text": "all",
}  # fmt: skip


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


# --- probes: rows written during the run and where their values show in the facts ----------


@dataclass
class Probe:
    """One row the writer changes (monotonically: base + step * k) and how an answer's facts
    show its value (None when that answer does not include the row)."""

    name: str
    write: Callable[[Decimal], None]
    read: Callable[[dict[str, Any]], Decimal | None]
    base: Decimal
    step: Decimal
    committed: list[tuple[float, Decimal]] = field(default_factory=list)

    def expected_at(self, started: float) -> Decimal:
        """The value of the last write committed before `started` (monotonic clock)."""
        value = self.base
        for committed_at, written in self.committed:
            if committed_at < started:
                value = written
        return value


def capacity_sfx(currency: str, entity_id: str, nav_type: str) -> Callable[[dict], Decimal | None]:
    def read(facts: dict[str, Any]) -> Decimal | None:
        if facts.get("currency") != currency:
            return None
        for row in (facts.get("capacity") or {}).get("rows", []):
            if (row["entity_id"], row["nav_type"]) == (entity_id, nav_type):
                return Decimal(row["sfx"])
        return None

    return read


def pb_warning_level(currency: str) -> Callable[[dict], Decimal | None]:
    def read(facts: dict[str, Any]) -> Decimal | None:
        level = (facts.get("pb_deposit") or {}).get("warning_level")
        return Decimal(level) if facts.get("currency") == currency and level else None

    return read


def listed_amount(sections: tuple[str, ...], key: str, ident: str, list_name: str) -> Callable:
    def read(facts: dict[str, Any]) -> Decimal | None:
        for section in sections:
            for row in (facts.get(section) or {}).get(list_name, []):
                if row.get(key) == ident:
                    return Decimal(row["amount"])
        return None

    return read


def make_probes(*, behind_the_cache: bool = False) -> list[Probe]:
    """Rows every prompt of the mix shows at least one of: positions (capacity), the CNY PB
    deposit threshold, a JPY allocation (rollover, termination), instructions (inquiry).

    behind_the_cache: write with plain SQL on this process's own connection, which bumps no
    cache generation of Django's: with the change feed on, the feed must make every answer
    exact; with it off (the control run), stale reads must be reported, proving the check can
    see them."""
    from hawk.models import Allocation, HedgeInstruction, PositionNav, ThresholdConfiguration

    def latest_position(currency: str, entity_id: str, nav_type: str) -> PositionNav:
        rows = PositionNav.objects.filter(
            currency_id=currency, entity_id=entity_id, nav_type=nav_type
        )
        return rows.order_by("-as_of_date").first()

    def saver(row: Any, column: str) -> Callable[[Decimal], None]:
        def write(value: Decimal) -> None:
            setattr(row, column, value)
            row.save(update_fields=[column])

        def write_behind_the_cache(value: Decimal) -> None:
            from django.db import connection

            table, key = row._meta.db_table, row._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {key} = %s", [value, row.pk]
                )

        return write_behind_the_cache if behind_the_cache else write

    cny = latest_position("CNY", "ENTITY0005", "RE")
    usd = latest_position("USD", "ENTITY0037", "COI")
    threshold = ThresholdConfiguration.objects.get(
        threshold_type="USD_PB_DEPOSIT", currency_id="CNY"
    )
    allocation = Allocation.objects.get(pk="ALLOC-00017")
    cny_order = HedgeInstruction.objects.get(pk="INS-00063")
    usd_order = HedgeInstruction.objects.get(pk="INS-00066")
    thousand = Decimal(1000)
    return [
        Probe(
            "position CNY ENTITY0005 RE",
            saver(cny, "current_position"),
            capacity_sfx("CNY", "ENTITY0005", "RE"),
            cny.current_position,
            thousand,
        ),
        Probe(
            "position USD ENTITY0037 COI",
            saver(usd, "current_position"),
            capacity_sfx("USD", "ENTITY0037", "COI"),
            usd.current_position,
            thousand,
        ),
        Probe(
            "threshold CNY PB deposit warning",
            saver(threshold, "warning_level"),
            pb_warning_level("CNY"),
            threshold.warning_level,
            Decimal(1),
        ),
        Probe(
            "allocation ALLOC-00017 (JPY)",
            saver(allocation, "hedge_amount_allocation"),
            listed_amount(
                ("rollover", "termination"), "allocation_id", "ALLOC-00017", "allocations"
            ),
            allocation.hedge_amount_allocation,
            thousand,
        ),
        Probe(
            "instruction INS-00063 (CNY)",
            saver(cny_order, "hedge_amount_order"),
            listed_amount(("inquiry",), "instruction_id", "INS-00063", "latest"),
            cny_order.hedge_amount_order,
            thousand,
        ),
        Probe(
            "instruction INS-00066 (USD)",
            saver(usd_order, "hedge_amount_order"),
            listed_amount(("inquiry",), "instruction_id", "INS-00066", "latest"),
            usd_order.hedge_amount_order,
            thousand,
        ),
    ]


# --- set-up: database, users, server -------------------------------------------------------


def ensure_database() -> None:
    import psycopg

    name = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    admin_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_data(users: int, change_feed: str = "triggers") -> list[str]:
    """Migrated database with the demo bundle and templates, the change feed installed (or
    removed, for `off`), an empty Redis db, and `users` analysts; returns their API tokens."""
    ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from hawk.datacache.changefeed.install import install as feed_install
    from hawk.datacache.changefeed.install import uninstall as feed_uninstall
    from hawk.management.commands.bootstrap_local import DEMO_BUNDLE

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_hedge_data", str(DEMO_BUNDLE), "--replace", stdout=quiet)
        call_command("load_prompt_templates", stdout=quiet)
    if change_feed == "off":
        feed_uninstall("triggers")
    else:
        feed_install("triggers")
    cache.clear()
    analyst = Group.objects.get_or_create(name="analyst")[0]
    tokens = []
    for number in range(1, users + 1):
        user = get_user_model().objects.get_or_create(username=f"load-user-{number:02d}")[0]
        user.groups.add(analyst)
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return tokens


def template_bodies() -> list[dict[str, Any]]:
    from templates_app.models import PromptTemplate

    bodies = []
    for name, chosen in TEMPLATES:
        template = PromptTemplate.objects.get(name=name, status="active")
        variables = {f["name"]: chosen.get(f["name"]) or _filled(f) for f in template.input_fields}
        bodies.append(
            {
                "user_prompt": template.name,
                "template_id": template.pk,
                "template_variables": variables,
            }
        )
    return bodies


def _filled(input_field: dict[str, Any]) -> str:
    if input_field.get("choices"):
        return str(input_field["choices"][0])
    return FILL_BY_TYPE.get(input_field.get("type", "text"), "all")


def start_server(
    workers: int,
    metrics_dir: str,
    log: IO[bytes],
    change_feed: str,
    cwd: Path = ROOT,
    extra_env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, str]:
    """uvicorn on a free port, serving the code of `cwd` (bench/latency.py: older code too, on
    its own database and Redis db given in `extra_env`)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "load-only-" + uuid.uuid4().hex * 2,
        "SECURE_SSL_REDIRECT": "false",
        "AGENT_RATE_LIMIT": "1000000/min",
        "DIFY_BASE_URL": "",
        "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
        "HAWK_CHANGE_FEED": change_feed,
        **(extra_env or {}),
    }
    options = (
        f"--host 127.0.0.1 --port {port} --workers {workers} --log-level warning "
        "--timeout-graceful-shutdown 5"
    )
    command = [sys.executable, "-m", "uvicorn", "hawk.asgi:application", *options.split()]
    # Its own process group: stopping it ends every worker, also one that outlives the parent.
    server = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    log.seek(0)
    raise SystemExit("the server did not start:\n" + log.read().decode(errors="replace")[-4000:])


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the parent (it stops its workers gracefully), then SIGKILL to whatever is
    left of its process group: a worker must never outlive the benchmark."""
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(5)


# --- one request ----------------------------------------------------------------------------


@dataclass
class Outcome:
    started: float
    transport: str
    intent: str
    first_ms: float | None = None
    total_ms: float | None = None
    error: str = ""
    facts: dict[str, Any] | None = None


class RunReader:
    """Follows one run's events: times the first one and message_end, keeps the facts."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome

    def take(self, event: dict[str, Any]) -> bool:
        """Whether the run is over."""
        now_ms = (time.monotonic() - self.outcome.started) * 1000
        if self.outcome.first_ms is None:
            self.outcome.first_ms = now_ms
        name = event.get("event")
        if name == "hawk_facts":
            self.outcome.facts = event.get("facts")
        elif name == "message_end":
            self.outcome.total_ms = now_ms
            return True
        elif name == "error":
            self.outcome.error = f"error event {event.get('code')}"
            return True
        return False


async def run_over_sse(client: httpx.AsyncClient, body: dict, outcome: Outcome) -> None:
    reader = RunReader(outcome)
    headers = {"Accept": "text/event-stream"}
    async with client.stream(
        "POST", "/hawk-agent/process-prompt", json=body, headers=headers
    ) as response:
        if response.status_code != 200:
            outcome.error = f"HTTP {response.status_code}"
            return
        async for line in response.aiter_lines():
            if line.startswith("data: ") and reader.take(json.loads(line[6:])):
                return
    outcome.error = outcome.error or "stream ended without message_end"


async def run_over_websocket(socket_: ClientConnection, body: dict, outcome: Outcome) -> None:
    reader = RunReader(outcome)
    await socket_.send(json.dumps({"type": "prompt", **body}))
    while not reader.take(json.loads(await socket_.recv())):
        pass


# --- users and the writer ---------------------------------------------------------------------


@dataclass
class Load:
    url: str
    deadline: float
    scenarios: list[tuple[str, dict[str, Any]]]
    weights: list[int]
    websocket_share: float
    outcomes: list[Outcome] = field(default_factory=list)


async def open_socket(url: str, token: str) -> ClientConnection:
    ws_url = url.replace("http://", "ws://") + "/ws/hawk-agent/"
    connection = await websocket_connect(ws_url, origin=url)  # type: ignore[arg-type]
    await connection.send(json.dumps({"type": "auth", "token": token}))
    reply = json.loads(await connection.recv())
    if reply.get("event") != "hawk_authenticated":
        raise RuntimeError(f"WebSocket auth failed: {reply}")
    return connection


async def user(number: int, token: str, load: Load) -> None:
    rng = random.Random(number)
    socket_: ClientConnection | None = None
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(
        base_url=load.url, headers=headers, timeout=REQUEST_TIMEOUT
    ) as client:
        while time.monotonic() < load.deadline:
            intent, body = rng.choices(load.scenarios, load.weights)[0]
            transport = "ws" if rng.random() < load.websocket_share else "sse"
            outcome = Outcome(time.monotonic(), transport, intent)
            try:
                if transport == "ws":
                    socket_ = socket_ or await open_socket(load.url, token)
                    await asyncio.wait_for(
                        run_over_websocket(socket_, body, outcome), REQUEST_TIMEOUT
                    )
                else:
                    await run_over_sse(client, body, outcome)
            except Exception as exc:
                outcome.error = outcome.error or f"{type(exc).__name__}: {exc}"[:120]
                if socket_ is not None and transport == "ws":
                    await socket_.close()
                    socket_ = None
            load.outcomes.append(outcome)
    if socket_ is not None:
        await socket_.close()


async def writer(probes: list[Probe], load: Load, interval: float) -> int:
    """One probe row written every `interval` seconds, in turn; returns how many writes."""
    writes = 0
    while time.monotonic() + interval < load.deadline:
        await asyncio.sleep(interval)
        writes += 1
        probe = probes[writes % len(probes)]
        value = probe.base + probe.step * writes
        await asyncio.to_thread(probe.write, value)
        probe.committed.append((time.monotonic(), value))  # after the commit returned
    return writes


# --- server figures (Prometheus, every worker) -------------------------------------------------


def scrape(url: str) -> dict[str, float]:
    totals: Counter[str] = Counter()
    for line in httpx.get(url + "/metrics", timeout=10).text.splitlines():
        if line.startswith("hawk_cache_operations_total{"):
            result = line.split('result="', 1)[1].split('"', 1)[0]
            totals[f"cache_{result}"] += float(line.rsplit(" ", 1)[1])
        elif line.startswith("hawk_db_pool_") and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            totals[name.split("{")[0]] += float(value)
    return dict(totals)


def delta(before: dict[str, float], after: dict[str, float], key: str) -> float:
    return after.get(key, 0.0) - before.get(key, 0.0)


# --- the run and its report ---------------------------------------------------------------------


def stale_reads(outcomes: list[Outcome], probes: list[Probe]) -> tuple[int, int, list[str]]:
    """(checked requests, stale requests, examples): a request is stale when a probe's value
    in its facts is older than the last write committed before it started."""
    checked, stale, examples = 0, 0, []
    for outcome in outcomes:
        if outcome.facts is None:
            continue
        seen = [(p, v) for p in probes if (v := p.read(outcome.facts)) is not None]
        checked += bool(seen)
        old = [(p, v) for p, v in seen if v < p.expected_at(outcome.started)]
        if old:
            stale += 1
            probe, value = old[0]
            examples.append(
                f"{probe.name}: saw {value}, expected {probe.expected_at(outcome.started)}"
            )
    return checked, stale, examples[:5]


def print_latencies(title: str, outcomes: list[Outcome]) -> None:
    print(f"\n{title}")
    print(
        f"{'':24} {'runs':>6} {'first p50':>10} {'first p95':>10} {'resp p50':>10} {'resp p95':>10}"
    )
    groups: dict[str, list[Outcome]] = {"ALL": outcomes}
    for key in ("transport", "intent"):
        for value in sorted({getattr(outcome, key) for outcome in outcomes}):
            groups[f"{key} {value}"] = [o for o in outcomes if getattr(o, key) == value]
    for name, group in groups.items():
        ok = [o for o in group if not o.error]
        first = [o.first_ms for o in ok if o.first_ms is not None]
        total = [o.total_ms for o in ok if o.total_ms is not None]
        figures = [
            percentile(first, 50),
            percentile(first, 95),
            percentile(total, 50),
            percentile(total, 95),
        ]
        print(f"{name:24} {len(group):6} " + " ".join(f"{value:10.1f}" for value in figures))


def report(
    args: argparse.Namespace,
    load: Load,
    probes: list[Probe],
    writes: int,
    whole: tuple[dict, dict],
    steady: tuple[dict, dict],
) -> bool:
    outcomes = load.outcomes
    steady_outcomes = [
        o for o in outcomes if o.started >= load.deadline - args.duration + args.warmup
    ]
    errors = [o for o in outcomes if o.error]
    checked, stale, examples = stale_reads(outcomes, probes)
    hits, misses = delta(*steady, "cache_hit"), delta(*steady, "cache_miss")
    hit_rate = hits / (hits + misses) if hits + misses else float("nan")
    steady_ok = [o for o in steady_outcomes if not o.error]
    first95 = percentile([o.first_ms for o in steady_ok if o.first_ms is not None], 95)
    total95 = percentile([o.total_ms for o in steady_ok if o.total_ms is not None], 95)
    print(
        f"\n# Load benchmark, {datetime.now():%Y-%m-%d %H:%M}  ({os.cpu_count()} CPUs, "
        f"{platform.platform()}, Python {platform.python_version()})"
    )
    print(f"options: {vars(args)}")
    print(
        f"{len(outcomes)} runs in {args.duration} s ({len(outcomes) / args.duration:.1f}/s), "
        f"{writes} writes; steady part = after the first {args.warmup} s: "
        f"{len(steady_outcomes)} runs"
    )
    print_latencies("## Latency, steady part (ms, at the client)", steady_outcomes)
    print_latencies("## Latency, whole run including warm-up (ms)", outcomes)
    print("\n## Errors")
    print(f"{len(errors)} of {len(outcomes)} ({len(errors) / max(len(outcomes), 1):.2%})")
    for reason, count in Counter(o.error for o in errors).most_common(5):
        print(f"  {count:5}  {reason}")
    print("\n## Database pool (all workers)")
    for label, (before, after) in (("whole run", whole), ("steady part", steady)):
        waits = delta(before, after, "hawk_db_pool_waits_total")
        waited = delta(before, after, "hawk_db_pool_wait_seconds_total")
        failed = delta(before, after, "hawk_db_pool_errors_total")
        print(f"{label:12} waits {waits:.0f}, waited {waited:.3f} s, timeouts/errors {failed:.0f}")
    print("\n## Data cache, steady part")
    print(f"hits {hits:.0f}, misses {misses:.0f}, hit rate {hit_rate:.2%}")
    print("\n## Stale reads")
    print(
        f"{stale} stale of {checked} checked ({len(outcomes) - len(errors) - checked} answers "
        f"showed no written row)"
    )
    for example in examples:
        print(f"  {example}")
    print("\n## Targets")
    pool_waits = delta(*whole, "hawk_db_pool_waits_total")
    for name, value, met in (
        ("error rate 0", f"{len(errors)} errors", not errors),
        ("first event p95 < 500 ms", f"{first95:.1f} ms", first95 < TARGET_P95_MS),
        ("response p95 < 500 ms", f"{total95:.1f} ms", total95 < TARGET_P95_MS),
        ("no pool wait", f"{pool_waits:.0f} waits", pool_waits == 0),
        ("data-cache hit rate >= 98%", f"{hit_rate:.2%}", hit_rate >= TARGET_HIT_RATE),
        ("stale reads 0", f"{stale} of {checked}", stale == 0),
    ):
        print(f"{name:30} {value:>16}  {'met' if met else 'MISSED'}")
    return not errors and stale == 0


def scenarios_and_weights() -> tuple[list[tuple[str, dict[str, Any]]], list[int]]:
    scenarios = [(intent, {"user_prompt": prompt}) for intent, prompt, _ in PROMPTS]
    scenarios += [("template", body) for body in template_bodies()]
    return scenarios, [weight for *_, weight in PROMPTS] + [1] * len(TEMPLATES)


async def drive(args: argparse.Namespace, url: str, tokens: list[str], probes: list[Probe]) -> bool:
    scenarios, weights = await asyncio.to_thread(scenarios_and_weights)
    started = time.monotonic()
    load = Load(url, started + args.duration, scenarios, weights, args.websocket_share)
    first = await asyncio.to_thread(scrape, url)
    writing = asyncio.create_task(writer(probes, load, args.write_interval))
    users = [asyncio.create_task(user(n, token, load)) for n, token in enumerate(tokens)]
    await asyncio.sleep(args.warmup)
    steady_start = await asyncio.to_thread(scrape, url)
    await asyncio.gather(*users)
    writes = await writing
    last = await asyncio.to_thread(scrape, url)
    return report(args, load, probes, writes, (first, last), (steady_start, last))


def print_server_errors(text: str, keep_in: str | None) -> None:
    if keep_in:
        Path(keep_in).write_text(text)
    errors = [line for line in text.splitlines() if "ERROR" in line]
    print(f"\nserver log: {len(errors)} ERROR lines")
    for line in errors[:5]:
        print(f"  {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds left out of 'steady'")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--websocket-share", type=float, default=0.4)
    parser.add_argument("--write-interval", type=float, default=1.0, help="seconds between writes")
    parser.add_argument("--server-log", help="also keep the server's log in this file")
    parser.add_argument(
        "--plain-sql-writes",
        action="store_true",
        help="write with plain SQL on another connection, the change feed (triggers) on",
    )
    parser.add_argument(
        "--control-behind-the-cache",
        action="store_true",
        help="write with plain SQL and the change feed off: must find stale reads",
    )
    args = parser.parse_args()
    if not 0 <= args.warmup < args.duration <= 1800:
        raise SystemExit("need 0 <= warmup < duration <= 1800 seconds")
    change_feed = "off" if args.control_behind_the_cache else "triggers"
    tokens = prepare_data(args.users, change_feed)
    plain_sql = args.control_behind_the_cache or args.plain_sql_writes
    probes = make_probes(behind_the_cache=plain_sql)
    with tempfile.TemporaryDirectory() as metrics_dir, tempfile.TemporaryFile() as log:
        server, url = start_server(args.workers, metrics_dir, log, change_feed)
        try:
            clean = asyncio.run(drive(args, url, tokens, probes))
        finally:
            stop_server(server)
        log.seek(0)
        print_server_errors(log.read().decode(errors="replace"), args.server_log)
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()

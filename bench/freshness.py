"""Freshness under writes made outside Django: rounds of "commit a plain-SQL write on another
connection, ask"; the stale answers and the time from commit to a fresh answer, with the
change feed's listener running and stopped, side by side in one run. Then what the trigger
costs the platform's writers: single-row updates with and without it, alternated.

    make bench-freshness   (or: .venv/bin/python bench/freshness.py [--rounds 20])

Uses its own database (BENCH_DATABASE_URL, default hawk_bench on the local Postgres: created,
migrated and loaded with the demo bundle) and Redis database (BENCH_REDIS_URL, default db 13).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "hawk.settings"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hawk_bench"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ["HAWK_CHANGE_FEED"] = "triggers"
os.environ.setdefault("LOG_LEVEL", "WARNING")

PROMPT = "Check if I can hedge 150K CNY today"
ASK_AFTER_SECONDS = 0.1


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    name, admin_url = url.rsplit("/", 1)[-1], url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def set_up() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from hawk.datacache.changefeed.install import install
    from hawk.management.commands.bootstrap_local import DEMO_BUNDLE

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_hedge_data", str(DEMO_BUNDLE), "--replace", stdout=quiet)
    install("triggers")


def cny_position(prepared) -> tuple[str, object]:
    return sorted(
        (row["nav_id"], row["current_position"]) for row in prepared.extraction.records["positions"]
    )[0]


def rounds(count: int) -> tuple[int, list[float]]:
    """(stale answers asked ASK_AFTER_SECONDS after the commit, ms from commit to a fresh
    answer asked at once)."""
    from hawk.pipeline.prepare import PromptInput, prepare

    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
    stale, to_fresh = 0, []
    with psycopg.connect(url, autocommit=True) as writer:
        for number in range(count):
            nav_id, _ = cny_position(prepare(PromptInput(PROMPT)))  # warm: the answer is cached
            wanted = 10_000 + number
            update = "UPDATE position_nav_master SET current_position = %s WHERE nav_id = %s"
            writer.execute(update, [wanted, nav_id])
            committed = time.perf_counter()
            fresh = dict([cny_position(prepare(PromptInput(PROMPT)))])
            to_fresh.append((time.perf_counter() - committed) * 1000)
            stale += fresh.get(nav_id) != wanted
            writer.execute(update, [wanted + 0.5, nav_id])
            time.sleep(ASK_AFTER_SECONDS)
            later = dict([cny_position(prepare(PromptInput(PROMPT)))])
            stale += later.get(nav_id) != wanted + 0.5
    return stale, to_fresh


def trigger_cost(updates: int) -> tuple[float, float]:
    """Mean ms of a single-row autocommit UPDATE of position_nav_master without and with the
    trigger, in alternating blocks of 100 so that machine noise hits both alike."""
    from hawk.datacache.changefeed.install import install, uninstall

    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
    timings: dict[bool, list[float]] = {False: [], True: []}
    with psycopg.connect(url, autocommit=True) as writer:
        nav_id = writer.execute("SELECT min(nav_id) FROM position_nav_master").fetchone()[0]
        for block in range(updates // 100 * 2):
            with_trigger = block % 2 == 1
            (install if with_trigger else uninstall)("triggers")
            for _ in range(100):
                started = time.perf_counter()
                writer.execute(
                    "UPDATE position_nav_master SET modified_by = 'bench' WHERE nav_id = %s",
                    [nav_id],
                )
                timings[with_trigger].append((time.perf_counter() - started) * 1000)
    install("triggers")
    return statistics.mean(timings[False]), statistics.mean(timings[True])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--updates", type=int, default=1000, help="per side, for the trigger cost")
    args = parser.parse_args()
    set_up()
    from hawk.datacache.changefeed import listener
    from hawk.datacache.changefeed.state import STATE

    listener.start_listener()
    deadline = time.monotonic() + 10
    while not STATE.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    with_listener = rounds(args.rounds)
    listener.stop_listener()
    without = rounds(args.rounds)
    print(f"{'listener':<10} {'answers':>8} {'stale':>6} {'to fresh p50 ms':>16} {'p95 ms':>8}")
    for name, (stale, times) in (("running", with_listener), ("stopped", without)):
        p50, p95 = statistics.median(times), percentile(times, 95)
        print(f"{name:<10} {2 * args.rounds:>8} {stale:>6} {p50:>16.2f} {p95:>8.2f}")
    plain, triggered = trigger_cost(args.updates)
    print(f"\n{'single-row UPDATE':<20} {'mean ms':>8}   ({args.updates} each, alternated)")
    print(f"{'without trigger':<20} {plain:>8.3f}")
    print(f"{'with trigger':<20} {triggered:>8.3f}   ratio {triggered / plain:.2f}x")
    sys.exit(1 if with_listener[0] or without[0] else 0)


if __name__ == "__main__":
    main()

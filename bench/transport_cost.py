"""The server's CPU per run under load, SSE against WebSocket (issue 19).

    .venv/bin/python bench/transport_cost.py [--rate 50] [--seconds 15] [--rounds 2]

Starts this tree's server as bench/latency.py does (bench/load.py's data, LOAD_DATABASE_URL
and LOAD_REDIS_URL, `uvicorn --workers N`, the built-in analyst) and offers it runs at a fixed
rate (Poisson arrivals, bench/latency.py's open loop), all over SSE, then all over WebSocket,
--rounds times in turn. For each step: the CPU time of the server's whole process tree (the
uvicorn parent, its workers and every thread of theirs, user and system, from /proc) divided
by the runs. bench/request_cost.py counts one run at a time in-process; this counts what a
loaded server spends, its HTTP or WebSocket protocol and thread hand-overs included.
Recorded in docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _processes() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds so far (user and system, all its threads)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as stat:
                # The command may hold spaces or parentheses: the fields start after the last ")".
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        found[int(name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    return found


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds of `root` and all its descendants that are still running."""
    processes, members = _processes(), {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in processes.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return sum(processes[pid][1] for pid in members if pid in processes)


async def measure(target: Any, server_pid: int, args: argparse.Namespace) -> None:
    from bench.latency import open_step

    print(f"{'step':24} {'runs':>6} {'errors':>6} {'server CPU per run (ms)':>24}", flush=True)
    for round_ in range(1, args.rounds + 1):
        for transport in ("sse", "ws"):
            before = tree_cpu_seconds(server_pid)
            outcomes = await open_step(target, args.rate, args.seconds, [transport], args.users)
            spent = tree_cpu_seconds(server_pid) - before
            errors = sum(1 for outcome in outcomes if outcome.error)
            label = f"round {round_} {transport} {args.rate:g}/s"
            per_run = 1000 * spent / max(len(outcomes), 1)
            print(f"{label:24} {len(outcomes):>6} {errors:>6} {per_run:>24.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="runs/s offered")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per step")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (0 < args.rate <= 300 and 0 < args.seconds <= 120 and 0 < args.rounds <= 10):
        raise SystemExit("need 0 < --rate <= 300, 0 < --seconds <= 120, 0 < --rounds <= 10")
    # Set before bench.load is imported (it reads them into DATABASE_URL and REDIS_URL); the
    # imports stay here, so that the CPU reader above imports without touching the settings.
    os.environ.setdefault("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hawk_i19")
    os.environ.setdefault("LOAD_REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ["DIFY_BASE_URL"] = ""  # the built-in analyst
    from bench.latency import Target
    from bench.load import prepare_data, scenarios_and_weights, start_server, stop_server

    tokens = prepare_data(args.users, "triggers")
    target = Target("new", None, tokens, scenarios_and_weights())
    with tempfile.TemporaryDirectory() as metrics_dir, tempfile.TemporaryFile() as log:
        server, target.url = start_server(args.workers, metrics_dir, log, "triggers")
        try:
            asyncio.run(measure(target, server.pid, args))
        finally:
            stop_server(server)


if __name__ == "__main__":
    main()

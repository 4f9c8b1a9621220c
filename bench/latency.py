"""Latency benchmark (issue 19): the HTTP path against the run itself, side by side, one run.

    .venv/bin/python bench/latency.py [--users 30] [--closed 30] [--step 30]
        [--rates 2,5,10,20,40,80] [--old-code /path/to/an/older/tree] [--plot curve.png]

For each server (this tree's, and with --old-code an older tree's, started one after the
other on the same data): a closed loop of --users users back to back for --closed seconds,
half over SSE and half over WebSocket (first event and response p50/p95 per transport), then
an open loop: runs arriving at a fixed rate (Poisson), one step of --step seconds per rate,
each on its own token (p50/p95/p99 per step, and the knee: the first rate whose first-event
p95 passes 1 s, or whose runs fall behind). Between them, in-process: the same runs through
the run service in this process with no HTTP, at the same concurrency (the limit the
transports should approach). The built-in analyst answers; the data and the server are
bench/load.py's (LOAD_DATABASE_URL, LOAD_REDIS_URL, `uvicorn --workers N`).
"""

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DIFY_BASE_URL"] = ""  # the built-in analyst, in this process too

from bench.load import (
    REQUEST_TIMEOUT,
    ROOT,
    Outcome,
    RunReader,
    open_socket,
    percentile,
    prepare_data,
    run_over_sse,
    run_over_websocket,
    scenarios_and_weights,
    start_server,
    stop_server,
)

KNEE_P95_MS = 1000.0
Scenario = tuple[str, dict[str, Any]]
Runner = Callable[[dict[str, Any], Outcome], Awaitable[None]]


def summary(outcomes: list[Outcome]) -> dict[str, float]:
    ok = [o for o in outcomes if not o.error]
    first = [o.first_ms for o in ok if o.first_ms is not None]
    total = [o.total_ms for o in ok if o.total_ms is not None]
    return {
        "runs": len(outcomes),
        "errors": len(outcomes) - len(ok),
        "first p50": percentile(first, 50),
        "first p95": percentile(first, 95),
        "first p99": percentile(first, 99),
        "resp p50": percentile(total, 50),
        "resp p95": percentile(total, 95),
        "resp p99": percentile(total, 99),
    }


def print_row(name: str, figures: dict[str, float]) -> None:
    cells = " ".join(
        f"{figures[k]:9.1f}" for k in ("first p50", "first p95", "resp p50", "resp p95")
    )
    print(f"{name:28} {figures['runs']:6.0f} {figures['errors']:5.0f} {cells}", flush=True)


def print_header(title: str) -> None:
    names = ("runs", "errs", "first p50", "first p95", "resp p50", "resp p95")
    widths = (6, 5, 9, 9, 9, 9)
    print(
        f"\n{title}\n{'':28} " + " ".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True))
    )


# --- the three ways of running a prompt ---------------------------------------------------------


async def in_process(body: dict[str, Any], outcome: Outcome, user_id: int) -> None:
    """The run service itself: validation (a template's on a thread) and the run's events."""
    from hawk.api.serializers import avalidated_run
    from hawk.pipeline.run import run_as_events

    reader = RunReader(outcome)
    run, _ = await avalidated_run(body, user_id=user_id, channel="http")
    async for event in run_as_events(run):
        if event is not None and reader.take(event):
            return


async def timed(runner: Runner, body: dict[str, Any], transport: str, intent: str) -> Outcome:
    outcome = Outcome(time.monotonic(), transport, intent)
    try:
        await asyncio.wait_for(runner(body, outcome), REQUEST_TIMEOUT)
    except Exception as exc:
        outcome.error = outcome.error or f"{type(exc).__name__}: {exc}"[:120]
    return outcome


class Target:
    """Where runs go: a server (by SSE or WebSocket, one token per user) or this process."""

    def __init__(self, url: str | None, tokens: list[str], user_ids: list[int]) -> None:
        self.url, self.tokens, self.user_ids = url, tokens, user_ids

    async def runner(self, number: int, transport: str) -> tuple[Runner, Callable]:
        if transport == "in-process":
            user_id = self.user_ids[number % len(self.user_ids)]
            return (lambda body, outcome: in_process(body, outcome, user_id)), _nothing
        token = self.tokens[number % len(self.tokens)]
        if transport == "ws":
            socket_ = await open_socket(str(self.url), token)
            return (lambda body, outcome: run_over_websocket(socket_, body, outcome)), socket_.close
        headers = {"Authorization": f"Token {token}"}
        client = httpx.AsyncClient(base_url=str(self.url), headers=headers, timeout=REQUEST_TIMEOUT)
        return (lambda body, outcome: run_over_sse(client, body, outcome)), client.aclose


async def _nothing() -> None:
    return None


# --- closed loop ----------------------------------------------------------------------------


async def closed_user(
    target: Target, number: int, transport: str, deadline: float, scenarios: Any
) -> list[Outcome]:
    rng, outcomes = random.Random(number), []
    runner, close = await target.runner(number, transport)
    try:
        while time.monotonic() < deadline:
            intent, body = rng.choices(*scenarios)[0]
            outcomes.append(await timed(runner, body, transport, intent))
    finally:
        await close()
    return outcomes


async def closed_loop(
    target: Target, transports: list[str], users: int, seconds: float, scenarios: Any
) -> list[Outcome]:
    """`users` users back to back, user n on transports[n % len(transports)]."""
    deadline = time.monotonic() + seconds
    tasks = [
        closed_user(target, n, transports[n % len(transports)], deadline, scenarios)
        for n in range(users)
    ]
    return [outcome for outcomes in await asyncio.gather(*tasks) for outcome in outcomes]


# --- open loop ------------------------------------------------------------------------------


async def open_step(target: Target, rate: float, seconds: float, scenarios: Any) -> list[Outcome]:
    """Runs arriving as a Poisson process of `rate` per second over SSE for `seconds`, each
    on a user of its own turn; runs still going at the end are waited for."""
    rng, runners, tasks = random.Random(int(rate * 1000)), [], []
    for number in range(len(target.tokens)):
        runners.append(await target.runner(number, "sse"))
    deadline, arrival = time.monotonic() + seconds, time.monotonic()
    while (arrival := arrival + rng.expovariate(rate)) < deadline:
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
        intent, body = rng.choices(*scenarios)[0]
        runner = runners[len(tasks) % len(runners)][0]
        tasks.append(asyncio.create_task(timed(runner, body, "sse", intent)))
    outcomes = list(await asyncio.gather(*tasks))
    for _, close in runners:
        await close()
    return outcomes


def knee(steps: list[tuple[float, dict[str, float]]]) -> float | None:
    """The first offered rate whose first-event p95 passes 1 s or that had errors."""
    for rate, figures in steps:
        if figures["first p95"] > KNEE_P95_MS or figures["errors"]:
            return rate
    return None


async def open_loop(
    target: Target, rates: list[float], seconds: float, scenarios: Any
) -> list[tuple[float, dict[str, float]]]:
    print_header(f"## Open loop over SSE, {seconds:.0f} s a step (ms)")
    steps = []
    for rate in rates:
        figures = summary(await open_step(target, rate, seconds, scenarios))
        figures["achieved"] = figures["runs"] / seconds
        steps.append((rate, figures))
        print_row(f"{rate:g} runs/s offered", figures)
        if figures["first p95"] > 5 * KNEE_P95_MS:
            break  # far past the knee: the next steps would only queue
    print(f"knee (first p95 > 1 s): {knee(steps) or 'not reached'} runs/s offered")
    return steps


# --- one server and the report --------------------------------------------------------------


async def measure(target: Target, args: argparse.Namespace, label: str, scenarios: Any) -> Any:
    print_header(f"## {label}: closed loop, {args.users} users, {args.closed:.0f} s (ms)")
    outcomes = await closed_loop(target, ["sse", "ws"], args.users, args.closed, scenarios)
    for transport in ("sse", "ws"):
        print_row(transport, summary([o for o in outcomes if o.transport == transport]))
    print(f"throughput {len(outcomes) / args.closed:.1f} runs/s")
    return await open_loop(target, args.rates, args.step, scenarios)


def with_server(tree: Path, args: argparse.Namespace, target: Target, label: str) -> Any:
    with tempfile.TemporaryDirectory() as metrics_dir, tempfile.TemporaryFile() as log:
        server, url = start_server(args.workers, metrics_dir, log, "triggers", cwd=tree)
        try:
            target.url = url
            return asyncio.run(measure(target, args, label, scenarios_and_weights()))
        finally:
            stop_server(server)


def in_process_figures(target: Target, args: argparse.Namespace) -> None:
    print_header(f"## In-process: the run service, {args.users} users, {args.closed:.0f} s (ms)")
    scenarios = scenarios_and_weights()
    outcomes = asyncio.run(closed_loop(target, ["in-process"], args.users, args.closed, scenarios))
    print_row("in-process", summary(outcomes))
    print(f"throughput {len(outcomes) / args.closed:.1f} runs/s")


def plot(curves: dict[str, Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6, 3.6), dpi=80)
    for label, steps in curves.items():
        rates = [rate for rate, _ in steps]
        for key, style in (("first p95", "-o"), ("resp p95", "--s")):
            axes.plot(rates, [f[key] for _, f in steps], style, label=f"{label} {key}")
    axes.axhline(KNEE_P95_MS, color="grey", linewidth=0.8)
    axes.set(
        xscale="log",
        yscale="log",
        xlabel="offered load (runs/s, Poisson)",
        ylabel="latency at the client (ms)",
        title="SSE latency against offered load",
    )
    axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path)
    print(f"plot written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--closed", type=float, default=30.0, help="seconds of closed loop")
    parser.add_argument("--step", type=float, default=30.0, help="seconds per open-loop step")
    parser.add_argument("--rates", default="2,5,10,20,40,80", help="open-loop runs/s, in order")
    parser.add_argument("--old-code", help="a tree of older code to measure after this one")
    parser.add_argument("--plot", help="write the latency curve to this PNG")
    args = parser.parse_args()
    args.rates = [float(rate) for rate in args.rates.split(",")]
    if not (0 < args.closed <= 120 and 0 < args.step <= 120 and 0 < args.users <= 200):
        raise SystemExit("need 0 < --closed, --step <= 120 s and 0 < --users <= 200")
    tokens = prepare_data(args.users, "triggers")
    from rest_framework.authtoken.models import Token

    user_ids = [Token.objects.get(key=key).user_id for key in tokens]
    target = Target(None, tokens, user_ids)
    curves = {"new": with_server(ROOT, args, target, "this tree")}
    in_process_figures(target, args)
    if args.old_code:
        curves["old"] = with_server(Path(args.old_code), args, target, f"old code {args.old_code}")
    if args.plot:
        plot(curves, args.plot)


if __name__ == "__main__":
    main()

"""Latency benchmark (issue 19): the HTTP path against the run itself, side by side, one run.

    .venv/bin/python bench/latency.py [--users 30] [--closed 30] [--realistic 60] [--step 30]
        [--rates 2,5,10,20,40,80] [--old-code /path/to/an/older/tree] [--plot curve.png]
        [--json results.json]

Starts this tree's server and, with --old-code, an older tree's (on its own database and Redis
db, prepared by that tree's bench/load.py), both at once, and measures them phase by phase,
one right after the other, so that the ratios hold on a noisy machine:

1. closed loop: --users users back to back for --closed seconds, half over SSE and half over
   WebSocket: first event and response p50/p95 per transport, and the throughput;
2. in-process: the same runs through the run service in this process with no HTTP, at the
   same concurrency (the limit the transports should approach);
3. the realistic load: --users users, one run every users/--realistic-rate seconds each on
   average (Poisson arrivals, 3 runs/s by default), half over SSE and half over WebSocket,
   on every server at once (light load: so both see the same moments of a noisy machine);
4. open loop: runs arriving at a fixed rate (Poisson) over SSE, one step of --step seconds per
   rate: p50/p95/p99 per step, the knee (where p95 passes 1 s, first event and response, with
   the crossing interpolated between steps) and a PNG of latency against offered load.

The built-in analyst answers; the data and the server are bench/load.py's (LOAD_DATABASE_URL,
LOAD_REDIS_URL, `uvicorn --workers N`); the older tree's on --old-database-url, --old-redis-url.
The client runs in this one process on the same machine: its CPU share per phase is printed.
"""

import argparse
import asyncio
import json
import math
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

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
    run_over_websocket,
    scenarios_and_weights,
    start_server,
    stop_server,
)
from bench.sse_client import HttpError, SseClient

KNEE_P95_MS = 1000.0
REALISTIC_FIRST_P95_MS = 50.0
REALISTIC_RESPONSE_P95_MS = 200.0
Scenarios = tuple[list[Any], list[int]]
Runner = Callable[[dict[str, Any], Outcome], Awaitable[None]]
Steps = list[tuple[float, dict[str, float]]]


def summary(outcomes: list[Outcome], seconds: float | None = None) -> dict[str, Any]:
    ok = [o for o in outcomes if not o.error]
    first = [o.first_ms for o in ok if o.first_ms is not None]
    total = [o.total_ms for o in ok if o.total_ms is not None]
    figures: dict[str, Any] = {
        "runs": len(outcomes),
        "errors": len(outcomes) - len(ok),
        "first p50": percentile(first, 50),
        "first p95": percentile(first, 95),
        "first p99": percentile(first, 99),
        "resp p50": percentile(total, 50),
        "resp p95": percentile(total, 95),
        "resp p99": percentile(total, 99),
    }
    if seconds:
        figures["runs/s"] = len(ok) / seconds
    kinds = Counter(o.error for o in outcomes if o.error)
    if kinds:
        figures["error kinds"] = dict(kinds.most_common(3))
    return figures


COLUMNS = ("first p50", "first p95", "first p99", "resp p50", "resp p95", "resp p99")


def print_header(title: str) -> None:
    names = ("runs", "errs", *COLUMNS, "client")
    print(f"\n{title}\n{'':24} " + " ".join(f"{n:>9}" for n in names), flush=True)


def print_row(name: str, figures: dict[str, Any]) -> None:
    cells = " ".join(f"{figures[k]:9.1f}" for k in COLUMNS)
    client = f"{figures['client cpu']:8.0%}" if "client cpu" in figures else ""
    print(f"{name:24} {figures['runs']:9.0f} {figures['errors']:9.0f} {cells} {client}", flush=True)
    for error, count in figures.get("error kinds", {}).items():
        print(f"{'':24} {count:9d} x {error}", flush=True)


class ClientCpu:
    """This process's CPU time over a phase, as a share of one core: the client shares the
    machine with the servers, and past about 100% it is the client that queues."""

    def __enter__(self) -> "ClientCpu":
        self.cpu, self.wall = time.process_time(), time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.share = (time.process_time() - self.cpu) / (time.monotonic() - self.wall)


# --- the three ways of running a prompt ---------------------------------------------------------

PROMPT_PATH = "/hawk-agent/process-prompt"


async def run_over_sse(client: SseClient, body: dict[str, Any], outcome: Outcome) -> None:
    """One run over SSE, its stream read to the end (message_end is its last event)."""
    reader, over = RunReader(outcome), False
    try:
        async for data in client.events(PROMPT_PATH, body):
            over = over or reader.take(json.loads(data))
    except HttpError as exc:
        outcome.error = str(exc)
        return
    if not over:
        outcome.error = outcome.error or "stream ended without message_end"


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
    """Where runs go: a server (by SSE or WebSocket, one token per user) or this process, with
    the scenarios of its own database (template ids differ between databases)."""

    def __init__(
        self,
        label: str,
        url: str | None,
        tokens: list[str],
        scenarios: Scenarios,
        user_ids: list[int] | None = None,
    ) -> None:
        self.label, self.url, self.tokens = label, url, tokens
        self.scenarios, self.user_ids = scenarios, user_ids or []

    async def runner(self, number: int, transport: str) -> tuple[Runner, Callable]:
        if transport == "in-process":
            user_id = self.user_ids[number % len(self.user_ids)]
            return (lambda body, outcome: in_process(body, outcome, user_id)), _nothing
        token = self.tokens[number % len(self.tokens)]
        if transport == "ws":
            socket_ = await open_socket(str(self.url), token)
            return (lambda body, outcome: run_over_websocket(socket_, body, outcome)), socket_.close
        client = SseClient(str(self.url), token)
        return (lambda body, outcome: run_over_sse(client, body, outcome)), client.aclose


async def _nothing() -> None:
    return None


# --- closed loop ----------------------------------------------------------------------------


async def closed_user(
    target: Target, number: int, transport: str, deadline: float
) -> list[Outcome]:
    rng, outcomes = random.Random(number), []
    runner, close = await target.runner(number, transport)
    try:
        while time.monotonic() < deadline:
            intent, body = rng.choices(*target.scenarios)[0]
            outcomes.append(await timed(runner, body, transport, intent))
    finally:
        await close()
    return outcomes


async def closed_loop(
    target: Target, transports: list[str], users: int, seconds: float
) -> list[Outcome]:
    """`users` users back to back, user n on transports[n % len(transports)]."""
    deadline = time.monotonic() + seconds
    tasks = [
        closed_user(target, n, transports[n % len(transports)], deadline) for n in range(users)
    ]
    return [outcome for outcomes in await asyncio.gather(*tasks) for outcome in outcomes]


# --- open loop ------------------------------------------------------------------------------


async def open_step(
    target: Target, rate: float, seconds: float, transports: list[str], users: int
) -> list[Outcome]:
    """Runs arriving as a Poisson process of `rate` per second for `seconds`, each on the next
    of `users` users in turn (user n on transports[n % len]); runs still going at the end are
    waited for."""
    rng, runners = random.Random(int(rate * 1000)), []
    tasks: list[asyncio.Task[Outcome]] = []
    for number in range(users):
        transport = transports[number % len(transports)]
        runners.append((*await target.runner(number, transport), transport))
    deadline, arrival = time.monotonic() + seconds, time.monotonic()
    while (arrival := arrival + rng.expovariate(rate)) < deadline:
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
        intent, body = rng.choices(*target.scenarios)[0]
        runner, _, transport = runners[len(tasks) % len(runners)]
        tasks.append(asyncio.create_task(timed(runner, body, transport, intent)))
    outcomes = list(await asyncio.gather(*tasks))
    for _, close, _ in runners:
        await close()
    return outcomes


def knee(steps: Steps, key: str) -> tuple[float | None, float | None]:
    """(the first offered rate whose `key` p95 passes 1 s or that had errors, the crossing of
    1 s interpolated on the log-log curve between it and the step before)."""
    for index, (rate, figures) in enumerate(steps):
        if figures[key] > KNEE_P95_MS or figures["errors"]:
            if index == 0 or figures["errors"] or not figures[key] > 0:
                return rate, None
            low_rate, low = steps[index - 1][0], steps[index - 1][1][key]
            share = math.log(KNEE_P95_MS / low) / math.log(figures[key] / low)
            return rate, math.exp(math.log(low_rate) + share * math.log(rate / low_rate))
    return None, None


def knee_text(steps: Steps, key: str) -> str:
    rate, crossing = knee(steps, key)
    if rate is None:
        return f"not reached (up to {steps[-1][0]:g} runs/s)" if steps else "no steps"
    return f"{rate:g} runs/s offered" + (f" (1 s crossed at ~{crossing:.0f})" if crossing else "")


# --- the phases, each on every target in turn ------------------------------------------------


async def phase_closed(targets: list[Target], args: argparse.Namespace, results: dict) -> None:
    print_header(f"## Closed loop, {args.users} users back to back, {args.closed:.0f} s (ms)")
    for target in targets:
        with ClientCpu() as cpu:
            outcomes = await closed_loop(target, ["sse", "ws"], args.users, args.closed)
        entry = results.setdefault(target.label, {})
        entry["throughput"] = len(outcomes) / args.closed
        for transport in ("sse", "ws"):
            figures = summary([o for o in outcomes if o.transport == transport], args.closed)
            figures["client cpu"] = cpu.share
            entry[f"closed {transport}"] = figures
            print_row(f"{target.label} {transport}", figures)
        print(f"{target.label}: throughput {entry['throughput']:.1f} runs/s", flush=True)


async def phase_in_process(target: Target, args: argparse.Namespace, results: dict) -> None:
    print_header(f"## In-process: the run service, {args.users} users, {args.closed:.0f} s (ms)")
    with ClientCpu() as cpu:
        outcomes = await closed_loop(target, ["in-process"], args.users, args.closed)
    figures = summary(outcomes, args.closed)
    figures["client cpu"] = cpu.share
    results["in-process"] = figures
    print_row("in-process", figures)
    print(f"throughput {len(outcomes) / args.closed:.1f} runs/s", flush=True)


async def phase_realistic(targets: list[Target], args: argparse.Namespace, results: dict) -> None:
    """Every target at once, each with its own arrivals: the load is light (a tenth of the
    capacity or so), and at once they see the same noise of a shared machine."""
    rate, seconds = args.realistic_rate, args.realistic
    print_header(
        f"## Realistic load: {args.users} users, {rate:g} runs/s Poisson (one every "
        f"{args.users / rate:.0f} s each), half SSE half WebSocket, {seconds:.0f} s, "
        "every server at once (ms)"
    )
    with ClientCpu() as cpu:
        measured = await asyncio.gather(
            *(open_step(target, rate, seconds, ["sse", "ws"], args.users) for target in targets)
        )
    for target, outcomes in zip(targets, measured, strict=True):
        entry = results.setdefault(target.label, {})
        for name, group in (
            ("all", outcomes),
            ("sse", [o for o in outcomes if o.transport == "sse"]),
            ("ws", [o for o in outcomes if o.transport == "ws"]),
        ):
            figures = summary(group)
            figures["client cpu"] = cpu.share
            entry[f"realistic {name}"] = figures
            print_row(f"{target.label} {name}", figures)
        total = entry["realistic all"]
        met = (
            total["first p95"] < REALISTIC_FIRST_P95_MS
            and total["resp p95"] < REALISTIC_RESPONSE_P95_MS
            and not total["errors"]
        )
        print(
            f"{target.label}: first p95 < {REALISTIC_FIRST_P95_MS:.0f} ms and response p95 < "
            f"{REALISTIC_RESPONSE_P95_MS:.0f} ms: {'met' if met else 'MISSED'}",
            flush=True,
        )


async def phase_open(targets: list[Target], args: argparse.Namespace, results: dict) -> None:
    print_header(f"## Open loop over SSE, Poisson arrivals, {args.step:.0f} s a step (ms)")
    going = {target.label: True for target in targets}
    for rate in args.rates:
        for target in targets:
            if not going[target.label]:
                continue
            with ClientCpu() as cpu:
                outcomes = await open_step(target, rate, args.step, ["sse"], args.users)
            figures = summary(outcomes, args.step)
            figures["client cpu"] = cpu.share
            results.setdefault(target.label, {}).setdefault("open", []).append((rate, figures))
            print_row(f"{target.label} {rate:g}/s", figures)
            # Far past the knee the next steps would only queue (and time out).
            going[target.label] = figures["first p95"] <= 5 * KNEE_P95_MS
    for target in targets:
        steps = results[target.label]["open"]
        for key in ("first p95", "resp p95"):
            print(f"{target.label}: knee ({key} > 1 s): {knee_text(steps, key)}", flush=True)


async def measure(targets: list[Target], in_process_target: Target, args: argparse.Namespace):
    results: dict[str, Any] = {}
    await phase_closed(targets, args, results)
    await phase_in_process(in_process_target, args, results)
    if args.realistic:
        await phase_realistic(targets, args, results)
    if args.rates:
        await phase_open(targets, args, results)
    return results


# --- set-up, the report ---------------------------------------------------------------------


def prepare_old(tree: Path, args: argparse.Namespace) -> tuple[list[str], Scenarios]:
    """The older tree's database and Redis db, prepared by its own bench/load.py (its own
    migrations); returns its users' tokens and its scenarios."""
    script = (
        "import json; from bench.load import prepare_data, scenarios_and_weights; "
        f"tokens = prepare_data({args.users}); "
        "print('RESULT' + json.dumps([tokens, scenarios_and_weights()], default=str))"
    )
    env = {
        **os.environ,
        "LOAD_DATABASE_URL": args.old_database_url,
        "LOAD_REDIS_URL": args.old_redis_url,
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tree, env=env, capture_output=True, text=True
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    if done.returncode or not lines:
        raise SystemExit(f"preparing the old tree failed:\n{done.stdout}\n{done.stderr}"[-4000:])
    tokens, scenarios = json.loads(lines[-1][len("RESULT") :])
    return tokens, (scenarios[0], scenarios[1])


def plot(results: dict[str, Any], labels: list[str], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot, ticker

    figure, axes = pyplot.subplots(figsize=(7, 4.2), dpi=90)
    colours = {"new": "tab:blue", "old": "tab:red"}
    rates: list[float] = []
    for label in labels:
        steps = results[label]["open"]
        rates = sorted({*rates, *(rate for rate, _ in steps)})
        for key, style in (("first p95", "-o"), ("resp p95", "--s")):
            axes.plot(
                [rate for rate, _ in steps],
                [f[key] for _, f in steps],
                style,
                color=colours.get(label),
                label=f"{label}: {key}",
            )
    axes.axhline(KNEE_P95_MS, color="grey", linewidth=0.8)
    if "old" in results:
        # The bar: the knee at twice the old code's closed-loop throughput.
        throughput = results["old"]["throughput"]
        axes.axvline(throughput, color="tab:red", linestyle=":", linewidth=0.8)
        axes.axvline(2 * throughput, color="black", linestyle=":", linewidth=0.8)
        at_the_top = axes.get_xaxis_transform()  # x in runs/s, y as a share of the height
        axes.text(
            throughput,
            0.97,
            "old closed\nloop ",
            fontsize=7,
            color="tab:red",
            transform=at_the_top,
            ha="right",
            va="top",
        )
        axes.text(
            2 * throughput, 0.97, " 2x old\n (target)", fontsize=7, transform=at_the_top, va="top"
        )
    axes.set(
        xscale="log",
        yscale="log",
        xlabel="offered load (runs/s, Poisson arrivals, over SSE)",
        ylabel="p95 latency at the client (ms)",
        title="Latency against offered load (2 uvicorn workers, built-in analyst; grey: p95 = 1 s)",
    )
    axes.xaxis.set_major_locator(ticker.FixedLocator(rates))
    axes.xaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    axes.xaxis.set_minor_locator(ticker.NullLocator())
    axes.title.set_fontsize(9)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    print(f"plot written to {path}")


def print_targets(results: dict[str, Any], labels: list[str]) -> None:
    new, in_process_first = results["new"], results["in-process"]["first p95"]
    sse, ws = new["closed sse"]["first p95"], new["closed ws"]["first p95"]
    http_first = max(sse, ws)
    rows = [
        ("SSE first p95 <= 1.3 x WebSocket's", sse, ws, 1.3),
        ("HTTP first p95 <= 2 x in-process", http_first, in_process_first, 2.0),
    ]
    print("\n## Targets (this tree)")
    for name, value, against, times in rows:
        ratio = value / against
        verdict = "met" if ratio <= times else "MISSED"
        print(f"{name:40} {value:8.1f} / {against:8.1f} = {ratio:5.2f}  {verdict}")
    if "realistic all" in new:
        real = new["realistic all"]
        for key, bound in (
            ("first p95", REALISTIC_FIRST_P95_MS),
            ("resp p95", REALISTIC_RESPONSE_P95_MS),
        ):
            verdict = "met" if real[key] < bound else "MISSED"
            print(f"{'realistic ' + key + f' < {bound:.0f} ms':40} {real[key]:8.1f}  {verdict}")
    if "old" in labels and "open" in new:
        old_throughput = results["old"]["throughput"]
        for key in ("first p95", "resp p95"):
            rate, crossing = knee(new["open"], key)
            # Not reached: the knee lies beyond the last rate measured.
            at_least = crossing or rate or new["open"][-1][0]
            met = at_least >= 2 * old_throughput
            print(
                f"{'knee (' + key + ') >= 2 x old throughput':40} {knee_text(new['open'], key)}; "
                f"old closed loop {old_throughput:.1f} runs/s  {'met' if met else 'MISSED'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--closed", type=float, default=30.0, help="seconds of closed loop")
    parser.add_argument("--realistic", type=float, default=60.0, help="seconds of realistic load")
    parser.add_argument("--realistic-rate", type=float, default=3.0, help="its runs/s")
    parser.add_argument("--step", type=float, default=30.0, help="seconds per open-loop step")
    parser.add_argument("--rates", default="2,5,10,20,40,80", help="open-loop runs/s, in order")
    parser.add_argument("--old-code", help="a tree of older code to measure beside this one")
    parser.add_argument(
        "--old-database-url",
        default=os.environ["DATABASE_URL"] + "_old",
        help="the older tree's database (its own migrations)",
    )
    parser.add_argument(
        "--old-redis-url",
        default=os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/6",
        help="the older tree's Redis db",
    )
    parser.add_argument("--plot", help="write the latency curve to this PNG")
    parser.add_argument("--json", help="write every figure to this JSON file")
    parser.add_argument(
        "--replot", help="only draw --plot (and print the targets) from this JSON of a run"
    )
    args = parser.parse_args()
    if args.replot:
        results = json.loads(Path(args.replot).read_text())
        labels = [label for label in ("new", "old") if label in results]
        print_targets(results, labels)
        if args.plot:
            plot(results, labels, args.plot)
        return
    args.rates = [float(rate) for rate in args.rates.split(",") if rate]
    if not (0 < args.closed <= 120 and 0 < args.step <= 120 and 0 < args.users <= 200):
        raise SystemExit("need 0 < --closed, --step <= 120 s and 0 < --users <= 200")
    if not 0 <= args.realistic <= 300:
        raise SystemExit("need 0 <= --realistic <= 300 s")
    print(
        f"# Latency benchmark, {datetime.now():%Y-%m-%d %H:%M} ({os.cpu_count()} CPUs, "
        f"{platform.platform()}, Python {platform.python_version()})\noptions: {vars(args)}",
        flush=True,
    )
    tokens = prepare_data(args.users, "triggers")
    from rest_framework.authtoken.models import Token

    user_ids = [Token.objects.get(key=key).user_id for key in tokens]
    scenarios = scenarios_and_weights()
    targets = [Target("new", None, tokens, scenarios)]
    in_process_target = Target("in-process", None, tokens, scenarios, user_ids)
    trees: dict[str, tuple[Path, dict[str, str]]] = {"new": (ROOT, {})}
    if args.old_code:
        old_tokens, old_scenarios = prepare_old(Path(args.old_code), args)
        targets.append(Target("old", None, old_tokens, old_scenarios))
        old_env = {"DATABASE_URL": args.old_database_url, "REDIS_URL": args.old_redis_url}
        trees["old"] = (Path(args.old_code), old_env)
    with ExitStack() as stack:
        for target in targets:
            tree, env = trees[target.label]
            metrics_dir = stack.enter_context(tempfile.TemporaryDirectory())
            log = stack.enter_context(tempfile.TemporaryFile())
            server, target.url = start_server(
                args.workers, metrics_dir, log, "triggers", cwd=tree, extra_env=env
            )
            stack.callback(stop_server, server)
            print(f"{target.label}: {tree} at {target.url}", flush=True)
        results = asyncio.run(measure(targets, in_process_target, args))
    labels = [target.label for target in targets]
    print_targets(results, labels)
    if args.plot and args.rates:
        plot(results, labels, args.plot)
    if args.json:
        Path(args.json).write_text(json.dumps({"options": vars(args), **results}, indent=1))


if __name__ == "__main__":
    main()

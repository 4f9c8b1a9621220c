"""Benchmark of the streaming path (issue 4), in one run: time to the first event and to
hawk_facts over HTTP, the relay's overhead per Dify chunk, and 50 concurrent streams on one
worker with every event checked.

    make bench-streaming   (or: .venv/bin/python bench/streaming.py [--runs 30])

Uses the database and Redis db of bench/pipeline.py (BENCH_DATABASE_URL, BENCH_REDIS_URL),
loads the demo bundle, and starts on 127.0.0.1 one uvicorn worker process (DEBUG off) and the
Dify stand-in of tests/dify_server.py. Prints p50 and p95 in milliseconds and ratios of figures
measured side by side; results are recorded in docs/benchmarks.md. Exits with status 1 when a
concurrent stream failed, or lost, reordered, duplicated or mixed up events.
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import httpx
from httpx_sse import EventSource

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.demo_setup import demo_with_analyst  # noqa: E402
from bench.pipeline import (  # noqa: E402  (sets the bench database and Redis in the env)
    PROMPTS,
    data_phase,
    ensure_database,
    invalidate_everything,
    percentile,
)
from tests.dify_server import API_KEY, DifyStandIn, _Handler  # noqa: E402

STREAM_PROMPTS = PROMPTS[:5]
HEAD_EVENTS = ("hawk_plan", "hawk_context", "hawk_facts")
PROCESS_PROMPT = "/hawk-agent/process-prompt"
RELAY_PROMPT = "Check if I can hedge 150K CNY today"


# --- set-up: database, Dify stand-in, one worker ---------------------------------------------


def prepare_database() -> str:
    """Migrated bench database with the demo bundle and an analyst; returns the API token."""
    ensure_database()
    return demo_with_analyst()


class TimedHandler(_Handler):
    """The stand-in's handler, noting when each frame left it (for per-chunk latency)."""

    def _write_chunk(self, data: bytes) -> None:
        super()._write_chunk(data)
        self.server.sent_at.append(time.perf_counter())  # type: ignore[attr-defined]


def start_standin() -> DifyStandIn:
    standin = DifyStandIn()
    standin._httpd.RequestHandlerClass = TimedHandler
    standin._httpd.sent_at = []  # type: ignore[attr-defined]
    standin.scenario = "answer"
    standin.start()
    return standin


def sent_at(standin: DifyStandIn) -> list[float]:
    return standin._httpd.sent_at  # type: ignore[attr-defined]


def worker_env(standin: DifyStandIn) -> dict[str, str]:
    """As in production (DEBUG off), with Dify at the stand-in and a rate limit above the
    benchmark's few hundred requests a minute."""
    return {
        **os.environ,
        "DIFY_BASE_URL": standin.url,
        "DIFY_API_KEY": API_KEY,
        "AGENT_RATE_LIMIT": "1000000/min",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def start_worker(env: dict[str, str], log: IO[bytes]) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = f"--host 127.0.0.1 --port {port} --lifespan off --log-level warning"
    command = [sys.executable, "-m", "uvicorn", "hawk.asgi:application", *options.split()]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            if httpx.get(base_url + "/health", timeout=2).status_code == 200:
                return worker, base_url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_worker(worker)
    raise SystemExit("the worker did not start:\n" + log_tail(log))


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(10)
    except subprocess.TimeoutExpired:
        worker.kill()


def log_tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


# --- reading a stream ---------------------------------------------------------------------------


@dataclass
class Stream:
    """The `data:` frames of one response, each with its arrival (perf_counter seconds)."""

    started: float = 0.0
    run_id: str = ""  # the X-Run-ID header
    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    failure: str = ""

    def names(self) -> list[str]:
        return [payload["event"] for _, payload in self.events]

    def first(self, name: str) -> dict[str, Any]:
        return next(payload for _, payload in self.events if payload["event"] == name)

    def ms_to(self, name: str) -> float:
        """Milliseconds from the request's start to the first frame of this event."""
        return next((at - self.started) * 1000 for at, p in self.events if p["event"] == name)

    def arrivals(self, name: str) -> list[float]:
        return [at for at, payload in self.events if payload["event"] == name]

    def deltas(self) -> list[str]:
        return [payload["answer"] for _, payload in self.events if payload["event"] == "message"]


async def read_stream(
    client: httpx.AsyncClient,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    stream: Stream | None = None,
) -> Stream:
    """POST and read the event stream to its end; the clock starts before the request.

    Sent with httpx's `Accept: */*`: with `Accept: text/event-stream` (what httpx-sse's
    aconnect_sse sends) process-prompt answers 500, see docs/benchmarks.md."""
    stream = stream or Stream()
    stream.started = time.perf_counter()
    async with client.stream("POST", url, json=body, headers=headers) as response:
        if response.is_error:
            await response.aread()
            raise httpx.HTTPStatusError(response.text, request=response.request, response=response)
        stream.run_id = response.headers.get("X-Run-ID", "")
        async for sse in EventSource(response).aiter_sse():
            arrived = time.perf_counter()
            if sse.data:
                stream.events.append((arrived, json.loads(sse.data)))
    return stream


@dataclass
class Worker:
    client: httpx.AsyncClient
    base_url: str
    token: str

    async def run(self, prompt: str, stream: Stream | None = None, **fields: Any) -> Stream:
        body = {"user_prompt": prompt, "session_id": "bench", **fields}
        headers = {"Authorization": f"Token {self.token}"}
        url = self.base_url + PROCESS_PROMPT
        return await read_stream(self.client, url, body, headers, stream)

    async def checked_run(self, prompt: str, **fields: Any) -> Stream:
        """A run that must start with hawk_plan and reach hawk_facts."""
        stream = await self.run(prompt, **fields)
        names = stream.names()
        if names[:1] != ["hawk_plan"] or "hawk_facts" not in names:
            raise SystemExit(f"unexpected run of {prompt!r}: {names} {stream.events[-1:]}")
        return stream


def p50_p95(values: list[float]) -> str:
    return f"{statistics.median(values):9.2f} {percentile(values, 95):9.2f}"


# --- part 1: time to the first event and to hawk_facts -----------------------------------------


def flush_redis() -> None:
    from django.core.cache import cache

    cache.clear()


@dataclass(frozen=True)
class Kind:
    before: Any  # called before each run: what makes it cold
    expected_cache: str  # the data cache status hawk_context must report
    new_conversation: bool = False  # a conversation's answer is never replayed from the cache
    in_process: bool = False  # also time the same data phase in this process


KINDS = {
    "cold": Kind(invalidate_everything, "miss", in_process=True),
    "flush": Kind(flush_redis, "miss"),
    "warm": Kind(None, "hit", in_process=True),
    "warm*": Kind(None, "hit", new_conversation=True),
}


async def first_event_runs(worker: Worker, prompt: str, kind: Kind, runs: int) -> dict[str, list]:
    """HTTP runs of one kind, each followed by the same data phase in this process."""
    times: dict[str, list] = {"first": [], "facts": [], "inproc": []}
    for _ in range(runs):
        if kind.before:
            await asyncio.to_thread(kind.before)
        fields = {"conversation_id": str(uuid.uuid4())} if kind.new_conversation else {}
        stream = await worker.checked_run(prompt, **fields)
        if stream.first("hawk_context")["cache"] != kind.expected_cache:
            raise SystemExit(f"{kind} run of {prompt!r}: {stream.first('hawk_context')}")
        times["first"].append(stream.ms_to("hawk_plan"))
        times["facts"].append(stream.ms_to("hawk_facts"))
        if kind.in_process:
            if kind.before:
                await asyncio.to_thread(kind.before)
            times["inproc"].append((await asyncio.to_thread(data_phase, prompt))[0])
    return times


async def report_first_events(worker: Worker, runs: int) -> dict[str, float]:
    flush_runs = max(3, runs // 3)
    print(
        f"\n## 1. Time to the first event (hawk_plan) and to hawk_facts, ms  ({runs} runs per "
        f"prompt and kind; flush: {flush_runs})"
    )
    print(
        f"{'prompt':38} {'kind':5} {'first p50':>9} {'first p95':>9} {'facts p50':>9} "
        f"{'facts p95':>9} {'in-proc':>8} {'facts/in-proc':>13}"
    )
    totals: dict[tuple[str, str], list[float]] = {}
    for prompt in STREAM_PROMPTS:
        for name, kind in KINDS.items():
            await worker.checked_run(prompt)  # the warm kinds start warm
            count = flush_runs if name == "flush" else runs
            times = await first_event_runs(worker, prompt, kind, count)
            for what, values in times.items():
                totals.setdefault((name, what), []).extend(values)
            print_first_row(prompt, name, times)
    for name in KINDS:
        print_first_row(
            "ALL PROMPTS", name, {w: totals[name, w] for w in ("first", "facts", "inproc")}
        )
    return {
        f"{kind} {what}": percentile(totals[kind, what], 95)
        for kind in ("cold", "warm")
        for what in ("first", "facts")
    }


def print_first_row(prompt: str, kind: str, times: dict[str, list[float]]) -> None:
    inproc = ""
    if times["inproc"]:
        median = statistics.median(times["inproc"])
        inproc = f"{median:8.2f} {statistics.median(times['facts']) / median:12.1f}x"
    print(f"{prompt[:38]:38} {kind:5} {p50_p95(times['first'])} {p50_p95(times['facts'])} {inproc}")


# --- part 2: relay overhead per Dify chunk ------------------------------------------------------


@dataclass
class Pace:
    durations: list[float] = field(default_factory=list)  # first to last message, ms
    latencies: list[float] = field(default_factory=list)  # stand-in write to client read, ms

    def take(self, stream: Stream, written: list[float], chunks: int) -> None:
        arrivals = stream.arrivals("message")
        if len(arrivals) != chunks:
            raise SystemExit(f"expected {chunks} message frames, got {len(arrivals)}")
        self.durations.append((arrivals[-1] - arrivals[0]) * 1000)
        self.latencies += [
            (read - wrote) * 1000 for read, wrote in zip(arrivals, written[:chunks], strict=True)
        ]


async def direct_stream(client: httpx.AsyncClient, standin: DifyStandIn) -> Stream:
    body = {"query": "bench", "inputs": {}, "response_mode": "streaming", "user": "bench"}
    headers = {"Authorization": f"Bearer {API_KEY}"}
    return await read_stream(client, standin.url + "/chat-messages", body, headers)


async def relay_paces(
    worker: Worker, standin: DifyStandIn, chunks: int, delay_ms: float, runs: int
) -> tuple[Pace, Pace]:
    """`runs` streams read directly from the stand-in and `runs` through the worker, taking
    turns (which goes first alternates)."""
    standin.answers = [f"c{number:04d} " for number in range(1, chunks + 1)]
    standin.delay = delay_ms / 1000
    direct, relay = Pace(), Pace()
    for turn in range(2 * runs):
        sent_at(standin).clear()
        if turn % 4 in (0, 3):
            direct.take(await direct_stream(worker.client, standin), sent_at(standin), chunks)
        else:  # use_cache false: a cached answer would be replayed instead of asking Dify
            stream = await worker.run(RELAY_PROMPT, use_cache=False)
            relay.take(stream, sent_at(standin), chunks)
    return direct, relay


async def report_relay(
    worker: Worker, standin: DifyStandIn, chunks: int, delay_ms: float, runs: int
) -> dict[str, float]:
    print(
        f"\n## 2. Relay overhead per Dify chunk  ({chunks} chunks a stream; {runs} streams "
        f"read directly from the stand-in and {runs} through the worker, taking turns)"
    )
    print(
        f"{'stand-in delay':14} {'path':6} {'first->last p50':>15} {'p95':>9} "
        f"{'chunk latency p50':>17} {'p95':>7}"
    )
    figures: dict[str, float] = {}
    for delay in (delay_ms, 0.0):
        direct, relay = await relay_paces(worker, standin, chunks, delay, runs)
        for name, pace in (("direct", direct), ("relay", relay)):
            print(
                f"{delay:11.1f} ms {name:6} {p50_p95(pace.durations):>25} "
                f"{statistics.median(pace.latencies):17.3f} "
                f"{percentile(pace.latencies, 95):7.3f}"
            )
        d50, r50 = statistics.median(direct.durations), statistics.median(relay.durations)
        per_chunk = (r50 - d50) / (chunks - 1)
        added = statistics.median(relay.latencies) - statistics.median(direct.latencies)
        figures = figures or {"overhead per chunk": per_chunk, "added latency (p50)": added}
        latency = f"; added latency per chunk (p50) {added:.3f} ms" if delay else ""
        print(
            f"{'':14} => relay/direct {r50 / d50:.3f}x; (relay - direct) / {chunks - 1} "
            f"gaps = {per_chunk:.3f} ms per chunk{latency}"
        )
    print(
        f"the stand-in's own pace at {delay_ms} ms: {(chunks - 1) * delay_ms:.0f} ms nominal "
        "first->last; at 0 ms it writes ahead of any reader, so there the chunk latency is "
        "queueing and (relay - direct) / gaps is the relay's processing cost per chunk"
    )
    return figures


# --- part 3: concurrent streams -----------------------------------------------------------------


@dataclass
class Check:
    """What went wrong in the streams (all must be 0): events lost, reordered, duplicated or
    with another run's id within the streams that started, and streams that failed."""

    lost: int = 0
    reordered: int = 0
    duplicated: int = 0
    wrong_run_id: int = 0
    failed_streams: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # why, for the failed streams

    def add(self, stream: Stream, chunks: list[str]) -> None:
        """Each received frame is placed in the expected order hawk_plan, hawk_context,
        hawk_facts, the numbered chunks, message_end (hawk_notice aside)."""
        if not stream.events:  # refused before it started: nothing to lose or reorder
            self.failed_streams += 1
            self.failures[stream.failure or "no frames"] += 1
            return
        expected = [*HEAD_EVENTS, *chunks, "message_end"]
        position = {item: index for index, item in enumerate(expected)}
        received = [
            item_of(payload) for _, payload in stream.events if payload["event"] != "hawk_notice"
        ]
        places = [position[item] for item in received if item in position]
        self.lost += len(set(expected) - set(received))
        self.duplicated += len(received) - len(set(received))
        self.reordered += sum(1 for before, after in itertools.pairwise(places) if after < before)
        self.wrong_run_id += sum(1 for _, p in stream.events if p.get("run_id") != stream.run_id)
        if "".join(stream.deltas()) != "".join(chunks) and not stream.failure:
            stream.failure = "the answer differs from the stand-in's"
        if stream.failure:
            self.failed_streams += 1
            self.failures[stream.failure] += 1

    @property
    def clean(self) -> bool:
        counts = (self.lost, self.reordered, self.duplicated, self.wrong_run_id)
        return not any(counts) and not self.failed_streams


def item_of(payload: dict[str, Any]) -> str:
    return payload["answer"] if payload["event"] == "message" else payload["event"]


async def bounded_run(worker: Worker, prompt: str, timeout: float) -> Stream:
    """One stream with use_cache false, bounded in time; a failure is noted, not raised."""
    stream = Stream()
    try:
        async with asyncio.timeout(timeout):
            await worker.run(prompt, stream, use_cache=False)
    except httpx.HTTPStatusError as exc:
        stream.failure = f"HTTP {exc.response.status_code} {exc.response.text[:60]}"
    except (TimeoutError, httpx.HTTPError) as exc:
        stream.failure = f"{type(exc).__name__} {exc}"[:100]
    if "error" in stream.names():
        error = stream.first("error")
        stream.failure = f"error event {error['code']}: {error['message']}"
    return stream


def stream_times(streams: list[Stream]) -> dict[str, list[float]]:
    done = [s for s in streams if not s.failure and "message_end" in s.names()]
    times = {
        name: [s.ms_to(name) for s in done] for name in ("hawk_plan", "hawk_facts", "message_end")
    }
    times["plan_ms (server)"] = [s.first("hawk_plan")["timings"]["plan_ms"] for s in done]
    return times


async def report_concurrency(worker: Worker, standin: DifyStandIn, args: argparse.Namespace):
    standin.answers = [f"c{number:03d} " for number in range(1, args.stream_chunks + 1)]
    standin.delay = args.stream_delay_ms / 1000
    prompts = [PROMPTS[number % len(PROMPTS)] for number in range(args.streams)]
    alone = [await bounded_run(worker, prompt, args.stream_timeout) for prompt in prompts[:7]]
    started = time.perf_counter()
    loaded = await asyncio.gather(*(bounded_run(worker, p, args.stream_timeout) for p in prompts))
    wall = time.perf_counter() - started
    check = Check()
    for stream in [*alone, *loaded]:
        check.add(stream, standin.answers)
    print(
        f"\n## 3. {args.streams} concurrent streams on one worker  (use_cache false; "
        f"{args.stream_chunks} numbered chunks {args.stream_delay_ms} ms apart per stream; "
        f"timeout {args.stream_timeout:.0f} s each)"
    )
    own_pace = args.stream_chunks * args.stream_delay_ms / 1000
    print(
        f"wall time for all {args.streams}: {wall:.2f} s  (one stream's own pace: "
        f"{own_pace:.2f} s); alone = {len(alone)} streams one after another"
    )
    print_load_table(stream_times(alone), stream_times(loaded))
    print(
        f"frames checked: {sum(len(s.events) for s in [*alone, *loaded])}; lost "
        f"{check.lost}, reordered {check.reordered}, duplicated {check.duplicated}, wrong "
        f"run_id {check.wrong_run_id}, failed streams {check.failed_streams}"
    )
    for failure, count in check.failures.most_common():
        print(f"  {count} x {failure}")
    return check


def print_load_table(alone: dict[str, list[float]], loaded: dict[str, list[float]]) -> None:
    print(
        f"{'time to, ms':17} {'alone p50':>9} {'p95':>9} {'loaded p50':>10} {'p95':>9} "
        f"{'loaded/alone p50':>16}"
    )
    for name, values in loaded.items():
        if not values:
            print(f"{name:17} no completed stream")
            continue
        ratio = statistics.median(values) / statistics.median(alone[name])
        print(
            f"{name:17} {p50_p95(alone[name])} {statistics.median(values):10.2f} "
            f"{percentile(values, 95):9.2f} {ratio:15.1f}x"
        )


# --- main ---------------------------------------------------------------------------------------


def print_header(args: argparse.Namespace) -> None:
    print(
        f"# Streaming benchmark, {datetime.now():%Y-%m-%d %H:%M}  ({os.cpu_count()} CPUs, "
        f"{platform.platform()}, Python {platform.python_version()})"
    )
    print(f"options: {vars(args)}")
    print(
        "one uvicorn worker process (DEBUG off) and the Dify stand-in on 127.0.0.1; client: "
        "httpx.AsyncClient + httpx-sse, keep-alive, in the bench process"
    )
    print(
        "cold = every table invalidated (generations bumped, as after writes); flush = Redis "
        "db emptied; warm = data and answer cached (the answer is replayed); warm* = data "
        "cached, answer from the stand-in (a new conversation_id each run)"
    )


async def run_parts(args: argparse.Namespace, worker: Worker, standin: DifyStandIn) -> Check:
    standin.answers, standin.delay = ["Capacity ", "is ", "fine."], 0.0
    for prompt in PROMPTS:  # the worker's first requests load code and open connections
        await worker.checked_run(prompt)
    first_events = await report_first_events(worker, args.runs)
    relay = await report_relay(worker, standin, args.chunks, args.delay_ms, args.relay_runs)
    check = await report_concurrency(worker, standin, args)
    print_targets(first_events, relay, check)
    return check


def print_targets(first_events: dict[str, float], relay: dict[str, float], check: Check) -> None:
    print("\n## Targets (issue 4)")
    rows = [
        (f"{name} p95", value, 50.0 if name.startswith("cold") else 10.0)
        for name, value in first_events.items()
    ]
    rows += [(f"relay {name}, paced", value, 1.0) for name, value in relay.items()]
    for name, value, target in rows:
        verdict = "met" if value <= target else f"missed by {value - target:.2f} ms"
        print(f"{name:38} {value:8.2f} ms  target <= {target:4.0f} ms  {verdict}")
    print(f"{'concurrent streams clean':38} {'yes' if check.clean else 'NO':>8}")


async def against_worker(
    args: argparse.Namespace, base_url: str, token: str, standin: DifyStandIn
) -> Check:
    limits = httpx.Limits(max_connections=args.streams + 10)
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0), limits=limits) as client:
        return await run_parts(args, Worker(client, base_url, token), standin)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="runs per prompt and kind")
    parser.add_argument("--chunks", type=int, default=200, help="Dify chunks, relay part")
    parser.add_argument("--delay-ms", type=float, default=2.0, help="stand-in's pace")
    parser.add_argument("--relay-runs", type=int, default=10)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--stream-chunks", type=int, default=50)
    parser.add_argument("--stream-delay-ms", type=float, default=10.0)
    parser.add_argument("--stream-timeout", type=float, default=60.0)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print_header(args)
    token = prepare_database()
    standin = start_standin()
    with tempfile.TemporaryFile() as log:
        worker, base_url = start_worker(worker_env(standin), log)
        try:
            check = asyncio.run(against_worker(args, base_url, token, standin))
        except BaseException:
            print("worker log:\n" + log_tail(log), file=sys.stderr)
            raise
        finally:
            stop_worker(worker)
            standin.stop()
    if not check.clean:
        raise SystemExit("FAILED: concurrent streams failed or lost, reordered or mixed events")
    print("\nall streams complete, in order, with their own run_id")


if __name__ == "__main__":
    main()

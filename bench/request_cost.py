"""CPU and thread hops per run, SSE against WebSocket, in one process (issue 19).

    .venv/bin/python bench/request_cost.py [--runs 300] [--profile sse|sse-django|ws]

The machine this runs on is shared and noisy, so this counts CPU, not latency: the ASGI app
(hawk.asgi.application) is called in-process, one run at a time, N runs over SSE (a raw ASGI
HTTP call, no client library) and N prompts over one authenticated WebSocket (asgiref's
ApplicationCommunicator), the same prompt each time, alternating in blocks so that drift hits
both. Two SSE paths: the service's entry point (hawk.asgi) and the same app behind Django's
stock ASGIHandler (what the service ran before). Per run: process CPU (time.process_time:
every thread of the process, the app's worker threads too), thread-pool submissions (a
counting wrapper around ThreadPoolExecutor.submit, installed by this script only, grouped by
the function submitted) and threads started. --profile prints cProfile's top functions for
one path.

Uses its own database and Redis db (LOAD_DATABASE_URL, default hawk_cost; LOAD_REDIS_URL,
default db 13), prepared as bench/load.py prepares its own. Recorded in docs/benchmarks.md.
"""

import argparse
import asyncio
import cProfile
import functools
import json
import os
import pstats
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hawk_cost")
os.environ.setdefault("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.update(
    {
        "DEBUG": "false",
        "SECRET_KEY": "cost-only-" + uuid.uuid4().hex * 2,
        "SECURE_SSL_REDIRECT": "false",
        "AGENT_RATE_LIMIT": "1000000/min",
        "DIFY_BASE_URL": "",
        "LOG_LEVEL": "WARNING",
    }
)

from bench.load import prepare_data  # noqa: E402  (sets DATABASE_URL / REDIS_URL first)

PROMPT = {"user_prompt": "Check if I can hedge 150K CNY today"}

submissions: Counter[str] = Counter()
threads_started = 0


def count_submissions() -> None:
    """Count every task handed to a thread pool (asgiref's sync_to_async, run_in_executor)."""
    original_submit = ThreadPoolExecutor.submit
    original_start = threading.Thread.start

    def submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        target = fn
        # asgiref submits partial(thread_handler, loop, exc_info, task_context, func, ...).
        if getattr(getattr(fn, "func", None), "__name__", "") == "thread_handler":
            target = fn.args[3]
        while hasattr(target, "func"):  # partials and asgiref's wrappers
            target = target.func
        name = getattr(target, "__qualname__", None) or type(target).__qualname__
        pool = (self._thread_name_prefix or "pool").rstrip("-0123456789")
        submissions[f"{pool}: {name}"] += 1
        return original_submit(self, fn, *args, **kwargs)

    def start(self: threading.Thread) -> None:
        global threads_started
        threads_started += 1
        submissions["thread started: " + self.name.rstrip("-_0123456789")] += 1
        original_start(self)

    ThreadPoolExecutor.submit = submit  # type: ignore[method-assign,assignment]
    threading.Thread.start = start  # type: ignore[method-assign]


async def sse_run(app: Any, token: str) -> float:
    """One run over SSE; ms to its first event."""
    began = time.perf_counter()
    first = 0.0
    body = json.dumps(PROMPT).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/hawk-agent/process-prompt",
        "raw_path": b"/hawk-agent/process-prompt",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"authorization", f"Token {token}".encode()),
            (b"content-type", b"application/json"),
            (b"accept", b"text/event-stream"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent_body = False
    finished = asyncio.Event()
    status = 0
    frames = b""

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, frames, first
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            if not first and message.get("body", b"").startswith(b"data: "):
                first = (time.perf_counter() - began) * 1000
            frames += message.get("body", b"")

    await app(scope, receive, send)
    finished.set()
    if status != 200 or b'"message_end"' not in frames:
        raise SystemExit(f"SSE run failed: {status} {frames[-400:]!r}")
    return first


async def ws_open(app: Any, token: str) -> Any:
    # asgiref's communicator with raw WebSocket messages (channels.testing needs daphne).
    from asgiref.testing import ApplicationCommunicator

    scope = {
        "type": "websocket",
        "path": "/ws/hawk-agent/",
        "raw_path": b"/ws/hawk-agent/",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "subprotocols": [],
        "client": ("127.0.0.1", 50001),
        "server": ("127.0.0.1", 8000),
    }
    socket = ApplicationCommunicator(app, scope)
    await socket.send_input({"type": "websocket.connect"})
    accepted = await socket.receive_output(10)
    assert accepted["type"] == "websocket.accept", accepted
    await socket.send_input(
        {"type": "websocket.receive", "text": json.dumps({"type": "auth", "token": token})}
    )
    reply = json.loads((await socket.receive_output(10))["text"])
    assert reply.get("event") == "hawk_authenticated", reply
    return socket


async def ws_run(socket: Any) -> float:
    """One prompt over the socket; ms to its first event."""
    began = time.perf_counter()
    first = 0.0
    await socket.send_input(
        {"type": "websocket.receive", "text": json.dumps({"type": "prompt", **PROMPT})}
    )
    while True:
        event = json.loads((await socket.receive_output(30))["text"])
        first = first or (time.perf_counter() - began) * 1000
        if event.get("event") == "message_end":
            return first
        if event.get("event") == "error":
            raise SystemExit(f"WebSocket run failed: {event}")


def stock_signals(on: bool) -> None:
    """Django's request_started receivers as Django connects them (the stock path), or as
    hawk.asgi leaves them (hawk.web.asgi_handler.skip_request_started_hop)."""
    from django.core import signals
    from django.db import close_old_connections, reset_queries

    from hawk.web.asgi_handler import PooledThreadsASGIHandler, skip_request_started_hop

    if on:
        signals.request_started.connect(reset_queries)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.disconnect(reset_queries, sender=PooledThreadsASGIHandler)
    else:
        skip_request_started_hop()


async def measure(
    apps: dict[str, Any], token: str, runs: int, block: int, profile: str | None
) -> None:
    """Every path in turn, `block` runs each, until each has `runs`."""
    socket = await ws_open(apps["ws"], token)
    paths: dict[str, Callable[[], Awaitable[float]]] = {
        name: functools.partial(sse_run, app, token) for name, app in apps.items() if name != "ws"
    }
    paths["ws"] = functools.partial(ws_run, socket)
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    hops: dict[str, Counter[str]] = {name: Counter() for name in paths}
    started = dict.fromkeys(paths, 0)
    profiler = cProfile.Profile()
    for _ in range(5):  # warm every path (caches, pools, imports)
        for run in paths.values():
            await run()
    global threads_started
    done = 0
    while done < runs:
        for name, run in paths.items():
            stock_signals(name == "sse-django")
            for _ in range(min(block, runs - done)):
                submissions.clear()
                threads_before = threads_started
                if profile == name:
                    profiler.enable()
                before = time.process_time()
                await run()
                cpu[name].append((time.process_time() - before) * 1000)
                if profile == name:
                    profiler.disable()
                hops[name].update(submissions)
                started[name] += threads_started - threads_before
        done += block
    await socket.send_input({"type": "websocket.disconnect", "code": 1000})
    await socket.wait(5)
    for name, values in cpu.items():
        values.sort()
        print(
            f"{name}: {len(values)} runs, CPU per run ms: mean {statistics.mean(values):.2f}, "
            f"median {statistics.median(values):.2f}, p90 {values[int(len(values) * 0.9)]:.2f}; "
            f"threads started per run {started[name] / len(values):.2f}"
        )
        for hop, count in hops[name].most_common(8):
            print(f"    {count / len(values):5.2f}  {hop}")
    for name in paths:
        if name != "ws":
            ratio = statistics.median(cpu[name]) / statistics.median(cpu["ws"])
            print(f"{name} / ws CPU per run (medians): {ratio:.2f}")
    if profile:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


async def at_once(apps: dict[str, Any], token: str, users: int, rounds: int) -> None:
    """`users` runs at once per path, the paths in turn, `rounds` times: first-event latency
    (wall clock: noisy on a shared machine, so the paths alternate round by round)."""
    sockets = [await ws_open(apps["ws"], token) for _ in range(users)]
    firsts: dict[str, list[float]] = {name: [] for name in apps}
    for round_ in range(rounds + 1):  # the first round warms every path, not counted
        for name, app in apps.items():
            stock_signals(name == "sse-django")
            if name == "ws":
                runs = [ws_run(socket) for socket in sockets]
            else:
                runs = [sse_run(app, token) for _ in range(users)]
            values = await asyncio.gather(*runs)
            if round_:
                firsts[name] += values
    for socket in sockets:
        await socket.send_input({"type": "websocket.disconnect", "code": 1000})
        await socket.wait(5)
    for name, values in firsts.items():
        values.sort()
        print(
            f"{name}: {len(values)} runs, {users} at once, first event ms: "
            f"p50 {statistics.median(values):.1f}, p95 {values[int(len(values) * 0.95)]:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300, help="runs per transport")
    parser.add_argument("--block", type=int, default=25, help="runs in a row per transport")
    parser.add_argument("--profile", choices=["sse", "sse-django", "ws"])
    parser.add_argument(
        "--at-once",
        type=int,
        default=0,
        help="instead: this many runs at once per path, --runs / this many rounds (latency)",
    )
    parser.add_argument("--skip-prepare", action="store_true", help="data already loaded")
    args = parser.parse_args()
    if args.skip_prepare:
        import django

        django.setup()
        from rest_framework.authtoken.models import Token

        token = Token.objects.get(user__username="load-user-01").key
    else:
        token = prepare_data(1)[0]
    count_submissions()
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.handlers.asgi import ASGIHandler

    from hawk.asgi import application

    # sse: the service's own entry point (hawk.asgi); sse-django: the same app behind Django's
    # stock ASGIHandler (what get_asgi_application() returns) with Django's request_started
    # receivers, switched back on for its turns only: the path before these changes.
    apps = {
        "sse": application,
        "sse-django": ASGIStaticFilesHandler(ASGIHandler()),
        "ws": application,
    }
    if args.at_once:
        asyncio.run(at_once(apps, token, args.at_once, max(1, args.runs // args.at_once)))
    else:
        asyncio.run(measure(apps, token, args.runs, args.block, args.profile))


if __name__ == "__main__":
    main()

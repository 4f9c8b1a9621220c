"""Users at once against a running server while Postgres goes down and comes back: each user
posts prompts one after the other for a bounded time, and every answer is counted by when it
was asked (before the restart, during the outage, after Postgres is back up) and by what it
was (200, 503 `unavailable` JSON, anything else). Shared by the fault test
(tests/hawk/streaming/test_postgres_restart.py) and bench/faults.py. A support module, not a
test module."""

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PHASES = ("before", "during", "after")
KINDS = ("ok", "unavailable", "other")
# stream false: a whole run per request (its history row written, its sources read).
BODIES = [
    {"user_prompt": "Check if I can hedge 150K CNY today", "stream": False, "use_cache": False},
    {"user_prompt": "What is the USD hedge capacity?", "stream": False, "use_cache": False},
    {"user_prompt": "Rollover existing HKD hedge", "stream": False, "use_cache": False},
]
REQUEST_TIMEOUT = 30.0  # a request that takes longer is a hang, counted as "other"


@dataclass
class Outage:
    down_at: float = float("inf")  # monotonic: Postgres is being stopped
    up_at: float = float("inf")  # start returned: Postgres accepts connections again

    def phase(self, asked_at: float) -> str:
        if asked_at < self.down_at:
            return "before"
        return "during" if asked_at < self.up_at else "after"


@dataclass
class LoadReport:
    users: int
    seconds: float
    downtime: float = 0.0
    counts: Counter = field(default_factory=Counter)  # (phase, kind) -> requests
    others: list[str] = field(default_factory=list)  # what the "other" answers were
    slowest: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))

    def count(self, phase: str, kind: str) -> int:
        return self.counts[phase, kind]

    def table(self) -> str:
        """The counts as a Markdown table (phases as rows)."""
        lines = [
            "| asked | OK (200) | 503 `unavailable` | other | slowest answer |",
            "|---|---|---|---|---|",
        ]
        for phase in PHASES:
            cells = " | ".join(str(self.count(phase, kind)) for kind in KINDS)
            lines.append(f"| {phase} | {cells} | {self.slowest[phase]:.1f} s |")
        return "\n".join(lines)


def kind_of(response: httpx.Response) -> str:
    if response.status_code == 200:
        return "ok"
    if response.status_code == 503:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return "other"
        return "unavailable" if code == "unavailable" else "other"
    return "other"


async def _user(
    client: httpx.AsyncClient, number: int, until: float, outage: Outage, report: LoadReport
) -> None:
    sent = 0
    while time.monotonic() < until:
        body = BODIES[(number + sent) % len(BODIES)]
        sent += 1
        asked_at = time.monotonic()
        try:
            response = await client.post("/hawk-agent/process-prompt", json=body)
        except httpx.HTTPError as exc:
            kind, what = "other", type(exc).__name__
        else:
            kind, what = kind_of(response), f"{response.status_code} {response.text[:200]}"
        phase = outage.phase(asked_at)
        report.counts[phase, kind] += 1
        report.slowest[phase] = max(report.slowest[phase], time.monotonic() - asked_at)
        if kind == "other":
            report.others.append(f"{phase}: {what}")
        if kind != "ok":
            await asyncio.sleep(0.2)  # as a client would, not a tight loop against an outage


async def load_with_restart(
    url: str,
    token: str,
    *,
    users: int,
    seconds: float,
    restart_after: float,
    stop: Callable[[], Any],
    start: Callable[[], Any],
    downtime: float,
) -> LoadReport:
    """`users` posting for `seconds`; after `restart_after` seconds Postgres is stopped,
    left down `downtime` seconds and started again (blocking calls, run on a thread)."""
    report, outage = LoadReport(users, seconds, downtime), Outage()
    until = time.monotonic() + seconds
    headers = {"Authorization": f"Token {token}"}
    limits = httpx.Limits(max_connections=users)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=REQUEST_TIMEOUT, limits=limits
    ) as client:
        clients = [
            asyncio.create_task(_user(client, number, until, outage, report))
            for number in range(users)
        ]
        await asyncio.sleep(restart_after)
        outage.down_at = time.monotonic()
        await asyncio.to_thread(stop)
        await asyncio.sleep(downtime)
        await asyncio.to_thread(start)
        outage.up_at = time.monotonic()
        await asyncio.gather(*clients)
    return report

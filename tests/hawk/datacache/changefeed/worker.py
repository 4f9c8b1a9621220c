"""A worker process of the product (logical or trigger mode), driven by the change-feed tests:
it reads one JSON command a line on stdin and answers one JSON line on stdout. Run with
`python -m tests.hawk.datacache.changefeed.worker` and DATABASE_URL at the private cluster.
A support module, not a test module."""

import asyncio
import io
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hawk.settings")
django.setup()

from asgiref.sync import async_to_sync  # noqa: E402 (after django.setup)
from channels.layers import get_channel_layer  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402

from analytics import selectors  # noqa: E402
from hawk.database.routers import HAWK_TABLES  # noqa: E402
from hawk.database.threads import release_connection  # noqa: E402
from hawk.datacache import stats  # noqa: E402
from hawk.datacache.changefeed import listener, logical, reader  # noqa: E402
from hawk.datacache.store import cached_read  # noqa: E402
from hawk.models import PositionNav  # noqa: E402
from hawk.telemetry import metrics  # noqa: E402


def positions() -> list[list[str]]:
    rows = PositionNav.objects.order_by("nav_id").values_list("nav_id", "current_position")
    return [[nav_id, f"{amount:.2f}"] for nav_id, amount in rows]


def read(request: dict[str, Any]) -> dict[str, Any]:
    """One extraction of position_nav_master through the data cache (or past it, filling it,
    with use_cache false)."""
    found = cached_read(
        source="positions",
        table="position_nav_master",
        filters={},
        loader=positions,
        ttl=300,
        tally=stats.Tally(),
        use_cache=request.get("use_cache", True),
    )
    return {"rows": found.value, "status": found.status}


def write(request: dict[str, Any]) -> bool:
    """A write through Django (its generation bump, and WAL position, after the commit)."""
    PositionNav.objects.filter(nav_id=request["nav_id"]).update(current_position=request["amount"])
    return True


def channel_roundtrip(request: dict[str, Any]) -> dict[str, Any]:
    """A message sent on the configured channel layer and received back."""
    layer = get_channel_layer()

    async def roundtrip() -> dict[str, Any]:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "test.message", "text": request["text"]})
        return await asyncio.wait_for(layer.receive(channel), 5)

    return async_to_sync(roundtrip)()


def fills(_: dict[str, Any]) -> dict[str, float]:
    """hawk_replica_fills_total of the default database, by where the fill read."""
    served = ["replica", "primary_behind", "primary_lagging", "primary_down", "primary_unknown"]
    return {name: metrics.REPLICA_FILLS.labels("default", name)._value.get() for name in served}


def analytics(_: dict[str, Any]) -> dict[str, Any]:
    """The analytics API's exceptions (its data-quality notes of the positions) and usage."""
    exceptions = selectors.exceptions_overview()
    notes = {row["nav_id"]: row["data_quality_notes"] for row in exceptions["data_quality"]}
    usage = selectors.usage_overview(
        runs=selectors.usage_runs(date_from=None, date_to=None, user=None), granularity="day"
    )
    return {"notes": notes, "runs": usage["totals"]["runs"]}


def reads(_: dict[str, Any]) -> dict[str, float]:
    """hawk_replica_reads_total of the default database, by where the direct read went."""
    served = ["replica", "primary_behind", "primary_lagging", "primary_down", "primary_unknown"]
    return {name: metrics.REPLICA_READS.labels("default", name)._value.get() for name in served}


def generations(_: dict[str, Any]) -> dict[str, Any]:
    """The generations as the shared cache holds them, read without bumping any."""
    return {table: cache.get(f"gen:{table}") for table in sorted(HAWK_TABLES)}


def unread(_: dict[str, Any]) -> list[str]:
    return sorted(logical.unread_tables(HAWK_TABLES))


def command(request: dict[str, Any]) -> str:
    out = io.StringIO()
    call_command("install_change_feed", *request["args"], stdout=out)
    return out.getvalue()


def start_reader(_: dict[str, Any]) -> bool:
    return reader.start_reader() is not None


def stop_reader(_: dict[str, Any]) -> bool:
    reader.stop_reader()
    return True


def connected(_: dict[str, Any]) -> bool:
    return reader.STATE.connected


def start_listener(_: dict[str, Any]) -> bool:
    return listener.start_listener() is not None


def last_event(_: dict[str, Any]) -> str:
    return listener.STATE.last_event_table


OPERATIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "read": read,
    "write": write,
    "fills": fills,
    "analytics": analytics,
    "reads": reads,
    "channel_roundtrip": channel_roundtrip,
    "generations": generations,
    "unread": unread,
    "command": command,
    "start_reader": start_reader,
    "stop_reader": stop_reader,
    "connected": connected,
    "start_listener": start_listener,
    "last_event": last_event,
}


def main() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"ok": OPERATIONS[request["op"]](request)}
        except Exception as exc:
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        # As at the end of a request of the server: the connection goes back to the pool.
        release_connection()
        print(json.dumps(answer), flush=True)
    reader.stop_reader()
    listener.stop_listener()


if __name__ == "__main__":
    main()

"""What this worker knows of its change feed, for /system/status and the metrics: whether it
is installed, whether its listener is connected, the last event and its lag."""

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass
class FeedState:
    installed: bool | None = None  # None: not checked yet
    installed_checked: float = 0.0
    connected: bool = False
    last_event_at: float | None = None
    last_event_table: str = ""
    last_lag_seconds: float | None = None

    def event(self, table: str, lag_seconds: float | None) -> None:
        self.last_event_at, self.last_event_table = time.time(), table
        if lag_seconds is not None:
            self.last_lag_seconds = lag_seconds


STATE = FeedState()
LOCK = threading.Lock()


def feed_status() -> dict[str, Any]:
    """The feed as /system/status shows it."""
    return {
        "mode": settings.HAWK_CHANGE_FEED,
        "installed": STATE.installed,
        "connected": STATE.connected,
        "last_event_at": STATE.last_event_at,
        "last_event_table": STATE.last_event_table or None,
        "lag_seconds": STATE.last_lag_seconds,
    }

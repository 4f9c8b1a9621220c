"""A change-feed thread of a worker (the trigger listener, the logical slot reader): one
connection of its own, kept open while the worker runs, reconnected with a back-off, and
reported as connected or not (metrics and /system/status)."""

import logging
import threading

import psycopg
from django.conf import settings
from django.db import connections

from hawk.datacache.changefeed.state import STATE
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)


def conninfo(alias: str) -> str:
    """The psycopg connection string of a Django database alias."""
    params = connections[alias].get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    return psycopg.conninfo.make_conninfo(
        "", **{key: value for key, value in params.items() if isinstance(value, str | int)}
    )


class FeedThread:
    """Subclasses say what one session on the connection does (`session`): it returns when
    the session ends (or the thread stops) and raises when the connection fails."""

    name = "hawk-change-feed"

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.connection: psycopg.Connection | None = None

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.connection is not None:
            try:
                self.connection.cancel_safe()
            except Exception as exc:  # already gone: nothing to cancel
                logger.debug("%s cancel: %s", self.name, exc)
        self.thread.join(timeout=5)

    def session(self, connection: psycopg.Connection) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=3) as conn:
                    self.connection = conn
                    self.session(conn)
            except Exception as exc:
                if not self.stopping.is_set():
                    logger.warning("%s disconnected: %s", self.name, exc)
            self.connected(False)
            self.stopping.wait(settings.HAWK_CHANGE_FEED_RECONNECT_SECONDS)

    @staticmethod
    def connected(connected: bool) -> None:
        STATE.connected = connected
        metrics.CHANGE_LISTENER_CONNECTED.set(1 if connected else 0)

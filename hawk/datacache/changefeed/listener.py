"""The trigger feed's listener: one thread per worker, LISTENing on its own connection. It
counts events per table and measures their lag; correctness never rests on it (the
generations are read at the start of each extraction), so a listener that is down,
reconnecting or missed notifications while Postgres restarted delays nothing."""

import logging

import psycopg
from django.conf import settings
from django.db import connections

from hawk.database.routers import hawk_alias
from hawk.datacache.changefeed import sql
from hawk.datacache.changefeed.background import FeedThread, conninfo
from hawk.datacache.changefeed.state import STATE
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

_LAG = (
    f"SELECT extract(epoch FROM clock_timestamp() - changed_at) "  # noqa: S608 (constants)
    f"FROM {sql.SCHEMA}.generation WHERE table_name = %s"
)


class Listener(FeedThread):
    name = "change-feed listener"

    def session(self, connection: psycopg.Connection) -> None:
        connection.execute(f"LISTEN {sql.CHANNEL}")
        self.connected(True)
        logger.info("change-feed listener connected")
        while not self.stopping.is_set():
            # The generator holds the connection's lock: read the tables first, then query.
            heard = [n.payload for n in connection.notifies(timeout=1.0, stop_after=1)]
            for table in heard:
                self._heard(connection, table)

    def _heard(self, connection: psycopg.Connection, table: str) -> None:
        row = connection.execute(_LAG, [table]).fetchone()
        lag = float(row[0]) if row and row[0] is not None else None
        metrics.CHANGE_EVENTS.labels(table).inc()
        if lag is not None:
            metrics.CHANGE_LAG_SECONDS.observe(max(lag, 0.0))
        STATE.event(table, lag)


_listener: Listener | None = None


def start_listener() -> Listener | None:
    """Start this worker's listener (trigger mode on Postgres only); idempotent."""
    global _listener
    alias = hawk_alias()
    if settings.HAWK_CHANGE_FEED != "triggers" or connections[alias].vendor != "postgresql":
        return None
    if _listener is None:
        _listener = Listener(conninfo(alias))
        _listener.start()
    return _listener


def stop_listener() -> None:
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None

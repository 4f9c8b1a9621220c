"""A worker that is draining (it got SIGTERM: a deploy or a restart) takes no new run. Its
readiness (/health/ready) is false at once, so the proxy sends new requests elsewhere; the runs
in flight may finish for up to HAWK_DRAIN_SECONDS, then the rest are cut: each ends with an
`error` event `server_restarting` (retry advice) and is recorded `cancelled`.

The signal hook that starts a drain and its timing are in hawk.api.shutdown; this module holds
the state every transport asks, and the cut.
"""

import logging
import threading

from hawk.pipeline.run import control, liveness
from hawk.web.errors import HawkError

logger = logging.getLogger(__name__)

CODE = "server_restarting"
MESSAGE = "the server is restarting; send the prompt again (another worker will answer)"
# Seconds a client should wait before sending again: the proxy needs about this long to take
# the draining worker out of its rotation.
RETRY_AFTER_SECONDS = 1

_draining = threading.Event()


def draining() -> bool:
    return _draining.is_set()


def start_draining() -> None:
    _draining.set()


def stop_draining() -> None:
    """For tests, and for a worker whose drain was aborted."""
    _draining.clear()
    control.forget_cut()


def refuse_new_runs() -> None:
    """Raised before a run starts on a draining worker: a 503 `server_restarting` with
    Retry-After (HTTP) or an `error` event with `retry_after` (WebSocket)."""
    if draining():
        raise HawkError(CODE, MESSAGE, retry_after=RETRY_AFTER_SECONDS)


def runs_in_flight() -> int:
    return len(liveness.LIVE_RUNS)


def cut_runs_in_flight() -> int:
    """Cancel every run still streaming in this process, as `server_restarting`; how many.
    Each records itself `cancelled` as any cancelled run does."""
    cut = control.cancel_all_here(CODE)
    if cut:
        logger.warning("drain: %d run(s) still streaming were cut (server_restarting)", cut)
    return cut

"""The run service as a small package: request and events (request), the stages in order
(stages), the answer (answering), the record (recording, ending, history), stopping (control),
the queue with keep-alives shared by the transports (events) and what the metrics learn
(observe)."""

from hawk.pipeline.run.control import RunStopped
from hawk.pipeline.run.events import PING_SECONDS, run_as_event_batches, run_as_events
from hawk.pipeline.run.request import RunRequest, dify_user, error_event
from hawk.pipeline.run.stages import run_events

__all__ = [
    "PING_SECONDS",
    "RunRequest",
    "RunStopped",
    "dify_user",
    "error_event",
    "run_as_event_batches",
    "run_as_events",
    "run_events",
]

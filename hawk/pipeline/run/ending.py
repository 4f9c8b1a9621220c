"""How a run that does not complete ends in history, as cancelled or failed, whatever happens
meanwhile: a second cancellation does not interrupt the recording, and a database that is down
delays it (retried in the background for up to HAWK_RUN_RECORD_RETRY_SECONDS) instead of
leaving the run `running` for ever.
"""

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from hawk.analysis.cost import RunCost
from hawk.database.threads import call_and_release, in_db_thread
from hawk.models import AgentRun
from hawk.pipeline.run.agent_sessions import SessionEnd, session_ended
from hawk.pipeline.run.history import run_finish
from hawk.web.errors import describe_exception

logger = logging.getLogger(__name__)

# Seconds between attempts while the database is down: doubling from the first, up to the last.
RETRY_FIRST_WAIT = 0.5
RETRY_LONGEST_WAIT = 10.0


@dataclass(frozen=True)
class Ending:
    """What is written when a run ends early: also the partial answer, usage and ids."""

    run_id: uuid.UUID
    user_id: int | None
    channel: str
    prompt: str
    session_id: str
    msg_uid: str
    instruction_id: str
    status: str  # cancelled | failed
    answer: str
    usage: dict[str, Any]
    cost: RunCost
    error: dict[str, Any]
    backend: str
    message_id: str
    task_id: str
    execution_ms: float | None = None

    def write(self) -> None:
        """Idempotent. The row may not exist yet (an end before the plan): then it is made
        with the prompt alone."""
        AgentRun.objects.get_or_create(
            run_id=self.run_id,
            defaults={
                "user_id": self.user_id,
                "channel": self.channel,
                "prompt": self.prompt,
                "session_id": self.session_id,
                "msg_uid": self.msg_uid,
                "instruction_id": self.instruction_id,
            },
        )
        run_finish(
            run_id=self.run_id,
            status=self.status,
            answer=self.answer,
            usage=self.usage,
            cost=self.cost,
            error=self.error,
            backend=self.backend,
            message_id=self.message_id,
            task_id=self.task_id,
        )
        session_ended(self.session_end())

    def session_end(self) -> SessionEnd:
        return SessionEnd(
            run_id=self.run_id,
            msg_uid=self.msg_uid,
            instruction_id=self.instruction_id,
            status=self.status,
            answer=self.answer,
            backend=self.backend,
            usage=self.usage,
            error=self.error,
            execution_ms=self.execution_ms,
        )


async def record_ending(ending: Ending) -> None:
    """Write the ending now or, while the database is unavailable, in the background."""
    try:
        await in_db_thread(ending.write)
    except Exception as exc:
        if describe_exception(exc)[0] != "unavailable":
            logger.exception("run %s could not be recorded as %s", ending.run_id, ending.status)
            return
        logger.warning(
            "run %s not recorded as %s yet, the database is unavailable: retrying",
            ending.run_id,
            ending.status,
        )
        _retry_thread().submit(_write_until_recorded, ending, time.monotonic())


async def through_cancellation(ending: Coroutine[Any, Any, None]) -> None:
    """Run the ending of a run to its end even if the run is cancelled again meanwhile ("Stop",
    then the client leaving, cancels twice). The ending is bounded (database and Dify stop
    timeouts); the cancellation still ends the run's task, by the exception its caller
    re-raises."""
    task = asyncio.ensure_future(ending)
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            continue


_retry_pool: ThreadPoolExecutor | None = None
_retry_pool_guard = threading.Lock()


def _retry_thread() -> ThreadPoolExecutor:
    """One thread: endings wait for the database one after the other, never holding the
    threads that serve requests."""
    global _retry_pool
    with _retry_pool_guard:
        if _retry_pool is None:
            _retry_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hawk-ending")
        return _retry_pool


def _write_until_recorded(ending: Ending, since: float) -> None:
    deadline, wait = since + settings.HAWK_RUN_RECORD_RETRY_SECONDS, RETRY_FIRST_WAIT
    while True:
        time.sleep(wait)
        try:
            call_and_release(ending.write)
        except Exception as exc:
            if time.monotonic() + wait > deadline:
                logger.error(
                    "run %s could not be recorded as %s: gave up (%s)",
                    ending.run_id,
                    ending.status,
                    exc,
                )
                return
            wait = min(wait * 2, RETRY_LONGEST_WAIT)
            continue
        logger.warning("run %s recorded as %s, the database is back", ending.run_id, ending.status)
        return

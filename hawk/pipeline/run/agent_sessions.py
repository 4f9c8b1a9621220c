"""The Angular app's own row of a prompt in the HAWK table hawk_agent_sessions (HAWK_SCHEMA.md),
brought to the run's end state when the run ends.

The app creates the row `pending` (found here by the prompt's `msg_uid`) and updates it when
its stream ends; a tab closed meanwhile leaves it pending for ever. So when a run with a
`msg_uid` ends (completed, failed or cancelled), after its own history row is written, the
newest row with that msg_uid (and the run's instruction_id, when it has one) gets the status,
the answer, the tokens and the time taken. Only where the table exists and may be updated
(hawk.database.platform); raw SQL, the product has no model of the platform's table.

Never part of the run: the update is handed to a database thread and not awaited; whatever
goes wrong is logged and counted (hawk_agent_session_updates_total), never raised.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction

from hawk.database.platform import hawk_database_writable
from hawk.database.routers import hawk_alias
from hawk.database.threads import call_and_release, db_executor
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

# A row locked by the app (or a slow platform database) must not hold a database thread long.
TIMEOUTS = ("SET LOCAL statement_timeout = '2s'", "SET LOCAL lock_timeout = '2s'")

_UPDATE = """
    UPDATE public.hawk_agent_sessions SET
        agent_status = %(status)s,
        agent_response = %(response)s::jsonb,
        input_tokens = %(input_tokens)s,
        output_tokens = %(output_tokens)s,
        total_tokens = %(total_tokens)s,
        execution_time_ms = %(execution_time_ms)s,
        error_details = coalesce(%(error)s::jsonb, error_details),
        agent_end_time = now(),
        updated_at = now()
    WHERE id = (
        SELECT id FROM public.hawk_agent_sessions
        WHERE msg_uid = %(msg_uid)s
          AND (%(instruction_id)s = '' OR instruction_id = %(instruction_id)s)
        ORDER BY created_at DESC NULLS LAST, id DESC
        LIMIT 1
    )
"""


@dataclass(frozen=True)
class SessionEnd:
    """How a run ended, as hawk_agent_sessions records it."""

    run_id: uuid.UUID
    msg_uid: str
    instruction_id: str
    status: str  # completed | failed | cancelled
    answer: str
    backend: str
    usage: dict[str, Any]
    error: dict[str, Any]
    execution_ms: float | None

    def parameters(self) -> dict[str, Any]:
        response = {"answer": self.answer, "run_id": str(self.run_id), "backend": self.backend}
        return {
            "status": self.status,
            "response": json.dumps(response),
            "input_tokens": _tokens(self.usage, "prompt_tokens"),
            "output_tokens": _tokens(self.usage, "completion_tokens"),
            "total_tokens": _tokens(self.usage, "total_tokens"),
            "execution_time_ms": None if self.execution_ms is None else round(self.execution_ms),
            "error": json.dumps(self.error) if self.status == "failed" else None,
            "msg_uid": self.msg_uid,
            "instruction_id": self.instruction_id,
        }


def _tokens(usage: dict[str, Any], name: str) -> int | None:
    try:
        return int(usage[name])
    except (KeyError, TypeError, ValueError):
        return None


def session_ended(end: SessionEnd) -> None:
    """Hand the update to a database thread (call after the run's history row is written).
    Returns at once and never raises; a run without a msg_uid has no row to update."""
    if not end.msg_uid:
        return
    try:
        db_executor().submit(call_and_release, update_quietly, end)
    except RuntimeError:  # the pool is shutting down with the worker
        logger.warning("run %s: hawk_agent_sessions not updated (shutting down)", end.run_id)
        metrics.AGENT_SESSION_UPDATES.labels("error").inc()


def update_quietly(end: SessionEnd) -> str:
    try:
        result = update_session(end)
    except Exception:
        logger.exception("run %s: hawk_agent_sessions could not be updated", end.run_id)
        result = "error"
    metrics.AGENT_SESSION_UPDATES.labels(result).inc()
    return result


def update_session(end: SessionEnd) -> str:
    """updated, missing (no row with the msg_uid) or not_writable."""
    if not hawk_database_writable():
        return "not_writable"
    alias = hawk_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        for timeout in TIMEOUTS:
            cursor.execute(timeout)
        cursor.execute(_UPDATE, end.parameters())
        return "updated" if cursor.rowcount else "missing"

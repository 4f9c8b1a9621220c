"""WebSocket /ws/hawk-agent/: the same run events as the SSE stream, one JSON per message.

Auth: the session cookie (AuthMiddlewareStack; not for clients that send no Origin, see
hawk.web.origin), or a DRF token in a first message {"type": "auth", "token": "..."}.
Then {"type": "prompt", ...process-prompt fields...} starts a run (up to HAWK_WS_MAX_RUNS in
flight, each its own task; every event carries its run_id; AGENT_RATE_LIMIT applies) and
{"type": "stop", "run_id": "..."} stops one: a run of this socket at once, another running run
of the same user (another socket, maybe on another worker) by the shared stop flag. Closing the
socket cancels its runs. A bad frame gets an `error` event; the socket and its runs go on.
"""

import asyncio
import json
import logging
import math
import uuid
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from rest_framework.exceptions import AuthenticationFailed

from hawk.api.event_json import event_json
from hawk.api.serializers import avalidated_run
from hawk.database.threads import in_db_thread
from hawk.models import AgentRun
from hawk.pipeline.run import RunRequest, drain, run_as_events
from hawk.pipeline.run import control as run_control
from hawk.web.authentication import acached_entry, user_of
from hawk.web.errors import STATUS_OF_CODE, HawkError, describe_exception, error_body
from hawk.web.inputs import CONTROL_PROBLEM, control_character_path
from hawk.web.origin import WITHOUT_ORIGIN
from hawk.web.roles import RUN_PROMPTS
from hawk.web.throttling import agent_prompt_wait

logger = logging.getLogger(__name__)

# Seconds a socket without a session may stay open before it authenticates.
AUTH_TIMEOUT = 10.0
CLOSE_UNAUTHENTICATED = 4401
# Bytes a frame may have before the socket is authenticated (an auth message is about 60):
# a larger one closes the socket unread. The server bounds all frames (uvicorn --ws-max-size).
MAX_FRAME_BEFORE_AUTH = 4096
CLOSE_TOO_BIG = 1009


async def user_for_token(key: str) -> Any:
    """The token's user from the authentication cache; None for a token that does not pass."""
    try:
        return user_of(await acached_entry(key))
    except AuthenticationFailed:
        return None


async def may_run_prompts(user: Any) -> bool:
    """On the event loop when the user's permissions are known (a token's user, from the
    authentication cache; a session's user after its first check), as the HTTP endpoints
    check them; else on a thread, which reads them once. Every prompt of a socket asked a
    thread before, and all sockets of a worker share that one thread."""
    if hasattr(user, "_perm_cache"):
        return bool(user.has_perm(RUN_PROMPTS))
    return await _may_run_prompts_read(user)


@database_sync_to_async
def _may_run_prompts_read(user: Any) -> bool:
    return bool(user.has_perm(RUN_PROMPTS))


@database_sync_to_async
def is_running_run_of(user: Any, run_id: uuid.UUID) -> bool:
    return AgentRun.objects.filter(
        run_id=run_id, user_id=user.pk, status=AgentRun.Status.RUNNING
    ).exists()


async def validated_run(user: Any, message: dict[str, Any]) -> RunRequest:
    body = {k: v for k, v in message.items() if k != "type"}
    run, _ = await avalidated_run(body, user_id=user.pk, channel="ws")
    return run


class AgentConsumer(AsyncJsonWebsocketConsumer):
    # No channel layer: nothing is ever sent to a socket's channel (a stop from another
    # worker travels by the shared stop flag), and listening on it would drop every socket
    # whenever Redis is down. get_channel_layer() is None for an alias that is not configured.
    channel_layer_alias = "none"

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its first step, a trip for every message to the one
        thread all sockets of a worker share, to close that thread's old connections (behind
        every other socket's message under load). This consumer's database calls close their
        own as they end: database_sync_to_async (before and after), call_and_release."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        """The events' JSON as SSE writes it (hawk.api.event_json)."""
        return event_json(content).decode()

    async def connect(self) -> None:
        # Without Origin (not a browser) a cookie proves nothing about who opened the socket.
        self.user = None if self.scope.get(WITHOUT_ORIGIN) else self.scope.get("user")
        self.runs: dict[uuid.UUID, asyncio.Task] = {}
        self.auth_deadline: asyncio.TimerHandle | None = None
        await self.accept()
        if not (self.user and self.user.is_authenticated):
            self.user = None
            self.auth_deadline = asyncio.get_running_loop().call_later(
                AUTH_TIMEOUT, lambda: asyncio.ensure_future(self.close(CLOSE_UNAUTHENTICATED))
            )

    async def disconnect(self, code: int) -> None:
        self._cancel_auth_deadline()  # else it would close this closed socket again later
        for task in self.runs.values():
            task.cancel()
        if self.runs:
            await asyncio.wait(list(self.runs.values()), timeout=10)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        """One message, which must be JSON; any failure answers this message only."""
        if self.user is None and len(text_data or bytes_data or "") > MAX_FRAME_BEFORE_AUTH:
            await self.close(CLOSE_TOO_BIG)
            return
        try:
            content = json.loads(text_data if text_data is not None else bytes_data or b"")
        except ValueError:  # not JSON, or bytes that are no text at all
            await self._error("invalid_json", "a message must be one JSON object")
            return
        try:
            _refuse_control_characters(content)
            await self.receive_json(content)
        except Exception as exc:
            if describe_exception(exc)[0] == "internal":
                logger.error("WebSocket message failed", exc_info=exc)
            await self._send_exception(exc)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "auth":
            await self._authenticate(str(content.get("token", "")))
        elif self.user is None:
            await self._error("not_authenticated", "send {type: auth, token} first")
            await self.close(CLOSE_UNAUTHENTICATED)
        elif kind == "prompt":
            await self._start_run(content)
        elif kind == "stop":
            await self._stop(content.get("run_id"))
        else:
            await self._error(
                "invalid_field",
                "type must be auth, prompt or stop",
                fields={"type": ["unknown message type"]},
            )

    async def _authenticate(self, key: str) -> None:
        user = await user_for_token(key)
        if user is None:
            await self._error("not_authenticated", "invalid token")
            await self.close(CLOSE_UNAUTHENTICATED)
            return
        if self.user is not None and self.user.pk != user.pk:
            raise HawkError("conflict", "this socket is authenticated as another user already")
        self.user = user
        self._cancel_auth_deadline()
        await self.send_json({"event": "hawk_authenticated", "user": user.get_username()})

    def _cancel_auth_deadline(self) -> None:
        # None when the session authenticated the socket: then there was no deadline.
        if self.auth_deadline is not None:
            self.auth_deadline.cancel()

    async def _start_run(self, message: dict[str, Any]) -> None:
        if drain.draining():  # SIGTERM: this worker takes no new run; another one will
            await self._error(drain.CODE, drain.MESSAGE, retry_after=drain.RETRY_AFTER_SECONDS)
            return
        if not await may_run_prompts(self.user):
            await self._error("forbidden", "your role does not allow running prompts")
            return
        if len(self.runs) >= settings.HAWK_WS_MAX_RUNS:
            await self._error(
                "rate_limited",
                f"at most {settings.HAWK_WS_MAX_RUNS} run(s) in "
                "flight on one socket: wait for one to end, or stop one",
            )
            return
        if (wait := await agent_prompt_wait(getattr(self.user, "pk", None))) is not None:
            await self._error(
                "rate_limited", "too many requests, try again later", retry_after=math.ceil(wait)
            )
            return
        try:
            run = await validated_run(self.user, message)
        except Exception as exc:
            await self._send_exception(exc)
            return
        self.runs[run.run_id] = asyncio.create_task(self._relay(run))

    async def _relay(self, run: RunRequest) -> None:
        try:
            async for event in run_as_events(run):
                if event is not None:  # keep-alives are the WebSocket's own ping frames
                    await self.send_json(event)
        finally:
            self.runs.pop(run.run_id, None)

    async def _stop(self, raw_id: Any) -> None:
        try:
            run_id = uuid.UUID(str(raw_id))
        except ValueError:
            await self._error(
                "invalid_field", "run_id is not a run id", fields={"run_id": ["not a UUID"]}
            )
            return
        if run_id in self.runs:
            run_control.cancel_here(run_id)  # a run of this socket always runs in this process
        elif await is_running_run_of(self.user, run_id):
            # Another socket's, maybe in another worker: it sees the shared flag within 0.5 s.
            await in_db_thread(run_control.request_stop, run_id)
        else:
            await self._error("not_found", f"no running run {run_id} of yours")

    async def _send_exception(self, exc: Exception) -> None:
        code, message, fields = describe_exception(exc)
        await self._error(code, message, fields=fields)

    async def _error(
        self, code: str, message: str, *, fields: dict | None = None, **extra: Any
    ) -> None:
        """The error shape of API.md, as an `error` event (the socket stays open)."""
        body = error_body(code, message, fields=fields)["error"]
        status = STATUS_OF_CODE.get(code, 400)
        await self.send_json({"event": "error", "status": status, **body, **extra})


def _refuse_control_characters(content: Any) -> None:
    path = control_character_path(content)
    if path is not None:
        raise HawkError.invalid_field(path, CONTROL_PROBLEM)

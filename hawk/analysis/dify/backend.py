"""DifyBackend: the AnalysisBackend that asks a Dify app, behind a process-wide circuit breaker."""

import json
import threading
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from django.conf import settings

from hawk.analysis.base import AnalysisChunk, AnalysisError, AnalysisRequest
from hawk.analysis.circuit import CircuitBreaker, CircuitState
from hawk.analysis.cooldown import is_outage
from hawk.analysis.dify.client import DifyClient, Rating
from hawk.analysis.dify.transport import DifyConfig
from hawk.telemetry import metrics

_circuit_lock = threading.Lock()
_circuit: CircuitBreaker | None = None


def dify_configured() -> bool:
    return bool(settings.DIFY_BASE_URL and settings.DIFY_API_KEY)


def dify_api_key(category: str | None) -> str:
    """The key of the Dify app for a template category: DIFY_API_KEY_<CATEGORY> when set,
    else DIFY_API_KEY."""
    category_key = settings.DIFY_API_KEYS.get((category or "").lower())
    return category_key or settings.DIFY_API_KEY


def get_dify_backend(category: str | None = None) -> "DifyBackend | None":
    """The backend for a category's Dify app; None when Dify is not configured."""
    if not dify_configured():
        return None
    return DifyBackend(api_key=dify_api_key(category))


def dify_circuit() -> CircuitBreaker:
    """The process's breaker for Dify. One for all category apps: they share one Dify server,
    and when it is down every app is."""
    global _circuit
    with _circuit_lock:
        if _circuit is None:
            _circuit = CircuitBreaker(
                failure_threshold=settings.DIFY_CIRCUIT_FAILURES,
                cooldown_seconds=settings.DIFY_CIRCUIT_COOLDOWN,
            )
        return _circuit


def reset_dify_circuit() -> None:
    """Forget the breaker's state and settings (tests; a new one is built on next use)."""
    global _circuit
    with _circuit_lock:
        _circuit = None


def dify_circuit_state() -> CircuitState:
    """ "closed", "open" or "half_open", for /health and the metrics."""
    return dify_circuit().state


def chat_payload(request: AnalysisRequest) -> dict[str, Any]:
    """The body of POST /chat-messages. The inputs are the variables the Dify app declares
    (docs/dify.md); Dify drops undeclared ones, and its paragraph inputs take strings only,
    hence the JSON text for parameters and warnings."""
    payload: dict[str, Any] = {
        "query": request.query,
        "inputs": {
            "hawk_context": request.context,
            "intent": request.intent,
            "parameters": json.dumps(request.parameters, ensure_ascii=False, default=str),
            "analysis_instructions": request.instructions,
            "warnings": json.dumps(request.warnings, ensure_ascii=False, default=str),
            # "true" when HAWK could not tell what was asked: the app must say what was
            # understood and ask the clarification's question, not answer another question.
            "unclear_request": "true" if request.clarification else "false",
            "clarification": json.dumps(request.clarification or {}, ensure_ascii=False),
        },
        "response_mode": "streaming",
        "user": request.user,
        "auto_generate_name": True,
    }
    if request.conversation_id:
        # Omitted rather than "" for a new conversation; both mean the same to Dify.
        payload["conversation_id"] = request.conversation_id
    return payload


class DifyBackend:
    name = "dify"

    def __init__(
        self,
        *,
        api_key: str,
        config: DifyConfig | None = None,
        circuit: CircuitBreaker | None = None,
    ) -> None:
        self.client = DifyClient(api_key=api_key, config=config or DifyConfig.from_settings())
        self.circuit = circuit or dify_circuit()

    def __repr__(self) -> str:
        return f"DifyBackend(client={self.client!r})"

    async def stream(self, request: AnalysisRequest) -> AsyncGenerator[AnalysisChunk, None]:
        """The answer as chunks; AnalysisError on failure (circuit_open without a network
        call while the breaker is open)."""
        if not self.circuit.allow():
            raise AnalysisError(
                "circuit_open",
                "Dify failed repeatedly; it is skipped for a while",
                answered=False,
                status=503,
            )
        yielded = False
        try:
            async with aclosing(self.client.stream_chat(chat_payload(request))) as chunks:
                async for chunk in chunks:
                    yielded = True
                    yield chunk
        except AnalysisError as error:
            self._record(error)
            raise
        except BaseException:
            # Cancelled or closed early: a stream that had started shows Dify works; one that
            # had not tells nothing, but must free the half-open trial slot.
            self.circuit.record_success() if yielded else self.circuit.release()
            raise
        self.circuit.record_success()

    async def stop(self, *, task_id: str, user: str) -> None:
        await self.client.stop_task(task_id=task_id, user=user)

    def usage_after_stop(self) -> dict[str, Any]:
        """Dify's usage of an answer stopped before its end (the message_end of the stopped
        task); {} when it did not come in time."""
        return self.client.usage_after_stop

    async def feedback(
        self, *, message_id: str, rating: Rating, user: str, content: str | None = None
    ) -> bool:
        return await self.client.send_feedback(
            message_id=message_id, rating=rating, user=user, content=content
        )

    def _record(self, error: AnalysisError) -> None:
        if not is_outage(error):
            self.circuit.record_success()
            return
        was = self.circuit.state
        self.circuit.record_failure()
        now = self.circuit.state
        metrics.set_circuit_state(self.name, now)
        if now == "open" and was != "open":
            metrics.CIRCUIT_OPENINGS.labels(self.name).inc()

"""The HTTP side of the Dify boundary: settings, pooled clients, retries, and Dify's failures
turned into AnalysisError (codes of design/DIFY.md §4, plus our own for transport failures).

Our own codes and the statuses they carry:
  connection_error 502  Dify could not be reached (retried)
  timeout          504  no connection, no byte or no end in time
  connection_lost  502  the connection broke after the response had started
  invalid_response 502  a 2xx that is not an event stream (a proxy page, say)
A status of 5xx or 429 with nothing answered means "Dify is down" to the circuit breaker.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from hawk.analysis.base import AnalysisError
from hawk.analysis.http_clients import close_pooled_clients, stream_timeout
from hawk.analysis.http_clients import pooled_client as shared_client

logger = logging.getLogger(__name__)

# A JSON error body longer than this is not Dify's; its text is not worth carrying.
_MAX_ERROR_MESSAGE = 500


@dataclass(frozen=True)
class DifyConfig:
    """Where Dify is and how long to wait for it (seconds), read from settings."""

    base_url: str
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    run_deadline: float = 300.0
    stop_timeout: float = 3.0
    retry_attempts: int = 3
    retry_backoff: float = 0.5
    retry_backoff_max: float = 8.0
    retry_after_max: float = 10.0
    max_connections: int = 200

    @classmethod
    def from_settings(cls) -> "DifyConfig":
        return cls(
            base_url=settings.DIFY_BASE_URL,
            connect_timeout=settings.DIFY_CONNECT_TIMEOUT,
            read_timeout=settings.DIFY_READ_TIMEOUT,
            run_deadline=settings.DIFY_RUN_DEADLINE,
            stop_timeout=settings.DIFY_STOP_TIMEOUT,
            retry_attempts=settings.DIFY_RETRY_ATTEMPTS,
            retry_backoff=settings.DIFY_RETRY_BACKOFF,
            retry_backoff_max=settings.DIFY_RETRY_BACKOFF_MAX,
            retry_after_max=settings.DIFY_RETRY_AFTER_MAX,
            max_connections=settings.DIFY_MAX_CONNECTIONS,
        )

    def timeout(self) -> httpx.Timeout:
        return stream_timeout(connect=self.connect_timeout, read=self.read_timeout)


class RetryableDifyError(AnalysisError):
    """A failure before anything was answered that a later attempt may not meet: the
    connection was refused, or Dify answered 429 or 5xx (with its Retry-After, if any)."""

    def __init__(
        self, code: str, message: str, *, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(code, message, answered=False, status=status)
        self.retry_after = retry_after


# --- Pooled clients -------------------------------------------------------------------------


def pooled_client(config: DifyConfig) -> httpx.AsyncClient:
    """The shared client of the running event loop for Dify at `config.base_url`."""
    return shared_client(config.base_url, max_connections=config.max_connections)


async def close_dify_clients() -> None:
    """Close the running event loop's analysis clients, Dify's and any other backend's (at
    shutdown, and after each test)."""
    await close_pooled_clients()


# --- Retries --------------------------------------------------------------------------------


def retry_policy(config: DifyConfig) -> AsyncRetrying:
    """Retry RetryableDifyError only: exponential backoff with jitter, or the server's
    Retry-After (capped) when it gave one."""
    backoff = wait_exponential_jitter(
        multiplier=config.retry_backoff, max=config.retry_backoff_max, jitter=config.retry_backoff
    )

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RetryableDifyError) and error.retry_after is not None:
            return min(error.retry_after, config.retry_after_max)
        return backoff(state)

    return AsyncRetrying(
        stop=stop_after_attempt(config.retry_attempts),
        wait=wait,
        retry=retry_if_exception_type(RetryableDifyError),
        before_sleep=_log_retry,
        reraise=True,
    )


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    code = error.code if isinstance(error, AnalysisError) else type(error).__name__
    logger.warning(
        "Dify request failed (%s) on attempt %d; retrying in %.2f s",
        code,
        state.attempt_number,
        state.upcoming_sleep,
    )


# --- Failures as AnalysisError --------------------------------------------------------------


def request_error(exc: httpx.RequestError) -> AnalysisError:
    """A failure while connecting or waiting for the response headers. Only a failed connect
    is retryable: once the request went out, Dify may be running it already."""
    if isinstance(exc, httpx.ConnectTimeout):
        return RetryableDifyError("timeout", "Dify did not accept a connection in time", status=504)
    if isinstance(exc, httpx.ConnectError):
        return RetryableDifyError(
            "connection_error", f"Dify could not be reached ({exc})", status=502
        )
    if isinstance(exc, httpx.TimeoutException):
        return AnalysisError("timeout", "Dify did not answer in time", answered=False, status=504)
    return AnalysisError(
        "connection_error",
        f"the request to Dify failed ({type(exc).__name__})",
        answered=False,
        status=502,
    )


def stream_error(exc: Exception, *, answered: bool) -> AnalysisError:
    """A failure while reading a stream that had started (never retried)."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return AnalysisError(
            "timeout", "Dify sent nothing for too long", answered=answered, status=504
        )
    return AnalysisError(
        "connection_lost",
        f"the connection to Dify broke during the answer ({type(exc).__name__})",
        answered=answered,
        status=502,
    )


async def response_error(response: httpx.Response) -> AnalysisError:
    """Dify's JSON error (`{code, message, status}`) of a non-2xx response; 429 and 5xx come
    back retryable. Reads and closes the response."""
    status = response.status_code
    code, message = _error_fields(await _read_and_close(response), status)
    if status == 429 or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return RetryableDifyError(code, message, status=status, retry_after=retry_after)
    return AnalysisError(code, message, answered=False, status=status)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now: either delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def _read_and_close(response: httpx.Response) -> bytes:
    try:
        return await response.aread()
    except httpx.HTTPError:
        return b""
    finally:
        await response.aclose()


def _error_fields(body: bytes, status: int) -> tuple[str, str]:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {}
    # Dify's codes are werkzeug names in snake case; a proxy's page gets the same treatment.
    reason = httpx.codes.get_reason_phrase(status).lower().replace(" ", "_")
    code = "unauthorized" if status == 401 else str(data.get("code") or reason or f"http_{status}")
    message = str(data.get("message") or f"Dify answered HTTP {status}")
    return code, message[:_MAX_ERROR_MESSAGE]

"""A request id on every response and every log line, so a user's error report finds its log."""

import contextvars
import logging
import re
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# A client may pass its own id (to correlate with the Angular app's logs) if it looks sane.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _current.get()


def new_request_id(offered: str | None = None) -> str:
    if offered and _ACCEPTABLE.match(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


class RequestIdMiddleware:
    """Sets the id for the request's context and echoes it in the X-Request-ID header."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        token = self._start(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        token = self._start(request)
        try:
            response = await self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id  # type: ignore[attr-defined]
        return response

    def _start(self, request: HttpRequest) -> contextvars.Token[str]:
        request_id = new_request_id(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        return _current.set(request_id)

"""One application error type and the handlers that render every error in the shape of API.md.

    {"error": {"code": "...", "message": "...", "fields": {...}, "request_id": "..."}}

No stack trace ever reaches a client; a 500 carries the request id that is also in the log.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from rest_framework import exceptions as drf_exceptions

from hawk.web.request_id import current_request_id

logger = logging.getLogger(__name__)

STATUS_OF_CODE = {
    "invalid_field": 400,
    "invalid_json": 400,
    "not_authenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "not_acceptable": 406,
    "conflict": 409,
    "read_only_source": 409,  # the HAWK database account may not write that table
    "payload_too_large": 413,
    "rate_limited": 429,
    "cancelled": 499,  # the run was stopped (nginx's "client closed request")
    "internal": 500,
    "analysis_failed": 502,  # the analysis backend failed after it had started answering
    "unavailable": 503,
    # A draining worker (SIGTERM) takes no new run, and cuts the runs still streaming when its
    # drain ends: send the prompt again, another worker answers (docs/operations.md).
    "server_restarting": 503,
}


class HawkError(Exception):
    """An error meant for the client: a code of API.md, a message and optional field errors."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.status = STATUS_OF_CODE[code]
        # Seconds after which the same request may succeed (the Retry-After header).
        self.retry_after = retry_after

    @classmethod
    def invalid_field(cls, field: str, problem: str, message: str = "") -> "HawkError":
        return cls("invalid_field", message or f"{field}: {problem}", fields={field: [problem]})

    def as_body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, fields=self.fields)


def error_body(code: str, message: str, *, fields: dict | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "request_id": current_request_id()}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _flatten_detail(detail: Any) -> dict[str, list[str]]:
    """DRF validation details as {field: [messages]}, nested fields joined with dots."""
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    flat: dict[str, list[str]] = {}
    for field, value in detail.items():
        if isinstance(value, dict):
            for inner, messages in _flatten_detail(value).items():
                flat[f"{field}.{inner}"] = messages
        elif isinstance(value, list):
            flat[field] = [str(item) for item in value if not isinstance(item, dict)] or ["invalid"]
        else:
            flat[field] = [str(value)]
    return flat


def describe_exception(exc: Exception) -> tuple[str, str, dict[str, list[str]] | None]:
    """Map an exception to (code, message, fields)."""
    if isinstance(exc, HawkError):
        return exc.code, exc.message, exc.fields
    if isinstance(exc, RequestDataTooBig):
        return "payload_too_large", _too_large_message(), None
    if isinstance(exc, (OperationalError, InterfaceError)) or _is_pool_timeout(exc):
        return "unavailable", "the database is unavailable; nothing was changed, try again", None
    if isinstance(exc, drf_exceptions.ParseError):
        return "invalid_json", str(exc.detail), None
    if isinstance(exc, drf_exceptions.ValidationError):
        fields = _flatten_detail(exc.detail)
        first = next(iter(fields.items()))
        return "invalid_field", f"{first[0]}: {first[1][0]}", fields
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        return "not_authenticated", str(exc.detail), None
    if isinstance(exc, (drf_exceptions.PermissionDenied, PermissionDenied)):
        return "forbidden", "you do not have permission to do this", None
    if isinstance(exc, (drf_exceptions.NotFound, Http404)):
        return "not_found", "not found", None
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        return "method_not_allowed", str(exc.detail), None
    if isinstance(exc, drf_exceptions.Throttled):
        return "rate_limited", "too many requests, try again later", None
    if isinstance(exc, drf_exceptions.NotAcceptable):
        return "not_acceptable", str(exc.detail), None
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return "invalid_json", str(exc.detail), None
    return "internal", "internal error; quote the request id when reporting it", None


def _too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"the request body is larger than the limit of {limit} bytes"


def _is_pool_timeout(exc: Exception) -> bool:
    return type(exc).__name__ == "PoolTimeout"  # psycopg_pool's, without importing it here


def api_exception_handler(exc: Exception, context: dict) -> JsonResponse:
    """DRF's EXCEPTION_HANDLER: every API error, including unexpected ones, in one shape.

    A plain JsonResponse, not a DRF Response: errors are JSON whatever renderer the view
    negotiated (the schema view would otherwise render an error as OpenAPI YAML)."""
    code, message, fields = describe_exception(exc)
    status = STATUS_OF_CODE.get(code, 500)
    if code == "server_restarting":
        logger.info("refused while draining: %s", context.get("view"))
    elif status == 503:
        logger.error("dependency unavailable in %s: %s", context.get("view"), exc)
    elif status >= 500:
        logger.error("unhandled error in %s", context.get("view"), exc_info=exc)
    headers = {}
    wait = getattr(exc, "wait", None)  # set by DRF on Throttled
    if isinstance(exc, drf_exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(int(wait) + 1)
    if isinstance(exc, HawkError) and exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = 'Token realm="api"'
    response = JsonResponse(error_body(code, message, fields=fields), status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def json_error(code: str, message: str, *, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields=fields), status=STATUS_OF_CODE[code])


def handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_error("not_found", f"no such path: {request.path}")


def handler500(request: HttpRequest) -> JsonResponse:
    return json_error("internal", "internal error; quote the request id when reporting it")


def handler403(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return json_error("forbidden", "you do not have permission to do this")


def handler400(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    # Django sends an oversized body here too (RequestDataTooBig is a SuspiciousOperation).
    if isinstance(exception, RequestDataTooBig):
        return json_error("payload_too_large", _too_large_message())
    return json_error("invalid_field", "bad request")


class JsonNotFoundMiddleware:
    """An unmatched path as the JSON 404, also with DEBUG on, when Django would answer with
    its HTML page listing every URL pattern (handler404 only applies with DEBUG off). Placed
    outside CommonMiddleware, so a missing slash still redirects."""

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
        return self._as_json(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        return self._as_json(request, await self.get_response(request))

    @staticmethod
    def _as_json(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code != 404 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        return handler404(request)

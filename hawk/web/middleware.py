"""The hook-style middleware of MIDDLEWARE, made to run on the event loop under ASGI.

Django's MiddlewareMixin calls process_request and process_response of an async request
through sync_to_async(thread_sensitive=True): two hops per middleware, all through the one
shared thread, for every request. The hooks below only look at headers and set attributes (no
I/O), so they run inline. The one hook that may write, the session's save, still goes to a
thread when the session was changed. Under WSGI (and Django's test client) nothing changes.
"""

from collections.abc import Callable
from typing import Any

from asgiref.sync import markcoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.http import HttpRequest, HttpResponseBase
from django.middleware import clickjacking, common, csrf, security
from django_prometheus import middleware as prometheus_middleware


class HooksOnTheLoop:
    """Mixin before a MiddlewareMixin middleware: its hooks run inline in async mode."""

    get_response: Callable
    async_mode: bool

    def __init__(self, get_response: Callable) -> None:
        super().__init__(get_response)  # type: ignore[call-arg]
        view_hook = getattr(self, "process_view", None)
        if self.async_mode and view_hook is not None:
            # Django adapts a sync process_view with sync_to_async; a coroutine it awaits.
            self.process_view = markcoroutinefunction(_inline(view_hook))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if not hasattr(self, "process_response"):
            return response
        if self.response_may_block(request):
            return await sync_to_async(self.process_response)(request, response)
        return self.process_response(request, response)

    def response_may_block(self, request: HttpRequest) -> bool:
        return False


def _inline(hook: Callable) -> Callable:
    async def run(*args: Any, **kwargs: Any) -> Any:
        return hook(*args, **kwargs)

    return run


class SecurityMiddleware(HooksOnTheLoop, security.SecurityMiddleware):
    pass


class SessionMiddleware(HooksOnTheLoop, sessions_middleware.SessionMiddleware):
    def response_may_block(self, request: HttpRequest) -> bool:
        session = getattr(request, "session", None)
        return bool(session and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST))


class CommonMiddleware(HooksOnTheLoop, common.CommonMiddleware):
    pass


class CsrfViewMiddleware(HooksOnTheLoop, csrf.CsrfViewMiddleware):
    pass


class AuthenticationMiddleware(HooksOnTheLoop, auth_middleware.AuthenticationMiddleware):
    """request.user stays lazy: a view that never reads it (a token view) costs no query."""


class MessageMiddleware(HooksOnTheLoop, messages_middleware.MessageMiddleware):
    pass


class XFrameOptionsMiddleware(HooksOnTheLoop, clickjacking.XFrameOptionsMiddleware):
    pass


class PrometheusBeforeMiddleware(HooksOnTheLoop, prometheus_middleware.PrometheusBeforeMiddleware):
    pass


class PrometheusAfterMiddleware(HooksOnTheLoop, prometheus_middleware.PrometheusAfterMiddleware):
    pass

"""The agent endpoints as plain async Django views: authentication from the cache, the role
check from the cached permissions and the rate limit in one Redis round trip, all on the
event loop. DRF's dispatch is sync (a thread per request, under ASGI all through one thread).

An endpoint subclasses APIView only so that drf-spectacular documents it (it lists the URL
callbacks that carry an APIView class); DRF's Request still parses the body and negotiates
the media type, so validation, errors and 406/415 answers are DRF's as before.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import (
    MethodNotAllowed,
    NotAuthenticated,
    PermissionDenied,
    Throttled,
)
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from hawk.web.authentication import token_in_header, user_for_request
from hawk.web.errors import api_exception_handler
from hawk.web.inputs import CheckedJSONParser
from hawk.web.throttling import agent_prompt_wait

Handler = Callable[..., Awaitable[HttpResponseBase]]


def json_response(data: Any, status: int = 200) -> HttpResponse:
    """A JSON body exactly as DRF's JSONRenderer writes it (decimals, dates, UUIDs)."""
    return HttpResponse(JSONRenderer().render(data), status=status, content_type="application/json")


class AgentEndpoint(APIView):
    # The same parser as every other API: control characters refused, naming the field.
    parser_classes = [CheckedJSONParser]
    renderer_classes = [JSONRenderer]
    # The Django permission a request needs ("app_label.codename"); None: any signed-in user.
    needed_permission: str | None = None
    rate_limited = False

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        async def view(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
            return await cls(**initkwargs).respond(request, **kwargs)

        view.cls = cls  # type: ignore[attr-defined]  # what drf-spectacular looks for
        view.initkwargs = initkwargs  # type: ignore[attr-defined]
        # Token requests carry no cookie to forge; a session request is checked in admit().
        return csrf_exempt(view)

    async def respond(self, request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        try:
            api_request = await self.admit(request)
            return await self.handler_for(request)(api_request, **kwargs)
        except Exception as exc:
            return api_exception_handler(exc, {"view": self})

    async def admit(self, request: HttpRequest) -> Request:
        """DRF's order: the media type (406), the user (401), the permission (403), the rate
        limit (429)."""
        api_request = Request(request, parsers=[parser() for parser in self.parser_classes])
        renderers = [renderer() for renderer in self.renderer_classes]
        DefaultContentNegotiation().select_renderer(api_request, renderers)
        api_request.user = await user_for_request(request)
        self.check_user(request, api_request.user)
        if self.rate_limited and (wait := await agent_prompt_wait(api_request.user.pk)):
            raise Throttled(wait=wait)
        return api_request

    def check_user(self, request: HttpRequest, user: Any) -> None:
        if not user.is_authenticated:
            raise NotAuthenticated()
        if token_in_header(request) is None:  # signed in by the session cookie
            # DRF's check only hands the request on to Django's CSRF middleware.
            SessionAuthentication().enforce_csrf(request)  # type: ignore[arg-type]
        if self.needed_permission and not user.has_perm(self.needed_permission):
            raise PermissionDenied()

    def handler_for(self, request: HttpRequest) -> Handler:
        method = (request.method or "").lower()
        handler = getattr(self, method, None) if method in self.http_method_names else None
        if handler is None or method == "options":
            raise MethodNotAllowed(request.method or "")
        return handler

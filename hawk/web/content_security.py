"""A Content-Security-Policy on the admin's pages: they show untrusted text (LLM answers,
prompts), so even a rendering mistake must not load a script or an image from elsewhere."""

from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponseBase
from django.utils.decorators import sync_and_async_middleware

ADMIN_PREFIX = "/admin/"
# The admin's own styles use inline style attributes; its scripts are all files.
ADMIN_POLICY = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


def _with_policy(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if request.path.startswith(ADMIN_PREFIX):
        response.headers.setdefault("Content-Security-Policy", ADMIN_POLICY)
    return response


@sync_and_async_middleware
def admin_content_security_middleware(get_response: Callable) -> Callable:
    if iscoroutinefunction(get_response):

        async def with_policy_async(request: HttpRequest) -> HttpResponseBase:
            return _with_policy(request, await get_response(request))

        return with_policy_async

    def with_policy(request: HttpRequest) -> HttpResponseBase:
        return _with_policy(request, get_response(request))

    return with_policy

"""Two async views for tests/hawk/web/test_asgi_handler.py: one that never uses its request's
thread, one that reads the database there."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path

from hawk.web.blocking import on_request_thread


async def streamed(request: HttpRequest) -> StreamingHttpResponse:
    async def body():  # an async generator, as the SSE stream is
        yield b"data: {}\n\n"

    return StreamingHttpResponse(body(), content_type="text/event-stream")


def _one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


async def reads_the_database(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(await on_request_thread(_one)))


urlpatterns = [
    path("streamed", streamed),
    path("reads-the-database", reads_the_database),
]

"""The real URLs plus two views that fail, to check how unexpected errors are rendered."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from hawk.urls import handler404, handler500
from hawk.urls import urlpatterns as real_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def plain_failure(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: do not show")


class ApiFailure(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> HttpResponse:
        raise RuntimeError("secret internals: do not show")


urlpatterns = [
    *real_urlpatterns,
    path("test-failure/plain", plain_failure),
    path("test-failure/api", ApiFailure.as_view()),
]

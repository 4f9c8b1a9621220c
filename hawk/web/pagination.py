"""The one pagination of every list (API.md): {count, next, previous, results}, with `page`
and `page_size` (at most 200). DRF's default for generic list views, and `paginated` for the
plain API views."""

from collections.abc import Callable, Iterable
from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def paginated(
    request: Request, view: APIView, rows: Any, shape: Callable[[Iterable[Any]], list[Any]]
) -> Response:
    """One page of `rows`, each page shaped by `shape` (a list of rows in, a list out)."""
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view=view) or []
    return paginator.get_paginated_response(shape(page))

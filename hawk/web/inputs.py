"""What any input may hold, checked where it enters: text without NUL or other control
characters (tab, newline and carriage return are text), dates from 1900 to 2999. Postgres
refuses NUL in text (a 500 later) and far dates overflow date arithmetic; a 400 naming the
field says so first.

Query parameters and form bodies (urlencoded, multipart: the admin's forms) are checked by a
middleware, JSON bodies by the parser, WebSocket frames by the consumer with
`control_character_path`; the date fields bound what they parse. A query parameter an endpoint
does not know is a 400 naming it (`checked_query`), never ignored: a misspelt or renamed filter
would otherwise answer with everything."""

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from django.http.multipartparser import MultiPartParserError
from django.utils.decorators import sync_and_async_middleware
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from hawk.web.errors import HawkError, json_error

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_PROBLEM = "control characters (such as NUL) are not allowed"
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)
DATE_PROBLEM = f"dates must be between {FIRST_DAY} and {LAST_DAY}"


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def control_character_path(data: Any, path: str = "") -> str | None:
    """The dotted path of the first string (or key) holding a control character, else None."""
    if isinstance(data, str):
        return (path or "body") if has_control_characters(data) else None
    if isinstance(data, dict):
        items: list[tuple[Any, Any]] = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return None
    for key, value in items:
        inner = f"{path}.{key}" if path else str(key)
        if has_control_characters(str(key)):
            return inner
        found = control_character_path(value, inner)
        if found is not None:
            return found
    return None


def date_within_bounds(day: datetime.date) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return FIRST_DAY <= day <= LAST_DAY


class CheckedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        path = control_character_path(data)
        if path is not None:
            raise HawkError.invalid_field(path, CONTROL_PROBLEM)
        return data


class BoundedDateField(serializers.DateField):
    def to_internal_value(self, value: Any) -> datetime.date:
        day = super().to_internal_value(value)
        if not date_within_bounds(day):
            raise serializers.ValidationError(DATE_PROBLEM)
        return day


class BoundedDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> datetime.datetime:
        moment = super().to_internal_value(value)
        if not date_within_bounds(moment):
            raise serializers.ValidationError(DATE_PROBLEM)
        return moment


# The page of a list (hawk.web.pagination), and DRF's renderer override (?format=json).
PAGE_PARAMETERS = ("page", "page_size")
ANY_ENDPOINT = ("format",)


def reject_unknown_query(request: Request, known: Iterable[str]) -> None:
    """A 400 naming the first query parameter that is not in `known`."""
    known = [*known, *ANY_ENDPOINT]
    for name in request.query_params:
        if name not in known:
            listed = ", ".join(sorted(set(known) - set(ANY_ENDPOINT))) or "none"
            raise HawkError.invalid_field(name, f"unknown query parameter (known: {listed})")


def checked_query(
    serializer: type[serializers.Serializer], request: Request, *, also: Iterable[str] = ()
) -> dict[str, Any]:
    """The query parameters validated by `serializer`: one it does not declare (nor `also`)
    is a 400 naming it, as a bad value is."""
    reject_unknown_query(request, [*serializer().fields, *also])
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_form_body(request: HttpRequest) -> bool:
    return request.method in {"POST", "PUT", "PATCH"} and request.content_type in FORM_TYPES


def _refused_text(request: HttpRequest) -> HttpResponseBase | None:
    """The 400 for the first query parameter or form field holding a control character; None
    when there is none. (Django's multipart parser already sanitises uploaded file names.)"""
    fields = list(request.GET.lists())
    if _has_form_body(request):
        try:
            fields += request.POST.lists()
        except MultiPartParserError as exc:
            problem = f"the form body could not be parsed ({exc})"
            return json_error("invalid_field", problem, fields={"body": [problem]})
    for name, values in fields:
        if any(has_control_characters(text or "") for text in (name, *values)):
            field = CONTROL_CHARACTERS.sub("?", name)
            message = f"{field}: {CONTROL_PROBLEM}"
            return json_error("invalid_field", message, fields={field: [CONTROL_PROBLEM]})
    return None


@sync_and_async_middleware
def query_text_middleware(get_response: Callable) -> Callable:
    """A query parameter or a form field (name or value) with a control character is a 400
    naming it, before any view or form sees it: nothing is stored. Django's forms refuse NUL
    only; Postgres would refuse it too, as a 500. Multi-line fields keep their tabs, newlines
    and carriage returns (text, as in JSON bodies)."""
    if iscoroutinefunction(get_response):

        async def checked_async(request: HttpRequest) -> HttpResponseBase:
            # A form body is parsed off the loop (a large upload is spooled to a file).
            if _has_form_body(request):
                refused = await sync_to_async(_refused_text)(request)
            else:
                refused = _refused_text(request)
            return refused if refused is not None else await get_response(request)

        return checked_async

    def checked(request: HttpRequest) -> HttpResponseBase:
        return _refused_text(request) or get_response(request)

    return checked

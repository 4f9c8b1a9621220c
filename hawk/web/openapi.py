"""The error shape of API.md as OpenAPI responses, so every endpoint documents its errors."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorBody",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "request_id": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()), required=False
                ),
            },
        )
    },
)

DESCRIPTIONS = {
    400: "invalid_field or invalid_json: `fields` names each bad field",
    401: "not_authenticated",
    403: "forbidden: your role does not allow this",
    404: "not_found",
    409: "conflict",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Responses for `statuses` (401 and 403 always: every endpoint needs a login and a role)."""
    wanted = sorted({401, 403, *statuses})
    return {
        status: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[status])
        for status in wanted
    }


def paginated(name: str, item: type[serializers.BaseSerializer]) -> serializers.Serializer:
    """The schema of a page of `item` (hawk.web.pagination.Pagination): count, next, previous,
    results."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )

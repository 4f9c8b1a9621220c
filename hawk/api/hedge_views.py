"""`/api/hedge/<resource>/`: one small set of API classes for every hedge table, each bound to
a resource of the registry (hawk.hedge.resources) in the URLconf. Reads need the model's view
permission, writes its add/change/delete permission (Django model permissions, given to the
role groups by a migration); only configuration resources accept writes."""

from typing import Any

from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.api.hedge_schema import HedgeSchema
from hawk.hedge.resources import HedgeResource
from hawk.hedge.rows import RowFormat
from hawk.hedge.selectors import hedge_row_get, hedge_row_history, hedge_row_list
from hawk.hedge.services import hedge_row_create, hedge_row_delete, hedge_row_update
from hawk.web.errors import HawkError
from hawk.web.pagination import paginated


class HedgeModelPermissions(DjangoModelPermissions):
    """Reads need `view_<model>` too (DRF's default lets any authenticated user read)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class _HedgeApi(APIView):
    """Bound to one resource by `as_view(resource=...)`."""

    resource: HedgeResource | None = None
    permission_classes = [HedgeModelPermissions]
    schema = HedgeSchema()

    def get_queryset(self) -> Any:  # DjangoModelPermissions reads the model from here
        return self._resource().model._default_manager.none()

    def check_permissions(self, request: Request) -> None:
        if request.method not in SAFE_METHODS:
            self._writable()  # a read-only table: 405 whatever the role
        super().check_permissions(request)

    def _resource(self) -> HedgeResource:
        assert self.resource is not None, "bind the view to a resource in the URLconf"
        return self.resource

    def _writable(self) -> HedgeResource:
        resource = self._resource()
        if not resource.writable:
            raise HawkError("method_not_allowed", f"{resource.name} is read-only here")
        return resource

    def _row(self, key: str) -> dict[str, Any]:
        resource = self._resource()
        return RowFormat(resource.model).instance(hedge_row_get(resource=resource, key=key))


class HedgeListApi(_HedgeApi):
    def get(self, request: Request) -> Response:
        resource = self._resource()
        rows = hedge_row_list(resource=resource, params=request.query_params.dict())
        row_format = RowFormat(resource.model)
        return paginated(request, self, rows, lambda page: [row_format.values(r) for r in page])

    def post(self, request: Request) -> Response:
        resource = self._writable()
        key = hedge_row_create(resource=resource, values=_body(request), user=request.user)
        return Response(self._row(key), status=status.HTTP_201_CREATED)


class HedgeDetailApi(_HedgeApi):
    def get(self, request: Request, key: str) -> Response:
        return Response(self._row(key))

    def put(self, request: Request, key: str) -> Response:
        resource = self._writable()
        hedge_row_update(resource=resource, key=key, values=_body(request), user=request.user)
        return Response(self._row(key))

    def patch(self, request: Request, key: str) -> Response:
        return self.put(request, key)

    def delete(self, request: Request, key: str) -> Response:
        hedge_row_delete(resource=self._writable(), key=key, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HedgeHistoryApi(_HedgeApi):
    def get(self, request: Request, key: str) -> Response:
        return Response(hedge_row_history(resource=self._resource(), key=key))


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise HawkError("invalid_json", "the body must be a JSON object of columns")
    return dict(request.data)

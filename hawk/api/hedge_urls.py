"""One route per hedge resource, each bound to the same API classes."""

from django.urls import path

from hawk.api.hedge_views import HedgeDetailApi, HedgeHistoryApi, HedgeListApi
from hawk.hedge.resources import RESOURCES

urlpatterns = []
for name, resource in RESOURCES.items():
    urlpatterns += [
        path(f"{name}/", HedgeListApi.as_view(resource=resource), name=f"hedge-{name}"),
        path(
            f"{name}/<str:key>/",
            HedgeDetailApi.as_view(resource=resource),
            name=f"hedge-{name}-row",
        ),
        path(
            f"{name}/<str:key>/history/",
            HedgeHistoryApi.as_view(resource=resource),
            name=f"hedge-{name}-history",
        ),
    ]

"""URL routes of the HTTP API; WebSocket routes are in hawk.routing."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from hawk.api.pipeline_views import ContextApi, PlanApi
from hawk.health import HealthView
from hawk.metrics_view import metrics

handler400 = "hawk.errors.handler400"
handler403 = "hawk.errors.handler403"
handler404 = "hawk.errors.handler404"
handler500 = "hawk.errors.handler500"

urlpatterns = [
    path("health", HealthView.as_view(), name="health"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The Swagger UI shell is open (it holds no data); the schema it loads needs a login.
    path(
        "docs",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    path("metrics", metrics, name="metrics"),
    path("hawk-agent/plan", PlanApi.as_view(), name="agent-plan"),
    path("hawk-agent/context", ContextApi.as_view(), name="agent-context"),
    path("cache/", include("cache_admin.urls")),
]

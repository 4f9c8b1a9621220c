"""URL routes of the HTTP API; WebSocket routes are in hawk.routing."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from analytics.views import metrics
from hawk.api.docs_views import docs
from hawk.api.pipeline_views import ContextApi, PlanApi
from hawk.api.run_views import (
    ProcessPromptApi,
    RunDetailApi,
    RunFeedbackApi,
    RunListApi,
    RunStopApi,
)
from hawk.api.status_views import HealthView, LiveView, ReadyView, SystemStatusApi
from hawk.console.views import ConsoleView, rate_run, run_page

handler400 = "hawk.web.errors.handler400"
handler403 = "hawk.web.errors.handler403"
handler404 = "hawk.web.errors.handler404"
handler500 = "hawk.web.errors.handler500"

admin.site.site_header = admin.site.site_title = "HAWK Agent"
admin.site.index_title = "Administration"
admin.site.site_url = "/console/"  # the admin's "View site"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console"), name="home"),
    path("console/", ConsoleView.as_view(), name="console"),
    path("console/runs/<uuid:run_id>/", run_page, name="console-run"),
    path("console/runs/<uuid:run_id>/rate/", rate_run, name="console-run-rate"),
    # The console's own login: the admin's admits staff only, most analysts are not.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="console/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health", HealthView.as_view(), name="health"),
    path("health/live", LiveView.as_view(), name="health-live"),
    path("health/ready", ReadyView.as_view(), name="health-ready"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The Swagger UI for a signed-in person; without a session, a link to the login.
    path("docs", docs, name="docs"),
    path("metrics", metrics, name="metrics"),
    path("hawk-agent/plan", PlanApi.as_view(), name="agent-plan"),
    path("hawk-agent/context", ContextApi.as_view(), name="agent-context"),
    path("hawk-agent/process-prompt", ProcessPromptApi.as_view(), name="agent-process-prompt"),
    path("hawk-agent/runs", RunListApi.as_view(), name="agent-runs"),
    path("hawk-agent/runs/<uuid:run_id>", RunDetailApi.as_view(), name="agent-run"),
    path("hawk-agent/runs/<uuid:run_id>/stop", RunStopApi.as_view(), name="agent-run-stop"),
    path(
        "hawk-agent/runs/<uuid:run_id>/feedback",
        RunFeedbackApi.as_view(),
        name="agent-run-feedback",
    ),
    path("cache/", include("cache_admin.urls")),
    path("api/hedge/", include("hawk.api.hedge_urls")),
    path("api/analytics/", include("analytics.urls")),
    path("system/status", SystemStatusApi.as_view(), name="system-status"),
    path("api/", include("templates_app.urls")),
]

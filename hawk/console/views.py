"""GET /console/: the page. The answer streams from POST /hawk-agent/process-prompt (SSE read
with fetch, as EventSource cannot POST), with the session cookie and the CSRF token."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import TemplateView

from hawk.models import Currency
from templates_app.models import PromptTemplate
from templates_app.selectors import template_list

TEMPLATE_FIELDS = ("id", "name", "description", "prompt_text", "input_fields")


def console_templates() -> list[dict[str, Any]]:
    """The active templates a person may pick, with their typed variables."""
    active = template_list(status=PromptTemplate.Status.ACTIVE)
    return [{name: getattr(template, name) for name in TEMPLATE_FIELDS} for template in active]


def console_currencies() -> list[dict[str, str]]:
    """The configured currencies, for a template's currency variables."""
    rows = Currency.objects.order_by("currency_code").values("currency_code", "currency_name")
    return [{"code": row["currency_code"], "name": row["currency_name"]} for row in rows]


@method_decorator(ensure_csrf_cookie, name="dispatch")
class ConsoleView(LoginRequiredMixin, TemplateView):
    template_name = "console/index.html"
    login_url = reverse_lazy("admin:login")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "templates": console_templates(),
            "currencies": console_currencies(),
        }

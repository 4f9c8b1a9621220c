"""The console's pages. GET /console/: ask; the answer streams from POST
/hawk-agent/process-prompt (SSE read with fetch, as EventSource cannot POST), with the session
cookie and the CSRF token. GET /console/runs/<id>/: one run, read-only, as its asker sees it
(the run link under an answer), with a rating form. The console has its own login
(/accounts/login/): the admin's admits staff only, and most analysts are not."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from hawk.admin.answer_html import answer_html
from hawk.admin.rating import may_rate, rate_from_post, rating_text
from hawk.analysis.checks import WARNED_RISKS
from hawk.models import AgentRun, Currency
from hawk.pipeline.run.history import run_list
from hawk.sources import filter_words
from hawk.web.numbers import number_text
from hawk.web.roles import ADMIN, OPERATIONS, has_role
from templates_app.models import PromptTemplate
from templates_app.selectors import template_list

TEMPLATE_FIELDS = ("id", "name", "description", "prompt_text", "input_fields")
VIEW_RUNS_IN_ADMIN = "hawk.view_agentrun"


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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "templates": console_templates(),
            "currencies": console_currencies(),
            "may_open_admin": may_open_admin(self.request.user),
        }


def may_open_admin(user: Any) -> bool:
    """The admin admits staff only: no link to a page that would refuse its reader."""
    return bool(user.is_staff)


def visible_run(request: HttpRequest, run_id: uuid.UUID) -> AgentRun:
    """The run, if this person may see it: their own, or any for operations and admin (as in
    the API's GET /hawk-agent/runs/<id>); 404 otherwise, with no hint that it exists."""
    runs = run_list(user=request.user, all_users=has_role(request.user, OPERATIONS, ADMIN))
    return get_object_or_404(runs.select_related("user", "template"), run_id=run_id)


@require_GET
@login_required
@ensure_csrf_cookie
def run_page(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    run = visible_run(request, run_id)
    user = request.user
    context = {
        "run": run,
        "answer": answer_html(run.answer or ""),
        "risk": _risk(run),
        "sources": _sources(run),
        "facts": _facts(run),
        "may_rate": may_rate(user, run),
        "rating_text": rating_text(run),
        "rate_url": reverse("console-run-rate", args=[run.run_id]),
        "may_open_admin": may_open_admin(user) and user.has_perm(VIEW_RUNS_IN_ADMIN),
    }
    return render(request, "console/run.html", context)


@require_POST
@login_required
def rate_run(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """Like or dislike the run (with a comment): its asker only, as in the API."""
    run = visible_run(request, run_id)
    stored, told = rate_from_post(request, run)
    messages.add_message(request, messages.SUCCESS if stored else messages.ERROR, told)
    return HttpResponseRedirect(reverse("console-run", args=[run.run_id]))


def _risk(run: AgentRun) -> dict[str, Any] | None:
    """A high or critical answer says so above the answer, as in the console and the admin."""
    quality: dict[str, Any] = run.quality or {}
    if quality.get("risk") not in WARNED_RISKS:
        return None
    findings = [finding.get("message", "") for finding in quality.get("findings", [])]
    return {"level": str(quality["risk"]).capitalize(), "findings": findings}


def _sources(run: AgentRun) -> list[tuple[str, str]]:
    plan: dict[str, Any] = run.plan or {}
    return [
        (str(read.get("name", "")), filter_words(read.get("filters") or {}))
        for read in plan.get("sources", [])
    ]


def _facts(run: AgentRun) -> list[tuple[str, str]]:
    """The run's figures as name and value, in words."""
    timings: dict[str, Any] = run.timings or {}
    cost = number_text(run.total_price)
    if cost != "0" and run.price_currency:
        cost += f" {run.price_currency}"
    rows = [
        ("Asked", run.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Status", run.get_status_display()),
        ("Answered by", run.backend or "-"),
        ("Template", _template_text(run)),
        ("First words", _ms(timings.get("first_token_ms"))),
        ("Total", _ms(timings.get("total_ms"))),
        ("Tokens", f"{run.prompt_tokens:,} in, {run.completion_tokens:,} out"),
        ("Cost", cost + (" (estimated)" if run.cost_estimated else "")),
    ]
    return rows


def _template_text(run: AgentRun) -> str:
    if run.template is None:
        return "-"
    return f"{run.template.name} (version {run.template_version})"


def _ms(value: Any) -> str:
    return f"{value:,.0f} ms" if isinstance(value, int | float) else "-"

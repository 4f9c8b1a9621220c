"""Admin for the agent's own tables: the business date (one row) and the prompt history."""

from typing import Any

from asgiref.sync import async_to_sync
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as RequestInvalid

from hawk.admin.answer_html import answer_html
from hawk.admin.rating import may_rate, rate_from_post, rating_text
from hawk.admin.structured import EMPTY, number_text, structured
from hawk.analysis.checks import WARNED_RISKS
from hawk.api.serializers import validated_run
from hawk.models import AgentRun, BusinessDate
from hawk.pipeline.run import RunRequest, run_events
from hawk.sources import filter_words
from hawk.web.errors import HawkError
from hawk.web.roles import RUN_PROMPTS


@admin.register(BusinessDate)
class BusinessDateAdmin(admin.ModelAdmin):
    """Set: add (once) or edit the one row. Clear (today, UTC, from then on): delete it. A
    change bumps the table's cache generation, so the next run uses it
    (also `manage.py set_business_date`)."""

    list_display = ("business_date", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row only: once it exists it is edited, not added again.
        return super().has_add_permission(request) and not BusinessDate.objects.exists()


@admin.register(AgentRun)
class AgentRunAdmin(admin.ModelAdmin):
    """The prompt history is a record of what happened: it is read, never written, here. Its
    JSON is shown once, as foldable names and values; wide tables scroll in their own box; a
    run can be asked again (as the person looking at it)."""

    list_display = (
        "created_at",
        "prompt_excerpt",
        "user",
        "intent",
        "status",
        "channel",
        "backend",
        "cache_status",
        "records",
        "cost",
    )
    list_filter = ("status", "intent", "backend", "channel", "cache_status", "created_at")
    search_fields = ("prompt", "session_id", "run_id", "conversation_id", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("user", "template")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "risk_banner",
                    "run_id",
                    ("created_at", "finished_at"),
                    "status",
                    "prompt",
                )
            },
        ),
        ("Who and where", {"fields": ("user", "session_id", "channel")}),
        (
            "Understanding and plan",
            {
                "classes": ("hawk-wide",),
                "fields": (
                    "intent",
                    "parameters_readable",
                    ("template", "template_version", "template_category"),
                    ("experiment", "variant"),
                    "plan_readable",
                ),
            },
        ),
        (
            "Answer",
            {
                "classes": ("hawk-wide",),
                "fields": (
                    "backend",
                    "answer_rendered",
                    "answer_source",
                    ("records", "cache_status", "answer_cache"),
                    "error_readable",
                ),
            },
        ),
        (
            "Cost, quality and timings",
            {
                "fields": (
                    "tokens",
                    "cost",
                    "usage_readable",
                    "quality_readable",
                    "timings_readable",
                )
            },
        ),
        ("Dify", {"fields": ("conversation_id", "message_id", "task_id")}),
    )

    readonly_fields = (
        "risk_banner",
        "parameters_readable",
        "plan_readable",
        "answer_rendered",
        "answer_source",
        "error_readable",
        "tokens",
        "cost",
        "usage_readable",
        "quality_readable",
        "timings_readable",
    )

    class Media:
        css = {"all": ("hawk/admin.css",)}

    @admin.display(description="answer check")
    def risk_banner(self, obj: AgentRun) -> SafeString | str:
        """A high or critical answer (hawk.analysis.checks) says so above everything else."""
        quality: dict[str, Any] = obj.quality or {}
        risk = quality.get("risk")
        if risk not in WARNED_RISKS:
            return risk or "-"
        findings = format_html_join(
            "", "<li>{}</li>", ((f.get("message", ""),) for f in quality.get("findings", []))
        )
        return format_html(
            '<div class="hawk-risk" role="alert" style="background:#fdecea;border-left:4px '
            'solid #b3261e;padding:6px 10px"><strong>{} risk: check this answer before relying '
            "on it.</strong><ul>{}</ul></div>",
            risk.capitalize(),
            findings,
        )

    @admin.display(description="answer (rendered)")
    def answer_rendered(self, obj: AgentRun) -> SafeString:
        answer = answer_html(obj.answer or "")
        return format_html('<div class="hawk-answer hawk-scroll">{}</div>', answer)

    @admin.display(description="answer (Markdown)")
    def answer_source(self, obj: AgentRun) -> SafeString | str:
        if not obj.answer:
            return EMPTY
        return format_html(
            '<details class="hawk-json"><summary>as the backend wrote it</summary>'
            '<pre class="hawk-scroll">{}</pre></details>',
            obj.answer,
        )

    @admin.display(description="parameters")
    def parameters_readable(self, obj: AgentRun) -> SafeString | str:
        return structured(obj.parameters, "what the prompt asks")

    @admin.display(description="plan")
    def plan_readable(self, obj: AgentRun) -> SafeString | str:
        plan: dict[str, Any] = obj.plan or {}
        if not plan:
            return EMPTY
        sources = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            (
                (read.get("name"), filter_words(read.get("filters") or {}))
                for read in plan.get("sources", [])
            ),
        )
        return format_html(
            "<p>intent <strong>{}</strong>, scope {}, business date {}</p>"
            '<div class="hawk-scroll"><table><thead><tr><th scope="col">source</th>'
            '<th scope="col">filters</th></tr></thead><tbody>{}</tbody></table></div>',
            plan.get("intent"),
            plan.get("data_scope"),
            plan.get("business_date"),
            sources,
        )

    @admin.display(description="error")
    def error_readable(self, obj: AgentRun) -> SafeString | str:
        return structured(obj.error, "what went wrong")

    @admin.display(description="tokens")
    def tokens(self, obj: AgentRun) -> str:
        return f"{obj.prompt_tokens:,} in, {obj.completion_tokens:,} out"

    @admin.display(description="cost", ordering="total_price")
    def cost(self, obj: AgentRun) -> str:
        amount = number_text(obj.total_price)
        if amount == "0":
            return "0"
        currency = f" {obj.price_currency}" if obj.price_currency else ""
        return amount + currency + (" (estimated)" if obj.cost_estimated else "")

    @admin.display(description="usage")
    def usage_readable(self, obj: AgentRun) -> SafeString | str:
        return structured(obj.usage, "as the backend reported it", opened=False)

    @admin.display(description="quality")
    def quality_readable(self, obj: AgentRun) -> SafeString | str:
        return structured(obj.quality, "the answer's checks", opened=False)

    @admin.display(description="timings")
    def timings_readable(self, obj: AgentRun) -> SafeString | str:
        timings: dict[str, Any] = obj.timings or {}
        if not timings:
            return EMPTY
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td class="hawk-number">{}</td></tr>',
            (
                (name.removesuffix("_ms").replace("_", " "), _ms_text(ms))
                for name, ms in timings.items()
            ),
        )
        return format_html("<table>{}</table>", rows)

    @admin.display(description="prompt", ordering="prompt")
    def prompt_excerpt(self, obj: AgentRun) -> str:
        return Truncator(obj.prompt).chars(80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AgentRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AgentRun | None = None) -> bool:
        return request.user.is_superuser

    def get_urls(self) -> list[URLPattern]:
        rerun = path(
            "<path:object_id>/rerun/",
            self.admin_site.admin_view(require_POST(self.rerun_view)),
            name="hawk_agentrun_rerun",
        )
        rate = path(
            "<path:object_id>/rate/",
            self.admin_site.admin_view(require_POST(self.rate_view)),
            name="hawk_agentrun_rate",
        )
        return [rerun, rate, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {**(extra_context or {}), "may_rerun": request.user.has_perm(RUN_PROMPTS)}
        run = self.get_object(request, unquote(object_id))
        if run is not None:
            context |= {
                "run": run,
                "may_rate": may_rate(request.user, run),
                "rating_text": rating_text(run),
                "rate_url": reverse("admin:hawk_agentrun_rate", args=[run.pk]),
            }
        return super().change_view(request, object_id, form_url, context)

    def rate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Like or dislike (with a comment) the run, by the person who asked it."""
        run = get_object_or_404(AgentRun, pk=object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        stored, told = rate_from_post(request, run)
        self.message_user(request, told, messages.SUCCESS if stored else messages.ERROR)
        return HttpResponseRedirect(reverse("admin:hawk_agentrun_change", args=[run.pk]))

    def rerun_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Ask the run's prompt (and template) again as the person asking, wait for the
        answer, open the new run."""
        old = get_object_or_404(AgentRun, pk=object_id)
        if not (self.has_view_permission(request, old) and request.user.has_perm(RUN_PROMPTS)):
            raise PermissionDenied
        try:
            run, _stream = validated_run(rerun_body(old), request.user.pk, "http")
        except (RequestInvalid, HawkError, ValidationError) as exc:
            self.message_user(request, f"This run cannot be asked again: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:hawk_agentrun_change", args=[old.pk]))
        async_to_sync(_answered)(run)
        self.message_user(request, "Asked again: this is the new run.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:hawk_agentrun_change", args=[run.run_id]))


def rerun_body(run: AgentRun) -> dict[str, Any]:
    """The request that asks `run`'s question again: its prompt as it was asked (a template's
    already filled in) and its template, when that can still run. No cached answer: a re-run
    is asked to see what the agent answers now."""
    body: dict[str, Any] = {"user_prompt": run.prompt, "use_cache": False}
    if run.template_id and run.template is not None and run.template.status != "archived":
        body["template_id"] = run.template_id
    if run.template_category:
        body["template_category"] = run.template_category
    return body


def _ms_text(ms: float | None) -> str:
    return EMPTY if ms is None else f"{ms:,.1f} ms"


async def _answered(run: RunRequest) -> None:
    async for _event in run_events(run):
        pass

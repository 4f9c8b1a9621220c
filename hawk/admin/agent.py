"""Admin for the agent's own tables: the business date (one row) and the prompt history."""

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from hawk.admin.answer_html import answer_html
from hawk.analysis.checks import WARNED_RISKS
from hawk.models import AgentRun, BusinessDate


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
    """The prompt history is a record of what happened: it is read, never written, here."""

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
        "total_price",
    )
    list_filter = ("status", "intent", "backend", "channel", "cache_status", "created_at")
    search_fields = ("prompt", "session_id", "run_id", "conversation_id", "user__username")
    date_hierarchy = "created_at"
    list_select_related = ("user", "template")
    fieldsets = (
        (
            None,
            {"fields": ("risk_banner", "run_id", "created_at", "finished_at", "status", "prompt")},
        ),
        ("Who and where", {"fields": ("user", "session_id", "channel")}),
        (
            "Understanding and plan",
            {
                "fields": (
                    "intent",
                    "parameters",
                    ("template", "template_version", "template_category"),
                    ("experiment", "variant"),
                    "plan_readable",
                    "plan",
                )
            },
        ),
        (
            "Answer",
            {
                "fields": (
                    "backend",
                    "answer_rendered",
                    "answer",
                    "records",
                    "cache_status",
                    "answer_cache",
                    "error",
                )
            },
        ),
        (
            "Cost, quality and timings",
            {
                "fields": (
                    ("prompt_tokens", "completion_tokens"),
                    ("total_price", "price_currency"),
                    "usage",
                    "quality_score",
                    "quality",
                    "timings_readable",
                    "timings",
                )
            },
        ),
        ("Dify", {"fields": ("conversation_id", "message_id", "task_id")}),
        ("Feedback", {"fields": ("feedback_rating", "feedback_comment")}),
    )

    readonly_fields = ("risk_banner", "plan_readable", "answer_rendered", "timings_readable")

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
        return format_html('<div class="hawk-answer">{}</div>', answer_html(obj.answer or ""))

    @admin.display(description="plan (readable)")
    def plan_readable(self, obj: AgentRun) -> SafeString | str:
        plan: dict[str, Any] = obj.plan or {}
        if not plan:
            return "-"
        sources = format_html_join(
            "",
            "<tr><td>{}</td><td><code>{}</code></td></tr>",
            (
                (read.get("name"), json.dumps(read.get("filters"), default=str))
                for read in plan.get("sources", [])
            ),
        )
        return format_html(
            "<p>intent <strong>{}</strong>, scope {}, business date {}</p>"
            "<p>parameters <code>{}</code></p>"
            "<table><tr><th>source</th><th>filters</th></tr>{}</table>",
            plan.get("intent"),
            plan.get("data_scope"),
            plan.get("business_date"),
            json.dumps(plan.get("parameters"), default=str),
            sources,
        )

    @admin.display(description="timings (ms)")
    def timings_readable(self, obj: AgentRun) -> SafeString | str:
        timings: dict[str, Any] = obj.timings or {}
        if not timings:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td style='text-align:right'>{}</td></tr>",
            (
                (name.removesuffix("_ms"), "-" if ms is None else f"{ms:,.1f}")
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

"""Admin for the agent's own tables: the business date (one row) and the prompt history."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator

from hawk.models import AgentRun, BusinessDate


@admin.register(BusinessDate)
class BusinessDateAdmin(admin.ModelAdmin):
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
        (None, {"fields": ("run_id", "created_at", "finished_at", "status", "prompt")}),
        ("Who and where", {"fields": ("user", "session_id", "channel")}),
        (
            "Understanding and plan",
            {
                "fields": (
                    "intent",
                    "parameters",
                    ("template", "template_version", "template_category"),
                    "plan",
                )
            },
        ),
        (
            "Answer",
            {"fields": ("backend", "answer", "records", "cache_status", "answer_cache", "error")},
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
                    "timings",
                )
            },
        ),
        ("Dify", {"fields": ("conversation_id", "message_id", "task_id")}),
        ("Feedback", {"fields": ("feedback_rating", "feedback_comment")}),
    )

    @admin.display(description="prompt", ordering="prompt")
    def prompt_excerpt(self, obj: AgentRun) -> str:
        return Truncator(obj.prompt).chars(80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AgentRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AgentRun | None = None) -> bool:
        return request.user.is_superuser

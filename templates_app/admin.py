"""Admin for the prompt templates analysts maintain, with their change history."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from templates_app.models import PromptTemplate
from templates_app.services import version_changed


@admin.register(PromptTemplate)
class PromptTemplateAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "family_type",
        "template_category",
        "status",
        "version",
        "usage_count",
        "display_order",
        "updated_at",
    )
    list_filter = ("family_type", "template_category", "status", "updated_at")
    search_fields = ("name", "description", "prompt_text")
    date_hierarchy = "created_at"
    readonly_fields = ("version", "usage_count", "created_at", "updated_at")
    actions = ("activate_templates", "archive_templates")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    ("family_type", "template_category"),
                    "description",
                    ("status", "display_order"),
                )
            },
        ),
        (
            "Prompt",
            {
                "fields": (
                    "prompt_text",
                    "input_fields",
                    "data_requirements",
                    "analysis_instructions",
                )
            },
        ),
        ("Audit", {"fields": (("version", "usage_count"), ("created_at", "updated_at"))}),
    )

    def save_model(
        self, request: HttpRequest, obj: PromptTemplate, form: ModelForm, change: bool
    ) -> None:
        if change and version_changed(form.changed_data):
            obj.version += 1
        super().save_model(request, obj, form, change)

    @admin.action(description="Activate selected templates", permissions=["change"])
    def activate_templates(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, PromptTemplate.Status.ACTIVE)

    @admin.action(description="Archive selected templates", permissions=["change"])
    def archive_templates(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_status(request, queryset, PromptTemplate.Status.ARCHIVED)

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        # One save per template rather than queryset.update(), so each change gets a history
        # row (HistoryRequestMiddleware names the admin as author) and post_save signals run.
        templates = list(queryset.exclude(status=status))
        for template in templates:
            template.status = status
            template.save(update_fields=["status", "updated_at"])
        self.message_user(
            request, f"{len(templates)} template(s) set to {status}.", messages.SUCCESS
        )

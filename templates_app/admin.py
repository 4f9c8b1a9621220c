"""Admin for the prompt templates analysts maintain: structured editors, numbered versions
compared field by field and restored, a preview of what a template does on today's data (no
LLM), and the A/B experiments with their results in words. Access follows the role groups'
permissions."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from hawk.admin.answer_html import answer_html
from hawk.admin.facts_tables import facts_sections
from hawk.analysis.base import AnalysisRequest
from hawk.analysis.builtin import report_markdown
from hawk.pipeline.prepare import Prepared, PromptInput, prepare
from hawk.sources import filter_words
from hawk.web.errors import HawkError
from templates_app.admin_forms import PromptTemplateForm, preview_form
from templates_app.experiments import TemplateChoice
from templates_app.models import Experiment, PromptTemplate, TemplateVersion, Variant
from templates_app.rendering import render_template
from templates_app.results import experiment_results
from templates_app.results_words import HEADERS, verdict
from templates_app.results_words import rows as result_rows
from templates_app.services import template_restore, template_save, version_record
from templates_app.variables import variable_problems
from templates_app.version_diff import compare


@admin.register(PromptTemplate)
class PromptTemplateAdmin(SimpleHistoryAdmin):
    form = PromptTemplateForm
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
    readonly_fields = (
        "version",
        "usage_count",
        "uuid",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "tools",
        "versions_overview",
    )
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
                    "tools",
                )
            },
        ),
        ("Prompt", {"fields": ("prompt_text", "input_fields", "analysis_instructions")}),
        ("Data requirements", {"fields": ("requirement_sources", "requirement_scope")}),
        ("Change", {"fields": ("change_note",)}),
        ("Versions", {"fields": ("versions_overview",)}),
        (
            "Audit",
            {
                "fields": (
                    ("version", "usage_count"),
                    "uuid",
                    ("created_at", "updated_at"),
                    ("created_by", "updated_by"),
                )
            },
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: PromptTemplate, form: ModelForm, change: bool
    ) -> None:
        assert isinstance(form, PromptTemplateForm)
        changed = list(form.changed_data)
        if {"requirement_sources", "requirement_scope"} & set(changed):
            changed.append("data_requirements")
        obj.data_requirements = form.data_requirements()
        note = form.cleaned_data.get("change_note", "")
        if change:
            template_save(template=obj, changed=changed, user=request.user, change_note=note)
        else:
            obj.version, obj.created_by = 1, request.user.get_username()
            obj.save()
            version_record(template=obj, user=request.user, change_note=note or "created")

    @admin.display(description="tools")
    def tools(self, obj: PromptTemplate) -> SafeString | str:
        if not obj.pk:
            return "-"
        return format_html(
            '<a class="button" href="{}">Preview on today\'s data</a>',
            reverse("admin:templates_app_prompttemplate_preview", args=[obj.pk]),
        )

    @admin.display(description="versions")
    def versions_overview(self, obj: PromptTemplate) -> SafeString | str:
        if not obj.pk:
            return "-"
        diff = reverse("admin:templates_app_prompttemplate_diff", args=[obj.pk])
        rows = [
            (
                v.version,
                v.changed_at.strftime("%Y-%m-%d %H:%M"),
                v.changed_by or "-",
                v.change_note,
                f"{diff}?a={v.version - 1}&b={v.version}",
            )
            for v in obj.versions.select_related("changed_by")
        ]
        links = format_html_join(
            "",
            '<tr><td>v{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">diff with '
            "previous</a></td></tr>",
            rows,
        )
        return format_html("<table>{}</table>", links)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:template_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="templates_app_prompttemplate_preview",
            ),
            path(
                "<int:template_id>/diff/",
                self.admin_site.admin_view(self.diff_view),
                name="templates_app_prompttemplate_diff",
            ),
            path(
                "<int:template_id>/restore/<int:version>/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name="templates_app_prompttemplate_restore",
            ),
        ]
        return own + super().get_urls()

    def _template(self, request: HttpRequest, template_id: int) -> PromptTemplate:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        return template

    def diff_view(self, request: HttpRequest, template_id: int) -> HttpResponse:
        """Two versions field by field: texts word by word, sources as a set, input fields as
        rows; each older version can be restored from here."""
        template = self._template(request, template_id)
        versions = {v.version: v for v in template.versions.select_related("changed_by")}
        newest = max(versions, default=1)
        b = _int(request.GET.get("b"), newest)
        a = _int(request.GET.get("a"), b - 1)
        left, right = versions.get(a), versions.get(b)
        restorable = [
            version
            for version in (left, right)
            if version is not None and version.version != template.version
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "template": template,
            "comparison": compare(left, right),
            "left": left,
            "right": right,
            "a": a,
            "b": b,
            "versions": sorted(versions),
            "restorable": restorable if self.has_change_permission(request, template) else [],
            "title": f"{template}: v{a} compared with v{b}",
        }
        return TemplateResponse(request, "admin/templates_app/version_diff.html", context)

    def restore_view(self, request: HttpRequest, template_id: int, version: int) -> HttpResponse:
        """POST: that version's content becomes a new version, with the reason given."""
        template = get_object_or_404(PromptTemplate, pk=template_id)
        if not self.has_change_permission(request, template):
            raise PermissionDenied
        old = get_object_or_404(TemplateVersion, template=template, version=version)
        reason = request.POST.get("reason", "").strip()[:500]
        try:
            template_restore(template=template, version=old, user=request.user, change_note=reason)
        except HawkError as exc:
            self.message_user(request, exc.message, messages.WARNING)
        else:
            self.message_user(
                request,
                f"Version {version} restored as version {template.version}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:templates_app_prompttemplate_change", args=[template.pk])
        )

    def preview_view(self, request: HttpRequest, template_id: int) -> HttpResponse:
        """Fill the variables; see the rendered prompt, the plan, the facts and the context the
        template produces on today's data, through the same stages as /hawk-agent/context."""
        template = self._template(request, template_id)
        form = preview_form(template, request.POST or None)
        result: dict[str, Any] = {}
        if request.method == "POST" and form.is_valid():
            result = _preview(template, form.cleaned_data)
            for name, problems in result.pop("problems", {}).items():
                form.add_error(name if name in form.fields else None, problems)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "template": template,
            "form": form,
            "result": result,
            "title": f"Preview: {template}",
        }
        return TemplateResponse(request, "admin/templates_app/preview.html", context)

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


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def _preview(template: PromptTemplate, variables: dict[str, Any]) -> dict[str, Any]:
    clean, problems = variable_problems(template, variables)
    if problems:
        return {"problems": problems}
    prompt = render_template(template, clean).prompt
    request = PromptInput(
        prompt, template, template.template_category or None, choice=TemplateChoice(template)
    )
    try:
        prepared = prepare(request)
    except HawkError as exc:
        return {"prompt": prompt, "error": exc.message}
    plan = prepared.plan
    return {
        "prompt": prompt,
        "intent": plan.intent,
        "scope": plan.data_scope,
        "business_date": plan.business_date.isoformat(),
        "sources": [(read.name, filter_words(read.filters)) for read in plan.sources],
        "answer": answer_html(_builtin_answer(template, prompt, prepared)),
        "facts_sections": facts_sections(prepared.facts.facts),
        "warnings": prepared.facts.warnings,
        "context": prepared.context.text,
        "context_chars": prepared.context.chars,
    }


def _builtin_answer(template: PromptTemplate, prompt: str, prepared: Prepared) -> str:
    """What the built-in analyst answers, shaped by the template's analysis instructions."""
    clarification = prepared.understanding.clarification
    request = AnalysisRequest(
        query=prompt,
        context=prepared.context.text,
        intent=prepared.plan.intent,
        parameters=prepared.plan.parameters,
        facts=prepared.facts.facts,
        warnings=prepared.facts.warnings,
        user="preview",
        instructions=template.analysis_instructions,
        clarification=clarification.as_dict() if clarification else None,
    )
    return report_markdown(request)


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    """Versions are immutable: listed and read, never edited here."""

    list_display = ("template", "version", "changed_by", "changed_at", "change_note")
    list_filter = ("changed_at",)
    search_fields = ("template__name", "change_note", "prompt_text")
    list_select_related = ("template", "changed_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    autocomplete_fields = ("template",)


@admin.register(Experiment)
class ExperimentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "status", "created_by", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("name",)
    inlines = (VariantInline,)
    readonly_fields = ("comparison", "created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "status", "created_by", ("created_at", "updated_at"))}),
        # "hawk-results": the results take the page's full width, scrolling if they must.
        ("Results", {"classes": ("hawk-wide", "hawk-results"), "fields": ("comparison",)}),
    )

    class Media:
        css = {"all": ("hawk/admin.css",)}

    def save_model(
        self, request: HttpRequest, obj: Experiment, form: ModelForm, change: bool
    ) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)

    @admin.display(description="variants compared")
    def comparison(self, obj: Experiment) -> SafeString | str:
        if not obj.pk:
            return "-"
        results = experiment_results(obj)
        names = dict(obj.variants.values_list("template_id", "template__name"))
        head = format_html_join("", '<th scope="col">{}</th>', ((name,) for name in HEADERS))
        body = format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),)
                for row in result_rows(results, names)
            ),
        )
        return format_html(
            '<p>{}</p><div class="hawk-scroll" style="overflow-x:auto;max-width:100%">'
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
            verdict(results),
            head,
            body,
        )

"""Reads of prompt templates and experiments for the API and the admin."""

from django.db.models import Q, QuerySet

from templates_app.models import Experiment, PromptTemplate, TemplateVersion


def template_list(
    *,
    family: str | None = None,
    category: str | None = None,
    status: str | None = None,
    search: str | None = None,
) -> QuerySet[PromptTemplate]:
    templates = PromptTemplate.objects.all()
    filters = {"family_type": family, "template_category": category, "status": status}
    templates = templates.filter(**{name: value for name, value in filters.items() if value})
    if search:
        templates = templates.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return templates.order_by("family_type", "display_order", "name")


def template_versions(*, template: PromptTemplate) -> QuerySet[TemplateVersion]:
    return template.versions.select_related("changed_by").order_by("-version")


def experiment_list() -> QuerySet[Experiment]:
    return Experiment.objects.prefetch_related("variants__template").order_by("-created_at")

"""Prompt templates that analysts maintain, their immutable numbered versions, and the A/B
experiments that compare variants of a template."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from templates_app.requirements import requirement_problems


class Family(models.TextChoices):
    INSTRUCTIONS = "instructions_processing", "Instructions & Processing"
    RISK = "risk_compliance", "Risk & Compliance"
    ANALYSIS = "analysis_reporting", "Analysis & Reporting"
    PROBLEM = "problem_resolution", "Problem Resolution"
    CONFIGURATION = "configuration_setup", "Configuration & Setup"
    MONITORING = "monitoring_status", "Monitoring & Status"


class Category(models.TextChoices):
    INCEPTION = "inception"
    UTILISATION = "utilisation"
    ROLLOVER = "rollover"
    TERMINATION = "termination"
    AMENDMENT = "amendment"
    INQUIRY = "inquiry"
    RISK_ANALYSIS = "risk_analysis"
    COMPLIANCE = "compliance"
    PERFORMANCE = "performance"
    MONITORING = "monitoring"
    GENERAL = "general"


class PromptTemplate(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        DRAFT = "draft"
        ARCHIVED = "archived"

    # The HAWK database's id (HAWK_SCHEMA.md: prompt_templates.id uuid): it travels with the
    # template between environments. The integer pk stays the API id (template_id everywhere).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    family_type = models.CharField(max_length=30, choices=Family.choices, db_index=True)
    template_category = models.CharField(max_length=20, choices=Category.choices, db_index=True)
    description = models.TextField(blank=True, default="")
    # Text with {{placeholders}}; rendered by substitution only, never evaluated.
    prompt_text = models.TextField()
    # [{"name": "currency", "label": "Currency", "type": "currency", "required": true}, ...]
    input_fields = models.JSONField(default=list, blank=True)
    # {"sources": ["positions", ...], "scope": "targeted"}: what the plan must read.
    data_requirements = models.JSONField(default=dict, blank=True)
    analysis_instructions = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    display_order = models.PositiveIntegerField(default=100)
    usage_count = models.PositiveIntegerField(default=0)
    # The newest TemplateVersion's number: bumped by every change of text, fields,
    # requirements or instructions, so cached answers keyed on it are never replayed for an
    # edited template.
    version = models.PositiveIntegerField(default=1)
    # Columns of the HAWK table the product does not use, kept so a round trip loses nothing.
    template_filters = models.TextField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True, default="")
    updated_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        db_table = "prompt_templates"
        ordering = ["family_type", "display_order", "name"]
        permissions = [("run_prompts", "Can run prompts (with or without a template)")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The admin validates here; a bad requirement must never reach a run.
        if problems := requirement_problems(self.data_requirements):
            raise ValidationError({"data_requirements": problems})


class TemplateVersion(models.Model):
    """One immutable numbered state of a template's content (Langfuse-style prompt versions)."""

    template = models.ForeignKey(PromptTemplate, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    prompt_text = models.TextField()
    input_fields = models.JSONField(default=list, blank=True)
    data_requirements = models.JSONField(default=dict, blank=True)
    analysis_instructions = models.TextField(blank=True, default="")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    change_note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        db_table = "prompt_template_versions"
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="one_row_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.version}"


class Experiment(models.Model):
    """An A/B test between variants (templates) answering the same kind of request."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        RUNNING = "running"
        STOPPED = "stopped"

    name = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        db_table = "prompt_experiments"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    template = models.ForeignKey(PromptTemplate, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=40)
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "prompt_experiment_variants"
        ordering = ["experiment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "label"], name="variant_label_unique"),
            models.UniqueConstraint(
                fields=["experiment", "template"], name="variant_template_unique"
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="variant_weight_min"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment}: {self.label}"

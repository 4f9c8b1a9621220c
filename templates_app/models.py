"""Prompt templates that analysts maintain in the admin, with a full change history."""

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
    # Bumped by every change of text, fields, requirements or instructions, so cached answers
    # keyed on it are never replayed for an edited template.
    version = models.PositiveIntegerField(default=1)
    # A/B testing: variants share a group; runs record which variant answered.
    variant_group = models.CharField(max_length=60, blank=True, default="")
    variant_label = models.CharField(max_length=20, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        db_table = "prompt_templates"
        ordering = ["family_type", "display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The admin validates here; a bad requirement must never reach a run.
        if problems := requirement_problems(self.data_requirements):
            raise ValidationError({"data_requirements": problems})

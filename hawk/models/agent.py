"""The agent's own tables: the business date and the prompt history (one row per run)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from hawk.models.fields import HawkTable


class BusinessDate(HawkTable):
    """The date facts are computed for. One row; absent means today (UTC).

    A tracked table (HawkTable): a change bumps its cache generation, which is how the
    process-local copy in pipeline.business_date knows to re-read it."""

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    business_date = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "hawk_business_date"
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=1), name="business_date_one_row")
        ]

    def __str__(self) -> str:
        return f"business date {self.business_date}"

    @classmethod
    def stored(cls) -> datetime.date | None:
        return cls.objects.filter(singleton=1).values_list("business_date", flat=True).first()

    @classmethod
    def current(cls) -> datetime.date:
        return cls.stored() or timezone.now().date()

    @classmethod
    def set(cls, value: datetime.date) -> None:
        cls.objects.update_or_create(singleton=1, defaults={"business_date": value})


class AgentRun(models.Model):
    """One prompt run: what was asked, what was read, what was answered and how long it took."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETED = "completed"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class Channel(models.TextChoices):
        HTTP = "http", "HTTP"
        WEBSOCKET = "ws", "WebSocket"
        CLI = "cli", "command line"

    run_id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    session_id = models.CharField(max_length=100, blank=True, default="", db_index=True)
    channel = models.CharField(max_length=4, choices=Channel.choices, default=Channel.HTTP)
    # The Angular app's ids of the prompt (its row in the HAWK table hawk_agent_sessions is
    # found by msg_uid when the run ends); blank when the client sent none.
    msg_uid = models.CharField(max_length=100, blank=True, default="", db_index=True)
    instruction_id = models.CharField(max_length=50, blank=True, default="", db_index=True)
    prompt = models.TextField()
    template = models.ForeignKey(
        "templates_app.PromptTemplate", null=True, blank=True, on_delete=models.SET_NULL
    )
    template_version = models.PositiveIntegerField(null=True, blank=True)
    # A/B experiments: which experiment and variant answered (null/blank outside experiments).
    experiment = models.ForeignKey(
        "templates_app.Experiment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    variant = models.CharField(max_length=40, blank=True, default="")
    intent = models.CharField(max_length=20, blank=True, default="", db_index=True)
    template_category = models.CharField(max_length=20, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True)
    plan = models.JSONField(default=dict, blank=True)
    records = models.PositiveIntegerField(default=0)
    timings = models.JSONField(default=dict, blank=True)
    cache_status = models.CharField(max_length=10, blank=True, default="")
    answer_cache = models.CharField(max_length=10, blank=True, default="")
    backend = models.CharField(max_length=10, blank=True, default="")
    answer = models.TextField(blank=True, default="")
    usage = models.JSONField(default=dict, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    total_price = models.DecimalField(max_digits=14, decimal_places=7, default=0)
    price_currency = models.CharField(max_length=3, blank=True, default="")
    # The price is an estimate (a run cancelled or failed before Dify reported its usage).
    cost_estimated = models.BooleanField(default=False)
    # The LLM budget held for the run while it runs (hawk.analysis.budgets); 0 once it ends.
    reserved_usd = models.DecimalField(max_digits=14, decimal_places=7, default=0)
    quality_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    quality = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    error = models.JSONField(default=dict, blank=True)
    conversation_id = models.CharField(max_length=64, blank=True, default="")
    message_id = models.CharField(max_length=64, blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    feedback_rating = models.CharField(max_length=10, blank=True, default="")
    feedback_comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life of the worker running it (hawk.pipeline.run.liveness).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "hawk_agent_run"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"run {self.run_id} ({self.status})"

"""Reference and configuration tables: currencies, entities and the rules capacity depends on."""

from django.db import models
from simple_history.models import HistoricalRecords

from hawk.models.fields import (
    CurrencyType,
    EntityType,
    HawkTable,
    YesNo,
    amount,
    flag,
    nav_type,
    percentage,
)


class Currency(HawkTable):
    currency_code = models.CharField(max_length=3, primary_key=True)
    currency_name = models.CharField(max_length=100)
    currency_type = models.CharField(max_length=30, choices=CurrencyType.choices)
    base_currency = models.CharField(max_length=3, default="SGD")
    is_deliverable = models.BooleanField(default=True)
    proxy_currency = models.CharField(max_length=3, blank=True, default="")
    settlement_days = models.PositiveSmallIntegerField(default=2)
    min_deal_size = amount(null=True, blank=True)
    maximum_deal_size = amount(null=True, blank=True)
    lot_size = amount(default=1)
    hedge_accounting_eligible = models.BooleanField(default=True)
    # The words people use for the currency ("yuan", "renminbi", "Hong Kong"): the prompt
    # parser learns its vocabulary from here.
    aliases = models.JSONField(default=list, blank=True)
    active_flag = flag()
    history = HistoricalRecords()

    class Meta:
        db_table = "currency_configuration"
        ordering = ["currency_code"]
        verbose_name_plural = "currencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lot_size__gt=0), name="currency_lot_size_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency_code} {self.currency_name}"


class Entity(HawkTable):
    entity_id = models.CharField(max_length=20, primary_key=True)
    entity_name = models.CharField(max_length=200)
    entity_type = models.CharField(max_length=20, choices=EntityType.choices, db_index=True)
    parent_entity = models.ForeignKey(
        "self",
        db_column="parent_entity_id",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    currency = models.ForeignKey(
        Currency, db_column="currency_code", on_delete=models.PROTECT, related_name="entities"
    )
    car_exemption_flag = flag(default=YesNo.NO)
    legal_entity_code = models.CharField(max_length=40, blank=True, default="")
    country_code = models.CharField(max_length=2, blank=True, default="")
    region = models.CharField(max_length=40, blank=True, default="")
    active_flag = flag()
    history = HistoricalRecords()

    class Meta:
        db_table = "entity_master"
        ordering = ["entity_id"]
        verbose_name_plural = "entities"
        indexes = [models.Index(fields=["currency", "active_flag"])]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.entity_name}"


class HedgingFramework(HawkTable):
    class FrameworkType(models.TextChoices):
        FULLY_HEDGE = "Fully Hedge"
        EXCESS_OF_CAR = "Hedge in Excess of Optimal CAR"

    framework_id = models.AutoField(primary_key=True)
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    framework_type = models.CharField(max_length=40, choices=FrameworkType.choices)
    hedge_ratio = percentage(default=100)
    effectiveness_lower = percentage(default=80)
    effectiveness_upper = percentage(default=125)
    active_flag = flag()
    history = HistoricalRecords()

    class Meta:
        db_table = "hedging_framework"
        ordering = ["entity_id", "currency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "currency"],
                condition=models.Q(active_flag="Y"),
                name="one_active_framework_per_entity_currency",
            ),
            models.CheckConstraint(
                condition=models.Q(effectiveness_lower__lte=models.F("effectiveness_upper")),
                name="framework_effectiveness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}/{self.currency_id}: {self.framework_type}"


class BufferConfiguration(HawkTable):
    buffer_rule_id = models.AutoField(primary_key=True)
    entity = models.ForeignKey(
        Entity, db_column="entity_id", null=True, blank=True, on_delete=models.PROTECT
    )
    currency = models.ForeignKey(
        Currency, db_column="currency_code", null=True, blank=True, on_delete=models.PROTECT
    )
    nav_type = nav_type(null=True, blank=True)
    buffer_percentage = percentage()
    rule_priority = models.PositiveIntegerField(default=100)
    active_flag = flag()
    history = HistoricalRecords()

    class Meta:
        db_table = "buffer_configuration"
        ordering = ["rule_priority", "buffer_rule_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(buffer_percentage__gte=0, buffer_percentage__lte=100),
                name="buffer_percentage_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        scope = "/".join(part or "*" for part in (self.entity_id, self.currency_id, self.nav_type))
        return f"buffer {self.buffer_percentage}% for {scope}"


class OverlayConfiguration(HawkTable):
    class ApprovalStatus(models.TextChoices):
        PENDING = "Pending"
        APPROVED = "Approved"
        REJECTED = "Rejected"

    overlay_id = models.AutoField(primary_key=True)
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    nav_type = nav_type()
    overlay_amount = amount()
    approval_status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    history = HistoricalRecords()

    class Meta:
        db_table = "overlay_configuration"
        ordering = ["entity_id", "currency_id", "nav_type"]
        indexes = [models.Index(fields=["currency", "approval_status"])]

    def __str__(self) -> str:
        return f"overlay {self.overlay_amount} {self.entity_id}/{self.currency_id}/{self.nav_type}"


class ThresholdConfiguration(HawkTable):
    class ThresholdType(models.TextChoices):
        USD_PB_DEPOSIT = "USD_PB_DEPOSIT"
        CAR_RATIO = "CAR_RATIO"
        HEDGE_DEVIATION = "HEDGE_DEVIATION"
        CONCENTRATION_LIMIT = "CONCENTRATION_LIMIT"

    threshold_id = models.AutoField(primary_key=True)
    threshold_type = models.CharField(max_length=30, choices=ThresholdType.choices)
    currency = models.ForeignKey(
        Currency, db_column="currency_code", null=True, blank=True, on_delete=models.PROTECT
    )
    entity_type = models.CharField(max_length=20, choices=EntityType.choices, null=True, blank=True)
    warning_level = amount()
    critical_level = amount()
    maximum_limit = amount()
    unit_of_measure = models.CharField(max_length=20, default="USD")
    active_flag = flag()
    history = HistoricalRecords()

    class Meta:
        db_table = "threshold_configuration"
        ordering = ["threshold_type", "currency_id"]
        indexes = [models.Index(fields=["threshold_type", "currency", "active_flag"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warning_level__lte=models.F("critical_level"))
                & models.Q(critical_level__lte=models.F("maximum_limit")),
                name="threshold_levels_ascending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threshold_type} {self.currency_id or '*'}"


class WaterfallLogicConfiguration(HawkTable):
    class WaterfallType(models.TextChoices):
        OPENING = "Opening"
        CLOSING = "Closing"

    waterfall_id = models.AutoField(primary_key=True)
    waterfall_type = models.CharField(max_length=10, choices=WaterfallType.choices)
    currency = models.ForeignKey(
        Currency, db_column="currency_code", null=True, blank=True, on_delete=models.PROTECT
    )
    entity_type = models.CharField(max_length=20, choices=EntityType.choices)
    nav_type = nav_type()
    priority_level = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        db_table = "waterfall_logic_configuration"
        ordering = ["waterfall_type", "currency_id", "priority_level"]

    def __str__(self) -> str:
        return f"{self.waterfall_type} #{self.priority_level}: {self.entity_type} {self.nav_type}"


class InstructionEventConfig(HawkTable):
    config_id = models.AutoField(primary_key=True)
    nav_type = nav_type()
    currency_type = models.CharField(max_length=30, choices=CurrencyType.choices)
    hedging_instrument = models.CharField(max_length=40)
    accounting_method = models.CharField(max_length=60)
    booking_model = models.CharField(max_length=10)
    deal_count = models.PositiveSmallIntegerField()
    gl_entry_count = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        db_table = "instruction_event_config"
        ordering = ["booking_model"]
        constraints = [
            models.UniqueConstraint(
                fields=["nav_type", "currency_type"], name="one_booking_model_per_nav_currency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_model} ({self.nav_type} {self.currency_type})"


class CurrencyRate(HawkTable):
    rate_id = models.AutoField(primary_key=True)
    currency_pair = models.CharField(max_length=6, help_text="USDSGD: 1 USD = rate SGD")
    rate_type = models.CharField(max_length=10, default="SPOT")
    rate_value = models.DecimalField(max_digits=18, decimal_places=10)
    effective_date = models.DateTimeField()

    class Meta:
        db_table = "currency_rates"
        ordering = ["currency_pair", "-effective_date"]
        indexes = [models.Index(fields=["currency_pair", "rate_type", "-effective_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_value__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency_pair} {self.rate_value} @ {self.effective_date:%Y-%m-%d %H:%M}"

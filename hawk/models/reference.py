"""Reference and configuration tables: currencies, entities and the rules capacity depends on.

Columns follow HAWK_SCHEMA.md in its order; the product's own extensions come last.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from hawk.models.fields import (
    CurrencyType,
    EntityType,
    HawkTable,
    YesNo,
    amount,
    at_most,
    boolean,
    day,
    document,
    expiry_not_before_effective,
    flag,
    hawk_id,
    known,
    long_text,
    nav_type,
    not_negative,
    optional_amount,
    percentage,
    stamp,
    text,
    time_of_day,
    whole,
)
from hawk.web.numbers import number_text


class Currency(HawkTable):
    currency_code = models.CharField(max_length=3, primary_key=True)
    currency_name = models.CharField(max_length=100)
    currency_type = known(CurrencyType.choices, default=CurrencyType.MATCHED)
    base_currency = text(3, default="SGD")
    is_deliverable = boolean(default=True)
    # NULL when the currency has no proxy (the HAWK database's own convention).
    proxy_currency = text(3)
    settlement_days = whole(default=2)
    dealing_currency = boolean()
    hedge_accounting_eligible = boolean(default=True)
    minimum_deal_size = optional_amount()
    maximum_deal_size = optional_amount()
    rounding_precision = whole()
    market_hours_start = time_of_day()
    market_hours_end = time_of_day()
    cut_off_time = time_of_day()
    active_flag = boolean(default=True)
    effective_date = day()
    expiry_date = day()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    exposure_currency = text(3)
    # Extensions (DOMAIN.md): the deal lot and the words people use for the currency ("yuan",
    # "renminbi", "Hong Kong"), from which the prompt parser learns its vocabulary.
    lot_size = amount(default=1)
    aliases = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        db_table = "currency_configuration"
        ordering = ["currency_code"]
        verbose_name_plural = "currencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lot_size__gt=0), name="currency_lot_size_positive"
            ),
            *not_negative("currency", "settlement_days", "minimum_deal_size", "maximum_deal_size"),
            at_most("currency", "minimum_deal_size", "maximum_deal_size"),
            expiry_not_before_effective("currency"),
        ]

    def __str__(self) -> str:
        return f"{self.currency_code} {self.currency_name}"


class Entity(HawkTable):
    entity_id = models.CharField(max_length=50, primary_key=True)
    entity_name = models.CharField(max_length=200)
    entity_type = known(EntityType.choices, db_index=True)
    # Not enforced by the HAWK database: kept as text even when it names no entity.
    parent_entity_id = text(50, db_index=True)
    currency = models.ForeignKey(
        Currency, db_column="currency_code", on_delete=models.PROTECT, related_name="entities"
    )
    car_exemption_flag = flag(default=YesNo.NO)
    legal_entity_code = text()
    business_unit = text()
    country_code = text(3)
    region = text()
    active_flag = flag()
    inception_date = day()
    termination_date = day()
    parent_child_nav_link = boolean()
    regulatory_classification = text()
    risk_weight_category = text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    murex_issuer = text()
    murex_comment = long_text()
    comments = long_text()
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

    framework_id = hawk_id("FW")
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    hedging_state = text()
    framework_type = known(FrameworkType.choices, default=FrameworkType.FULLY_HEDGE)
    car_exemption_override = flag(default=None)
    buffer_percentage = percentage(null=True, blank=True)
    minimum_hedge_amount = optional_amount()
    maximum_hedge_amount = optional_amount()
    hedge_ratio = percentage(default=100, null=True, blank=True)
    accounting_method = text()
    rebalancing_frequency = text()
    effectiveness_threshold_lower = percentage(default=80, null=True, blank=True)
    effectiveness_threshold_upper = percentage(default=125, null=True, blank=True)
    active_flag = flag()
    effective_date = day()
    expiry_date = day()
    notes = long_text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    # A Postgres daterange in the HAWK database ("[2026-01-01,2027-01-01)"), kept as its text
    # so the table also lives on SQLite; nothing in the product computes with it.
    period = text(60)
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
                condition=models.Q(
                    effectiveness_threshold_lower__lte=models.F("effectiveness_threshold_upper")
                ),
                name="framework_effectiveness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id}/{self.currency_id}: {self.framework_type}"


class BufferConfiguration(HawkTable):
    buffer_rule_id = hawk_id("BUF")
    entity = models.ForeignKey(
        Entity, db_column="entity_id", null=True, blank=True, on_delete=models.PROTECT
    )
    currency = models.ForeignKey(
        Currency, db_column="currency_code", null=True, blank=True, on_delete=models.PROTECT
    )
    hedging_framework = text()
    car_exemption_flag = flag(default=None)
    entity_type = known(EntityType.choices)
    buffer_percentage = percentage()
    rule_priority = whole(default=100)
    minimum_buffer_amount = optional_amount()
    maximum_buffer_amount = optional_amount()
    buffer_allocation_method = text()
    nav_type_priority = text()
    active_flag = flag()
    effective_date = day()
    expiry_date = day()
    business_rule_description = long_text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    # Extension (DOMAIN.md): the NAV type the rule applies to, NULL for both.
    nav_type = nav_type()
    history = HistoricalRecords()

    class Meta:
        db_table = "buffer_configuration"
        ordering = ["rule_priority", "buffer_rule_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(buffer_percentage__gte=0, buffer_percentage__lte=100),
                name="buffer_percentage_0_to_100",
            ),
            *not_negative("buffer", "minimum_buffer_amount", "maximum_buffer_amount"),
            at_most("buffer", "minimum_buffer_amount", "maximum_buffer_amount"),
            expiry_not_before_effective("buffer"),
        ]

    def __str__(self) -> str:
        scope = "/".join(part or "*" for part in (self.entity_id, self.currency_id, self.nav_type))
        return f"buffer {number_text(self.buffer_percentage)} % for {scope}"


class OverlayConfiguration(HawkTable):
    class ApprovalStatus(models.TextChoices):
        PENDING = "Pending"
        APPROVED = "Approved"
        REJECTED = "Rejected"

    overlay_id = hawk_id("OVL")
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    nav_type = nav_type()
    overlay_type = text()
    overlay_amount = amount()
    overlay_direction = text()
    expected_execution_date = day()
    probability_percentage = percentage(null=True, blank=True)
    adjusted_amount = optional_amount()
    description = long_text()
    business_justification = long_text()
    supporting_document = text(255)
    reference_number = text()
    approval_status = known(ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    approved_by = text()
    approved_date = day()
    reviewer_comments = long_text()
    active_flag = flag()
    effective_date = day()
    expiry_date = day()
    auto_expire_flag = flag(default=None)
    processing_status = text()
    last_applied_date = day()
    application_count = whole()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    history = HistoricalRecords()

    class Meta:
        db_table = "overlay_configuration"
        ordering = ["entity_id", "currency_id", "nav_type"]
        indexes = [models.Index(fields=["currency", "approval_status"])]

    def __str__(self) -> str:
        amount = number_text(self.overlay_amount)
        return f"overlay {amount} {self.entity_id}/{self.currency_id}/{self.nav_type}"


class ThresholdConfiguration(HawkTable):
    class ThresholdType(models.TextChoices):
        # Labels as people write them (TextChoices would make "Usd Pb Deposit").
        USD_PB_DEPOSIT = "USD_PB_DEPOSIT", "USD PB deposit"
        CAR_RATIO = "CAR_RATIO", "CAR ratio"
        HEDGE_DEVIATION = "HEDGE_DEVIATION", "Hedge deviation"
        CONCENTRATION_LIMIT = "CONCENTRATION_LIMIT", "Concentration limit"

    threshold_id = hawk_id("THR")
    threshold_type = known(ThresholdType.choices, null=False, blank=False)
    currency = models.ForeignKey(
        Currency, db_column="currency_code", null=True, blank=True, on_delete=models.PROTECT
    )
    entity_type = known(EntityType.choices)
    warning_level = amount()
    critical_level = amount()
    maximum_limit = amount()
    unit_of_measure = text(20, default="USD")
    escalation_level_1 = text(255)
    escalation_level_2 = text(255)
    escalation_level_3 = text(255)
    automated_action_flag = flag(default=None)
    notification_emails = long_text()
    breach_tolerance_minutes = whole()
    active_flag = flag()
    effective_date = day()
    expiry_date = day()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
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
        kind = self.get_threshold_type_display()
        return f"{kind} {self.currency_id or '(all currencies)'}"


class WaterfallLogicConfiguration(HawkTable):
    class WaterfallType(models.TextChoices):
        OPENING = "Opening"
        CLOSING = "Closing"

    waterfall_id = hawk_id("WF")
    waterfall_type = known(WaterfallType.choices, null=False, blank=False)
    currency = models.ForeignKey(
        Currency, db_column="currency_code", null=True, blank=True, on_delete=models.PROTECT
    )
    entity_type = known(EntityType.choices)
    nav_type = nav_type()
    priority_level = models.IntegerField()
    sort_order = text()
    nav_amount_criteria = text()
    car_exemption_required = text()
    description = long_text()
    business_rule = long_text()
    active_flag = flag()
    effective_date = day()
    expiry_date = day()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    history = HistoricalRecords()

    class Meta:
        db_table = "waterfall_logic_configuration"
        ordering = ["waterfall_type", "currency_id", "priority_level"]

    def __str__(self) -> str:
        return f"{self.waterfall_type} #{self.priority_level}: {self.entity_type} {self.nav_type}"


class InstructionEventConfig(HawkTable):
    config_id = hawk_id("CFG")
    instruction_event = text()
    nav_type = nav_type(null=False, blank=False)
    currency_type = known(CurrencyType.choices, null=False, blank=False)
    hedging_instrument = text()
    accounting_method = text()
    mrx_book_code_ids = document()
    booking_model = models.CharField(max_length=20)
    deal_count = whole()
    gl_entry_count = whole()
    portfolio_routing = document()
    special_processing_flags = document()
    status = whole()
    effective_date = day()
    expiry_date = day()
    created_by = text()
    created_date = stamp()
    history = HistoricalRecords()

    class Meta:
        db_table = "instruction_event_config"
        ordering = ["booking_model"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction_event", "nav_type", "currency_type"],
                name="one_booking_model_per_event_nav_currency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_model} ({self.nav_type} {self.currency_type})"


class CurrencyRate(HawkTable):
    rate_id = hawk_id("RATE")
    currency_pair = models.CharField(max_length=10, help_text="USDSGD: 1 USD = rate SGD")
    rate_type = text(20, default="SPOT")
    rate_value = models.DecimalField(max_digits=18, decimal_places=10)
    # A date in the HAWK database; an import also accepts a timestamp and keeps its day.
    effective_date = models.DateField()
    expiry_date = day()
    source_system = text()
    created_date = stamp()

    class Meta:
        db_table = "currency_rates"
        ordering = ["currency_pair", "-effective_date"]
        indexes = [models.Index(fields=["currency_pair", "rate_type", "-effective_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_value__gt=0), name="rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency_pair} {self.rate_value} @ {self.effective_date}"

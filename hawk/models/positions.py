"""Positions, allocations and effectiveness tests: what is exposed and what is hedged.

Columns follow HAWK_SCHEMA.md in its order; the product's own extensions come last.
"""

from django.db import models

from hawk.models.fields import (
    HawkTable,
    amount,
    boolean,
    day,
    flag,
    hawk_id,
    known,
    long_text,
    nav_type,
    optional_amount,
    percentage,
    rate,
    stamp,
    text,
    whole,
)
from hawk.models.reference import Currency, Entity


class PositionNav(HawkTable):
    """One structural FX position (SFX) of an entity in a currency at an as-of date."""

    nav_id = hawk_id("NAV")
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    as_of_date = models.DateField()
    source_system = text()
    source_batch_id = text()
    nav_type = nav_type(null=False, blank=False)
    position_type = text(20, default="NET")
    current_position = amount()
    coi_amount = optional_amount()
    re_amount = optional_amount()
    buffer_pct = percentage(null=True, blank=True)
    buffer_amount = optional_amount()
    manual_overlay_amount = optional_amount()
    manual_overlay_notes = long_text()
    optimal_car_amount = optional_amount()
    optimal_car_source = text()
    optimal_car_as_of = day()
    data_quality_status = text(default="Validated")
    data_quality_notes = long_text()
    created_by = text()
    created_at = stamp()
    modified_by = text()
    modified_at = stamp()
    computed_total_nav = optional_amount()

    class Meta:
        db_table = "position_nav_master"
        ordering = ["entity_id", "currency_id", "nav_type", "-as_of_date"]
        verbose_name = "position (NAV)"
        verbose_name_plural = "positions (NAV)"
        indexes = [
            models.Index(fields=["currency", "as_of_date"]),
            models.Index(fields=["entity", "currency", "nav_type", "position_type", "as_of_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "currency", "as_of_date", "nav_type", "position_type"],
                name="one_position_per_entity_currency_date_nav",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.nav_id} {self.entity_id} {self.currency_id} {self.nav_type} {self.as_of_date}"
        )


class Allocation(HawkTable):
    class Status(models.TextChoices):
        CALCULATED = "Calculated"
        APPROVED = "Approved"
        EXECUTED = "Executed"
        REJECTED = "Rejected"
        CLOSED = "Closed"

    # Statuses whose amounts count as hedged (DOMAIN.md).
    HEDGED_STATUSES = (Status.APPROVED, Status.EXECUTED)

    allocation_id = hawk_id("ALLOC")
    # The instruction's id; not enforced by the HAWK database, kept even when nothing matches.
    request_id = text(50, db_index=True)
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    nav_type = nav_type(null=False, blank=False)
    sfx_position = optional_amount()
    car_exemption_flag = flag(default=None)
    car_amount_distribution = optional_amount()
    manual_overlay_amount = optional_amount()
    buffer_percentage = percentage(null=True, blank=True)
    buffer_amount = optional_amount()
    hedged_position = optional_amount()
    unhedged_position = optional_amount()
    hedge_amount_allocation = amount()
    available_amount_for_hedging = optional_amount()
    waterfall_priority = whole()
    allocation_sequence = whole()
    allocation_status = known(Status.choices, default=Status.CALCULATED)
    execution_date = day()
    notes = long_text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    # Extension (DOMAIN.md): when the hedge matures, for rollover candidates.
    maturity_date = day()

    class Meta:
        db_table = "allocation_engine"
        ordering = ["-allocation_id"]
        indexes = [
            models.Index(fields=["currency", "allocation_status"]),
            models.Index(fields=["entity", "currency", "nav_type", "allocation_status"]),
            models.Index(fields=["currency", "maturity_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hedge_amount_allocation__gte=0),
                name="allocation_amount_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.allocation_id} {self.entity_id} {self.currency_id} {self.nav_type}"


class HedgeEffectiveness(HawkTable):
    """One effectiveness test of a hedge relationship (dollar offset)."""

    class Result(models.TextChoices):
        PASS = "PASS"
        FAIL = "FAIL"
        INCONCLUSIVE = "INCONCLUSIVE"

    effectiveness_id = hawk_id("EFF")
    hedge_relationship_id = text(50)
    entity_id = text(50, db_index=True)
    currency_code = text(3, db_index=True)
    nav_type = nav_type()
    hedging_instrument = text()
    hedge_notional = optional_amount()
    hedged_item_value = optional_amount()
    measurement_period = text()
    measurement_date = models.DateField()
    testing_method = text(default="dollar_offset")
    hedge_ratio = rate(null=True, blank=True)
    effectiveness_ratio = rate(null=True, blank=True)
    ineffectiveness_amount = optional_amount()
    cumulative_effectiveness = rate(null=True, blank=True)
    lower_threshold = rate(null=True, blank=True)
    upper_threshold = rate(null=True, blank=True)
    effectiveness_status = known(Result.choices)
    accounting_treatment = text()
    rebalancing_required = boolean()
    rebalancing_action = text()
    prospective_test_result = text()
    retrospective_test_result = text()
    hedge_inception_date = day()
    next_test_date = day()
    documentation_reference = text(255)
    auditor_notes = long_text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    # Extensions (DOMAIN.md): the allocation tested and the period's changes (SGD) the dollar
    # offset ratio is computed from, when the HAWK row carries them.
    allocation_id = text(50, db_index=True)
    hedged_item_change = optional_amount()
    instrument_change = optional_amount()

    class Meta:
        db_table = "hedge_effectiveness"
        ordering = ["-measurement_date", "effectiveness_id"]
        verbose_name_plural = "hedge effectiveness tests"
        indexes = [models.Index(fields=["measurement_date", "effectiveness_status"])]

    def __str__(self) -> str:
        return f"{self.effectiveness_id} ({self.currency_code}): {self.effectiveness_status}"

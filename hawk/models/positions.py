"""Positions, allocations and effectiveness tests: what is exposed and what is hedged."""

from django.db import models

from hawk.models.fields import HawkTable, amount, nav_type, rate
from hawk.models.reference import Currency, Entity


class PositionNav(HawkTable):
    """One structural FX position (SFX) of an entity in a currency at an as-of date."""

    nav_id = models.AutoField(primary_key=True)
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    as_of_date = models.DateField()
    nav_type = nav_type()
    position_type = models.CharField(max_length=10, default="NET")
    current_position = amount()
    coi_amount = amount(null=True, blank=True)
    re_amount = amount(null=True, blank=True)
    optimal_car_amount = amount(null=True, blank=True)
    data_quality_status = models.CharField(max_length=20, default="Validated")

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
        return f"{self.entity_id} {self.currency_id} {self.nav_type} {self.as_of_date}"


class Allocation(HawkTable):
    class Status(models.TextChoices):
        CALCULATED = "Calculated"
        APPROVED = "Approved"
        EXECUTED = "Executed"
        REJECTED = "Rejected"
        CLOSED = "Closed"

    # Statuses whose amounts count as hedged (DOMAIN.md).
    HEDGED_STATUSES = (Status.APPROVED, Status.EXECUTED)

    allocation_id = models.AutoField(primary_key=True)
    request = models.ForeignKey(
        "hawk.HedgeInstruction",
        db_column="request_id",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    nav_type = nav_type()
    hedge_amount_allocation = amount()
    allocation_status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.CALCULATED
    )
    execution_date = models.DateField(null=True, blank=True)
    maturity_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")

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
        return f"#{self.allocation_id} {self.entity_id} {self.currency_id} {self.nav_type}"


class HedgeEffectiveness(HawkTable):
    class Result(models.TextChoices):
        PASS = "PASS"
        FAIL = "FAIL"
        INCONCLUSIVE = "INCONCLUSIVE"

    test_id = models.AutoField(primary_key=True)
    allocation = models.ForeignKey(
        Allocation, db_column="allocation_id", on_delete=models.PROTECT, related_name="tests"
    )
    test_date = models.DateField()
    method = models.CharField(max_length=20, default="dollar_offset")
    hedged_item_change = amount()
    instrument_change = amount()
    ratio = rate(null=True, blank=True)
    result = models.CharField(max_length=12, choices=Result.choices)

    class Meta:
        db_table = "hedge_effectiveness"
        ordering = ["-test_date", "test_id"]
        verbose_name_plural = "hedge effectiveness tests"
        indexes = [models.Index(fields=["test_date", "result"])]

    def __str__(self) -> str:
        return f"test {self.test_id} of allocation {self.allocation_id}: {self.result}"

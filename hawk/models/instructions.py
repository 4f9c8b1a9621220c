"""Hedge instructions and what they become: business events, Murex deals and GL entries."""

from django.db import models

from hawk.models.fields import HawkTable, amount, nav_type, rate
from hawk.models.reference import Currency, Entity


class HedgeInstruction(HawkTable):
    class InstructionType(models.TextChoices):
        INCEPTION = "I", "Inception"
        UTILISATION = "U", "Utilisation"
        ROLLOVER = "R", "Rollover"
        TERMINATION = "T", "Termination"
        AMENDMENT = "A", "Amendment"
        INQUIRY = "Q", "Inquiry"

    class Status(models.TextChoices):
        RECEIVED = "Received"
        VALIDATED = "Validated"
        APPROVED = "Approved"
        EXECUTED = "Executed"
        REJECTED = "Rejected"
        CANCELLED = "Cancelled"

    class CheckStatus(models.TextChoices):
        PASS = "Pass"
        PARTIAL = "Partial"
        FAIL = "Fail"

    instruction_id = models.AutoField(primary_key=True)
    msg_uid = models.CharField(max_length=64, unique=True)
    instruction_type = models.CharField(max_length=1, choices=InstructionType.choices)
    instruction_date = models.DateField()
    exposure_currency = models.ForeignKey(
        Currency, db_column="exposure_currency", on_delete=models.PROTECT
    )
    entity = models.ForeignKey(
        Entity, db_column="entity_id", null=True, blank=True, on_delete=models.PROTECT
    )
    nav_type = nav_type(null=True, blank=True)
    order_id = models.CharField(max_length=40, db_index=True)
    previous_order_id = models.CharField(max_length=40, blank=True, default="", db_index=True)
    hedge_amount_order = amount()
    hedge_method = models.CharField(max_length=40, blank=True, default="")
    value_date = models.DateField(null=True, blank=True)
    tenor_or_maturity = models.CharField(max_length=20, blank=True, default="")
    instruction_status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    check_status = models.CharField(
        max_length=8, choices=CheckStatus.choices, null=True, blank=True
    )
    allocated_notional = amount(null=True, blank=True)
    not_allocated_notional = amount(null=True, blank=True)
    usd_pb_check_status = models.CharField(max_length=20, blank=True, default="")
    failure_reason = models.TextField(blank=True, default="")

    class Meta:
        db_table = "hedge_instructions"
        ordering = ["-instruction_date", "-instruction_id"]
        indexes = [
            models.Index(fields=["exposure_currency", "instruction_status"]),
            models.Index(fields=["instruction_date"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.order_id} ({self.get_instruction_type_display()} {self.exposure_currency_id})"
        )


class HedgeBusinessEvent(HawkTable):
    class EventType(models.TextChoices):
        INITIATION = "Initiation"
        ROLLOVER = "Rollover"
        TERMINATION = "Termination"
        AMENDMENT = "Amendment"

    event_id = models.AutoField(primary_key=True)
    instruction = models.ForeignKey(
        HedgeInstruction,
        db_column="instruction_id",
        on_delete=models.PROTECT,
        related_name="events",
    )
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)
    business_event_type = models.CharField(max_length=12, choices=EventType.choices)
    nav_type = nav_type()
    currency = models.ForeignKey(Currency, db_column="currency_code", on_delete=models.PROTECT)
    notional_amount = amount()
    trade_date = models.DateField()
    value_date = models.DateField()
    maturity_date = models.DateField(null=True, blank=True)
    event_status = models.CharField(max_length=20, default="Pending")
    stage_2_status = models.CharField(max_length=20, blank=True, default="")
    assigned_booking_model = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        db_table = "hedge_business_events"
        ordering = ["-trade_date", "-event_id"]
        indexes = [models.Index(fields=["currency", "event_status"])]

    def __str__(self) -> str:
        return f"event {self.event_id} {self.business_event_type} {self.currency_id}"


class DealBooking(HawkTable):
    class DealType(models.TextChoices):
        FX_SWAP = "FX_SWAP"
        NDF = "NDF"
        FX_SPOT = "FX_SPOT"

    class Status(models.TextChoices):
        PENDING = "Pending"
        BOOKED = "Booked"
        FAILED = "Failed"

    deal_booking_id = models.AutoField(primary_key=True)
    event = models.ForeignKey(
        HedgeBusinessEvent, db_column="event_id", on_delete=models.PROTECT, related_name="deals"
    )
    deal_sequence = models.PositiveSmallIntegerField()
    deal_type = models.CharField(max_length=10, choices=DealType.choices)
    portfolio = models.CharField(max_length=40, blank=True, default="")
    # Deals may sell or buy the base currency (SGD), which is not a configured exposure
    # currency: these are plain ISO codes, not references.
    sell_currency = models.CharField(max_length=3)
    sell_amount = amount()
    buy_currency = models.CharField(max_length=3)
    buy_amount = amount()
    fx_rate = rate()
    trade_date = models.DateField()
    value_date = models.DateField()
    maturity_date = models.DateField(null=True, blank=True)
    deal_status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    external_reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        db_table = "deal_bookings"
        ordering = ["event_id", "deal_sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "deal_sequence"], name="one_deal_per_sequence")
        ]

    def __str__(self) -> str:
        return f"deal {self.deal_booking_id} {self.deal_type} {self.deal_status}"


class GlEntry(HawkTable):
    gl_entry_id = models.AutoField(primary_key=True)
    event = models.ForeignKey(
        HedgeBusinessEvent,
        db_column="event_id",
        on_delete=models.PROTECT,
        related_name="gl_entries",
    )
    entry_type = models.CharField(max_length=40)
    posting_date = models.DateField()
    debit_account = models.CharField(max_length=40)
    credit_account = models.CharField(max_length=40)
    amount_sgd = amount()
    entity = models.ForeignKey(Entity, db_column="entity_id", on_delete=models.PROTECT)

    class Meta:
        db_table = "gl_entries"
        ordering = ["-posting_date", "gl_entry_id"]
        verbose_name = "GL entry"
        verbose_name_plural = "GL entries"

    def __str__(self) -> str:
        return f"GL {self.gl_entry_id} {self.entry_type} {self.amount_sgd} SGD"

"""Hedge instructions and what they become: business events, Murex deals and GL entries.

Columns follow HAWK_SCHEMA.md in its order; the product's own extensions come last. The ids
these tables use to point at each other (event_id, instruction_id, ...) are plain text, as in
the HAWK database, which does not enforce them.
"""

from django.db import models

from hawk.models.fields import (
    HawkTable,
    amount,
    boolean,
    day,
    document,
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

    instruction_id = hawk_id("INS")
    msg_uid = models.CharField(max_length=100, unique=True)
    instruction_type = known(InstructionType.choices, max_length=1, null=False, blank=False)
    instruction_date = models.DateField()
    exposure_currency = models.CharField(max_length=3, db_index=True)
    order_id = models.CharField(max_length=50, db_index=True)
    sub_order_id = text(50)
    # Not enforced by the HAWK database: kept even when no order matches.
    previous_order_id = text(50, db_index=True)
    supersedes_msg_uid = text()
    hedge_amount_order = amount()
    hedge_method = text()
    hedging_instrument_hint = text()
    value_date = day()
    tenor_or_maturity = text(20)
    framework_id_snapshot = text(50)
    hedging_state_snapshot = text()
    buffer_pct_snapshot = percentage(null=True, blank=True)
    car_exemption_snapshot = text(1)
    instruction_status = known(Status.choices, default=Status.RECEIVED)
    check_status = known(CheckStatus.choices)
    acknowledgement_status = text()
    response_notional = optional_amount()
    allocated_notional = optional_amount()
    not_allocated_notional = optional_amount()
    usd_pb_check_status = text()
    failure_reason = long_text()
    request_id = text(50)
    processed_timestamp = stamp()
    response_timestamp = stamp()
    received_timestamp = stamp()
    external_trade_id = text()
    portfolio_code = text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    instruction_fingerprint = long_text()
    result = long_text()
    # Extensions (DOMAIN.md): the entity and NAV type an instruction is for, when it names one.
    entity_id = text(50, db_index=True)
    nav_type = nav_type()

    class Meta:
        db_table = "hedge_instructions"
        ordering = ["-instruction_date", "-instruction_id"]
        indexes = [
            models.Index(fields=["exposure_currency", "instruction_status"]),
            models.Index(fields=["instruction_date"]),
        ]

    def __str__(self) -> str:
        kind = self.get_instruction_type_display()
        return f"{self.instruction_id} {self.order_id} ({kind} {self.exposure_currency})"


class HedgeBusinessEvent(HawkTable):
    class EventType(models.TextChoices):
        INITIATION = "Initiation"
        ROLLOVER = "Rollover"
        TERMINATION = "Termination"
        AMENDMENT = "Amendment"

    event_id = hawk_id("EVT")
    instruction_id = text(50, db_index=True)
    entity_id = text(50, db_index=True)
    business_event_type = known(EventType.choices)
    nav_type = nav_type()
    currency_type = text()
    hedging_instrument = text()
    accounting_method = text()
    notional_amount = optional_amount()
    hedge_ratio = rate(null=True, blank=True)
    start_date = day()
    maturity_date = day()
    trade_date = day()
    value_date = day()
    fx_rate = rate(null=True, blank=True)
    murex_deal_id = text()
    external_deal_reference = text()
    portfolio_code = text()
    counterparty = text()
    event_status = text(default="Pending")
    booking_reference = text()
    settlement_reference = text()
    gl_posting_status = text()
    notes = long_text()
    created_by = text()
    created_date = stamp()
    modified_by = text()
    modified_date = stamp()
    stage_2_status = text()
    stage_2_start_time = stamp()
    stage_2_completion_time = stamp()
    stage_2_error_id = text()
    assigned_booking_model = text(20)
    portfolio_routing = document()
    final_hedge_portfolio = text()
    hedge_position_amount = optional_amount()
    hedge_position_currency = text(3)
    recovery_point = whole()
    stage_3_status = text()
    gl_package_id = text()
    # Extension (DOMAIN.md): the exposure currency of the event.
    currency_code = text(3, db_index=True)

    class Meta:
        db_table = "hedge_business_events"
        ordering = ["-trade_date", "-event_id"]
        indexes = [models.Index(fields=["currency_code", "event_status"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.business_event_type} {self.currency_code}"


class DealBooking(HawkTable):
    class DealType(models.TextChoices):
        FX_SWAP = "FX_SWAP", "FX swap"
        NDF = "NDF", "NDF"
        FX_SPOT = "FX_SPOT", "FX spot"

    class Status(models.TextChoices):
        PENDING = "Pending"
        BOOKED = "Booked"
        FAILED = "Failed"

    deal_booking_id = hawk_id("DEAL")
    event_id = text(50, db_index=True)
    deal_sequence = whole()
    deal_type = known(DealType.choices)
    system = text()
    portfolio = text()
    counterparty = text()
    # Deals may sell or buy the base currency (SGD), which is not a configured exposure
    # currency: these are plain ISO codes, not references.
    sell_currency = text(3)
    buy_currency = text(3)
    sell_amount = optional_amount()
    buy_amount = optional_amount()
    fx_rate = rate(null=True, blank=True)
    trade_date = day()
    value_date = day()
    maturity_date = day()
    deal_status = known(Status.choices, default=Status.PENDING)
    booking_reference = text()
    internal_reference = text()
    external_reference = text()
    comment1 = text(255)
    transfer_type = text()
    linked_deal_sequence = whole()
    triggers_proxy_automation = boolean()
    automated_creation = boolean()
    parent_deal_sequence = whole()
    final_hedge_position = boolean()
    near_leg_structure = document()
    far_leg_structure = document()
    ndf_structure = document()
    embedded_spot_details = document()
    currency_proxy = document()
    onshore_offshore_basis = rate(null=True, blank=True)
    rate_type = text()
    swap_points = rate(null=True, blank=True)
    product_type = text()
    embedded_spot_purpose = text()
    ndf_reference = text()
    position_tracking = boolean()
    funding_purpose = text()
    swap_structure = text()
    currency_pair = document()
    spot_details = document()
    purpose = text()
    proxy_purpose = text()
    target_currency = text(3)
    proxy_rationale = text(255)
    created_date = stamp()
    modified_date = stamp()

    class Meta:
        db_table = "deal_bookings"
        ordering = ["event_id", "deal_sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "deal_sequence"], name="one_deal_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deal_booking_id} {self.deal_type} {self.deal_status}"


class GlEntry(HawkTable):
    gl_entry_id = hawk_id("GL")
    event_id = text(50, db_index=True)
    entry_sequence = whole()
    entry_type = text()
    posting_date = day()
    debit_account = text()
    credit_account = text()
    amount_sgd = optional_amount()
    entity_id = text(50, db_index=True)
    reference_deal_sequence = whole()
    reversal_flag = boolean()
    daily_processing = boolean()
    monthly_only = boolean()
    source_field = text()
    source_system = text()
    product_code = text()
    differential_components = document()
    entity_dependent_posting = boolean()
    daily_reversal = boolean()
    ndf_specific_logic = text()
    dual_currency_treatment = document()
    embedded_spot_logic = document()
    currency_differential_type = text()
    proxy_currency_pair = text(20)
    created_date = stamp()

    class Meta:
        db_table = "gl_entries"
        ordering = ["-posting_date", "gl_entry_id"]
        verbose_name = "GL entry"
        verbose_name_plural = "GL entries"

    def __str__(self) -> str:
        return f"{self.gl_entry_id} {self.entry_type} {self.amount_sgd} SGD"

"""Admin for hedge instructions and what they become: business events, deals and GL entries."""

from django.contrib import admin

from hawk.admin.columns import amount_column
from hawk.admin.configuration import ConfigurationAdminMixin
from hawk.admin.read_only import WritableSourceMixin
from hawk.models import DealBooking, GlEntry, HedgeBusinessEvent, HedgeInstruction


@admin.register(HedgeInstruction)
class HedgeInstructionAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "instruction_id",
        "order_id",
        "instruction_type",
        "instruction_date",
        "exposure_currency",
        "entity_id",
        "nav_type",
        amount_column("hedge_amount_order", "order amount"),
        amount_column("allocated_notional", "allocated"),
        amount_column("not_allocated_notional", "not allocated"),
        "instruction_status",
        "check_status",
        "usd_pb_check_status",
    )
    list_filter = (
        "instruction_type",
        "instruction_status",
        "check_status",
        "usd_pb_check_status",
        "exposure_currency",
        "nav_type",
        "instruction_date",
    )
    search_fields = (
        "=instruction_id",
        "msg_uid",
        "order_id",
        "previous_order_id",
        "entity_id",
    )
    date_hierarchy = "instruction_date"


@admin.register(HedgeBusinessEvent)
class HedgeBusinessEventAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "event_id",
        "instruction_id",
        "business_event_type",
        "entity_id",
        "currency_code",
        "nav_type",
        amount_column("notional_amount", "notional"),
        "trade_date",
        "value_date",
        "maturity_date",
        "event_status",
        "stage_2_status",
        "assigned_booking_model",
    )
    list_filter = (
        "business_event_type",
        "event_status",
        "stage_2_status",
        "assigned_booking_model",
        "currency_code",
        "nav_type",
        "trade_date",
    )
    search_fields = (
        "=event_id",
        "=instruction_id",
        "entity_id",
        "murex_deal_id",
    )
    date_hierarchy = "trade_date"


@admin.register(DealBooking)
class DealBookingAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "deal_booking_id",
        "event_id",
        "deal_sequence",
        "deal_type",
        "sell_currency",
        amount_column("sell_amount"),
        "buy_currency",
        amount_column("buy_amount"),
        "fx_rate",
        "trade_date",
        "value_date",
        "maturity_date",
        "deal_status",
        "external_reference",
    )
    list_filter = ("deal_status", "deal_type", "sell_currency", "buy_currency", "trade_date")
    search_fields = (
        "=deal_booking_id",
        "external_reference",
        "portfolio",
        "=event_id",
        "booking_reference",
    )
    date_hierarchy = "trade_date"


@admin.register(GlEntry)
class GlEntryAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "gl_entry_id",
        "event_id",
        "entry_type",
        "posting_date",
        "debit_account",
        "credit_account",
        amount_column("amount_sgd", "amount (SGD)"),
        "entity_id",
    )
    list_filter = ("entry_type", "posting_date")
    search_fields = (
        "=gl_entry_id",
        "entry_type",
        "debit_account",
        "credit_account",
        "entity_id",
        "=event_id",
    )
    date_hierarchy = "posting_date"

"""Admin for the reference and configuration tables: currencies, entities and capacity rules.

These tables carry a change history (django-simple-history), shown by SimpleHistoryAdmin.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hawk.admin.columns import alias_text, amount_column
from hawk.admin.configuration import ConfigurationAdminMixin
from hawk.admin.read_only import WritableSourceMixin
from hawk.models import (
    BufferConfiguration,
    Currency,
    CurrencyRate,
    Entity,
    HedgingFramework,
    InstructionEventConfig,
    OverlayConfiguration,
    ThresholdConfiguration,
    WaterfallLogicConfiguration,
)

# Searching by an entity's id or name is how operations staff find their rows.
ENTITY_SEARCH = ("entity__entity_id", "entity__entity_name")


@admin.register(Currency)
class CurrencyAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "currency_code",
        "currency_name",
        "currency_type",
        "is_deliverable",
        "proxy_currency",
        "settlement_days",
        amount_column("minimum_deal_size"),
        amount_column("maximum_deal_size"),
        amount_column("lot_size"),
        "hedge_accounting_eligible",
        "aliases_display",
        "active_flag",
    )
    list_filter = ("currency_type", "is_deliverable", "hedge_accounting_eligible", "active_flag")
    search_fields = ("currency_code", "currency_name", "aliases")

    @admin.display(description="aliases")
    def aliases_display(self, obj: Currency) -> str:
        return alias_text(obj.aliases)


@admin.register(Entity)
class EntityAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "entity_id",
        "entity_name",
        "entity_type",
        "currency",
        "parent_entity_id",
        "country_code",
        "region",
        "car_exemption_flag",
        "active_flag",
    )
    list_filter = ("entity_type", "currency", "active_flag", "car_exemption_flag", "region")
    search_fields = ("entity_id", "entity_name", "legal_entity_code")
    list_select_related = ("currency",)


@admin.register(HedgingFramework)
class HedgingFrameworkAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "framework_id",
        "entity",
        "currency",
        "framework_type",
        "hedge_ratio",
        "effectiveness_threshold_lower",
        "effectiveness_threshold_upper",
        "active_flag",
    )
    list_filter = ("framework_type", "currency", "entity__entity_type", "active_flag")
    search_fields = ("=framework_id", *ENTITY_SEARCH)
    list_select_related = ("entity", "currency")
    autocomplete_fields = ("entity",)


@admin.register(BufferConfiguration)
class BufferConfigurationAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "buffer_rule_id",
        "entity",
        "currency",
        "nav_type",
        "buffer_percentage",
        "rule_priority",
        "active_flag",
    )
    list_filter = ("currency", "nav_type", "active_flag")
    search_fields = ("=buffer_rule_id", *ENTITY_SEARCH)
    list_select_related = ("entity", "currency")
    autocomplete_fields = ("entity",)


@admin.register(OverlayConfiguration)
class OverlayConfigurationAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "overlay_id",
        "entity",
        "currency",
        "nav_type",
        amount_column("overlay_amount"),
        "approval_status",
    )
    list_filter = ("approval_status", "currency", "nav_type", "entity__entity_type")
    search_fields = ("=overlay_id", "reference_number", *ENTITY_SEARCH)
    list_select_related = ("entity", "currency")
    autocomplete_fields = ("entity",)


@admin.register(ThresholdConfiguration)
class ThresholdConfigurationAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "threshold_id",
        "threshold_type",
        "currency",
        "entity_type",
        amount_column("warning_level"),
        amount_column("critical_level"),
        amount_column("maximum_limit"),
        "unit_of_measure",
        "active_flag",
    )
    list_filter = ("threshold_type", "currency", "entity_type", "active_flag")
    search_fields = ("=threshold_id", "threshold_type", "currency__currency_code")
    list_select_related = ("currency",)


@admin.register(WaterfallLogicConfiguration)
class WaterfallLogicConfigurationAdmin(
    ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin
):
    list_display = (
        "waterfall_id",
        "waterfall_type",
        "currency",
        "priority_level",
        "entity_type",
        "nav_type",
    )
    list_filter = ("waterfall_type", "currency", "entity_type", "nav_type")
    search_fields = ("=waterfall_id", "waterfall_type", "entity_type", "currency__currency_code")
    list_select_related = ("currency",)


@admin.register(InstructionEventConfig)
class InstructionEventConfigAdmin(ConfigurationAdminMixin, WritableSourceMixin, SimpleHistoryAdmin):
    list_display = (
        "config_id",
        "booking_model",
        "instruction_event",
        "nav_type",
        "currency_type",
        "hedging_instrument",
        "accounting_method",
        "deal_count",
        "gl_entry_count",
    )
    list_filter = ("nav_type", "currency_type")
    search_fields = ("=config_id", "booking_model", "hedging_instrument", "accounting_method")


@admin.register(CurrencyRate)
class CurrencyRateAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = ("rate_id", "currency_pair", "rate_type", "rate_value", "effective_date")
    list_filter = ("rate_type", "currency_pair", "effective_date")
    search_fields = ("=rate_id", "currency_pair")
    date_hierarchy = "effective_date"

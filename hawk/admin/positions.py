"""Admin for positions (SFX), allocations and hedge effectiveness tests."""

from django.contrib import admin

from hawk.admin.columns import amount_column
from hawk.admin.configuration import ConfigurationAdminMixin
from hawk.admin.read_only import WritableSourceMixin
from hawk.models import Allocation, HedgeEffectiveness, PositionNav


@admin.register(PositionNav)
class PositionNavAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "nav_id",
        "entity",
        "currency",
        "as_of_date",
        "nav_type",
        "position_type",
        amount_column("current_position", "SFX position"),
        amount_column("coi_amount", "COI amount"),
        amount_column("re_amount", "RE amount"),
        amount_column("optimal_car_amount", "optimal CAR amount"),
        "data_quality_status",
    )
    list_filter = (
        "currency",
        "entity__entity_type",
        "nav_type",
        "position_type",
        "data_quality_status",
        "as_of_date",
    )
    search_fields = ("=nav_id", "entity__entity_id", "entity__entity_name")
    date_hierarchy = "as_of_date"
    list_select_related = ("entity", "currency")
    autocomplete_fields = ("entity",)


@admin.register(Allocation)
class AllocationAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "allocation_id",
        "request_id",
        "entity",
        "currency",
        "nav_type",
        amount_column("hedge_amount_allocation", "allocated amount"),
        "allocation_status",
        "execution_date",
        "maturity_date",
    )
    list_filter = (
        "allocation_status",
        "currency",
        "entity__entity_type",
        "nav_type",
        "execution_date",
        "maturity_date",
    )
    search_fields = (
        "=allocation_id",
        "entity__entity_id",
        "entity__entity_name",
        "=request_id",
    )
    list_select_related = ("entity", "currency")
    autocomplete_fields = ("entity",)


@admin.register(HedgeEffectiveness)
class HedgeEffectivenessAdmin(ConfigurationAdminMixin, WritableSourceMixin, admin.ModelAdmin):
    list_display = (
        "effectiveness_id",
        "hedge_relationship_id",
        "entity_id",
        "currency_code",
        "nav_type",
        "measurement_date",
        "testing_method",
        amount_column("hedged_item_change"),
        amount_column("instrument_change"),
        "effectiveness_ratio",
        "effectiveness_status",
    )
    list_filter = ("effectiveness_status", "testing_method", "currency_code", "measurement_date")
    search_fields = (
        "=effectiveness_id",
        "=hedge_relationship_id",
        "=allocation_id",
        "entity_id",
    )
    date_hierarchy = "measurement_date"

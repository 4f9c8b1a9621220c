"""The hedge resources of `/api/hedge/<resource>/`: which table each is, and whether the API
may write it. Everything else (filters, columns, row shape) follows from the model, so a
resource is one line here, not a viewset of its own."""

from dataclasses import dataclass
from functools import cached_property

from django.db import models

from hawk import models as hawk
from hawk.bundles.tables import columns_of

# Columns people filter by (API.md "Hedge data"), where a table has them; status columns
# (`*_status`) and date ranges (`<date>_from` / `<date>_to`) are added for every table.
FILTER_COLUMNS = (
    "currency_code", "entity_id", "entity_type", "nav_type", "exposure_currency",
    "currency_pair", "rate_type", "currency_type", "threshold_type", "waterfall_type",
    "framework_type", "instruction_type", "business_event_type", "deal_type", "entry_type",
    "order_id", "request_id", "instruction_id", "event_id", "allocation_id", "active_flag",
)  # fmt: skip


@dataclass(frozen=True)
class HedgeResource:
    name: str  # the URL segment
    model: type[models.Model]
    writable: bool = False  # configuration tables: operations and admin may write

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @cached_property
    def columns(self) -> dict[str, models.Field]:
        return columns_of(self.model)

    @cached_property
    def filters(self) -> dict[str, models.Field]:
        """Exact-match filters by query parameter (the column name)."""
        return {
            column: field
            for column, field in self.columns.items()
            if column in FILTER_COLUMNS or column.endswith("_status")
        }

    @cached_property
    def date_ranges(self) -> dict[str, models.Field]:
        """Range filters: `<column>_from` / `<column>_to` for every date column."""
        return {
            column: field
            for column, field in self.columns.items()
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        }

    @property
    def audited(self) -> bool:
        return hasattr(self.model, "history")


RESOURCES: dict[str, HedgeResource] = {
    resource.name: resource
    for resource in (
        HedgeResource("currencies", hawk.Currency, writable=True),
        HedgeResource("entities", hawk.Entity, writable=True),
        HedgeResource("frameworks", hawk.HedgingFramework, writable=True),
        HedgeResource("buffers", hawk.BufferConfiguration, writable=True),
        HedgeResource("overlays", hawk.OverlayConfiguration, writable=True),
        HedgeResource("thresholds", hawk.ThresholdConfiguration, writable=True),
        HedgeResource("waterfall", hawk.WaterfallLogicConfiguration, writable=True),
        HedgeResource("positions", hawk.PositionNav),
        HedgeResource("allocations", hawk.Allocation),
        HedgeResource("rates", hawk.CurrencyRate),
        HedgeResource("instructions", hawk.HedgeInstruction),
        HedgeResource("events", hawk.HedgeBusinessEvent),
        HedgeResource("deals", hawk.DealBooking),
        HedgeResource("gl-entries", hawk.GlEntry),
        HedgeResource("effectiveness", hawk.HedgeEffectiveness),
    )
}

"""The bundle's tables: which models a bundle carries, in the order they must be loaded."""

from django.db import models

from hawk import models as hawk
from hawk.database.schema import DATERANGE_COLUMNS
from hawk.models.fields import KnownValuesField

BUNDLE_FORMAT = "hawk-bundle/1"

# Referenced tables come before the tables that reference them, so loading in this order and
# deleting in the reverse order never meets a missing or still-referenced row.
LOAD_ORDER: tuple[type[models.Model], ...] = (
    hawk.Currency,
    hawk.Entity,
    hawk.HedgingFramework,
    hawk.BufferConfiguration,
    hawk.OverlayConfiguration,
    hawk.ThresholdConfiguration,
    hawk.WaterfallLogicConfiguration,
    hawk.InstructionEventConfig,
    hawk.CurrencyRate,
    hawk.PositionNav,
    hawk.HedgeInstruction,
    hawk.Allocation,
    hawk.HedgeEffectiveness,
    hawk.HedgeBusinessEvent,
    hawk.DealBooking,
    hawk.GlEntry,
)

MODEL_OF_TABLE: dict[str, type[models.Model]] = {
    model._meta.db_table: model for model in LOAD_ORDER
}
TABLE_NAMES: tuple[str, ...] = tuple(MODEL_OF_TABLE)


def table_name(model: type[models.Model]) -> str:
    return model._meta.db_table


def columns_of(model: type[models.Model]) -> dict[str, models.Field]:
    """The model's fields by bundle column name (the DB column, e.g. `currency_code`)."""
    return {field.column: field for field in model._meta.concrete_fields}


def is_required(field: models.Field) -> bool:
    """A column every row must carry: it has no default and no null (a text id has a default:
    the next one in the table's style)."""
    return not field.null and not field.has_default()


def is_daterange(field: models.Field) -> bool:
    return (field.model._meta.db_table, field.column) in DATERANGE_COLUMNS


def known_value_fields(model: type[models.Model]) -> list[KnownValuesField]:
    """Free-text columns (statuses, types) whose choices are the values the product knows."""
    return [field for field in model._meta.concrete_fields if isinstance(field, KnownValuesField)]


def references_of(model: type[models.Model]) -> list[models.ForeignKey]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.ForeignKey)]


def referencing_fields(model: type[models.Model]) -> list[models.ForeignKey]:
    """Every foreign key, in any installed app, that points at this model."""
    return [
        relation.field
        for relation in model._meta.related_objects
        if isinstance(relation.field, models.ForeignKey) and relation.field.concrete
    ]

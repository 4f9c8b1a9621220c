"""The bundle's tables: which models a bundle carries, in the order they must be loaded."""

from django.db import models

from hawk import models as hawk

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
    """A column every row must carry: it has no default, no null and no database value."""
    if field.primary_key and isinstance(field, models.AutoField):
        return False
    return not field.null and not field.has_default()


def references_of(model: type[models.Model]) -> list[models.ForeignKey]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.ForeignKey)]


def referencing_fields(model: type[models.Model]) -> list[models.ForeignKey]:
    """Every foreign key, in any installed app, that points at this model."""
    return [
        relation.field
        for relation in model._meta.related_objects
        if isinstance(relation.field, models.ForeignKey) and relation.field.concrete
    ]

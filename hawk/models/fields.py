"""Column types shared by the HAWK tables, so types match HAWK_SCHEMA.md everywhere.

HAWK_SCHEMA.md is the database as it exists: ids are text, flags are char Y/N except where the
HAWK database has bool, amounts numeric. Columns the product does not use yet are nullable, so
a row exported from the HAWK database loads as it is and exports back without loss.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BaseConstraint

from hawk.datacache.invalidation import TrackedManager
from hawk.models.ids import next_id
from hawk.models.rules import rule_problems


class YesNo(models.TextChoices):
    YES = "Y", "Yes"
    NO = "N", "No"


class NavType(models.TextChoices):
    COI = "COI", "Cost of investment"
    RE = "RE", "Retained earnings"


class EntityType(models.TextChoices):
    BRANCH = "Branch"
    SUBSIDIARY = "Subsidiary"
    ASSOCIATE = "Associate"
    TMU = "TMU", "TMU"


class CurrencyType(models.TextChoices):
    MATCHED = "Matched"
    MISMATCHED = "Mismatched"
    MISMATCHED_WITH_PROXY = "Mismatched_with_Proxy", "Mismatched with proxy"


class HawkIdField(models.CharField):
    """A text primary key in the table's own style (`NAV-00001`): a prefix and a sequence.

    Rows created without one (the admin, the API, a bundle row without an id) get the next id
    when they are first written; ids loaded from the HAWK database are kept as they are."""

    def __init__(self, *args: Any, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["prefix"] = self.prefix
        return name, path, args, kwargs

    def get_pk_value_on_save(self, instance: models.Model) -> str:
        return next_id(type(instance), self.prefix)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if add and not value and self.primary_key:
            value = next_id(type(model_instance), self.prefix)
            setattr(model_instance, self.attname, value)
        return value


class KnownValuesField(models.CharField):
    """Free text in the HAWK database (statuses, types) with the values the product knows as
    its choices: forms offer those, while an import keeps an unknown value and warns."""


def hawk_id(prefix: str) -> HawkIdField:
    # blank: the admin may leave it empty and one is generated; default None marks a new row.
    return HawkIdField(prefix=prefix, primary_key=True, blank=True, default=None)


def text(max_length: int = 100, **kwargs: Any) -> models.CharField:
    """A HAWK varchar the product does not require: nullable."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.CharField(max_length=max_length, **kwargs)


def long_text(**kwargs: Any) -> models.TextField:
    return models.TextField(null=True, blank=True, **kwargs)


def known(choices: Any, max_length: int = 40, **kwargs: Any) -> KnownValuesField:
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return KnownValuesField(max_length=max_length, choices=choices, **kwargs)


def amount(**kwargs: Any) -> models.DecimalField:
    """Money: Decimal(24, 4)."""
    return models.DecimalField(max_digits=24, decimal_places=4, **kwargs)


def optional_amount() -> models.DecimalField:
    return amount(null=True, blank=True)


def percentage(**kwargs: Any) -> models.DecimalField:
    """Percent as a number: 5 means 5%. Decimal(9, 4)."""
    return models.DecimalField(max_digits=9, decimal_places=4, **kwargs)


def rate(**kwargs: Any) -> models.DecimalField:
    """FX rates and ratios: Decimal(18, 10)."""
    return models.DecimalField(max_digits=18, decimal_places=10, **kwargs)


def flag(default: str | None = YesNo.YES) -> models.CharField:
    """A char Y/N flag (HAWK's `char`); imports also accept true/false, t/f and 1/0."""
    return models.CharField(
        max_length=1, choices=YesNo.choices, default=default, null=True, blank=True
    )


def boolean(default: bool | None = None) -> models.BooleanField:
    """A HAWK `bool` column."""
    return models.BooleanField(null=True, blank=True, default=default)


def day() -> models.DateField:
    return models.DateField(null=True, blank=True)


def stamp() -> models.DateTimeField:
    """A HAWK `timestamp` (without time zone): stored as UTC, exported without a zone."""
    return models.DateTimeField(null=True, blank=True)


def time_of_day() -> models.TimeField:
    return models.TimeField(null=True, blank=True)


def whole(**kwargs: Any) -> models.IntegerField:
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.IntegerField(**kwargs)


def document() -> models.JSONField:
    """A HAWK `jsonb` column."""
    return models.JSONField(null=True, blank=True)


def nav_type(**kwargs: Any) -> KnownValuesField:
    return known(NavType.choices, max_length=20, **kwargs)


class HawkTable(models.Model):
    """Base of the HAWK tables: their bulk writes bump cache generations (datacache). Their
    check constraints are judged by clean() with messages naming the values (hawk.models.rules)
    rather than by Django's constraint validation, which names the constraint."""

    objects = TrackedManager()

    class Meta:
        abstract = True

    def get_constraints(self) -> list[tuple[type[models.Model], Sequence[BaseConstraint]]]:
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    def clean(self) -> None:
        super().clean()
        if problems := rule_problems(self):
            raise ValidationError(problems)


# Check constraints of configuration rows: the database refuses nonsense, and the importer
# (hawk.bundles.constraints) judges the same rules before writing, naming the first column.
# A NULL passes, as in SQL: an absent limit is no limit.


def not_negative(table: str, *columns: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{column}__gte": 0}), name=f"{table}_{column}_not_negative"
        )
        for column in columns
    ]


def at_most(table: str, low: str, high: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{low}__lte": models.F(high)}), name=f"{table}_{low}_at_most_{high}"
    )


def expiry_not_before_effective(table: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(expiry_date__gte=models.F("effective_date")),
        name=f"{table}_expiry_not_before_effective",
    )

"""Column types shared by the HAWK tables, so precision is the same everywhere (DOMAIN.md)."""

from django.db import models

from hawk.datacache.invalidation import TrackedManager


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
    TMU = "TMU"


class CurrencyType(models.TextChoices):
    MATCHED = "Matched"
    MISMATCHED = "Mismatched"
    MISMATCHED_WITH_PROXY = "Mismatched_with_Proxy"


def amount(**kwargs) -> models.DecimalField:
    """Money: Decimal(24, 4)."""
    return models.DecimalField(max_digits=24, decimal_places=4, **kwargs)


def percentage(**kwargs) -> models.DecimalField:
    """Percent as a number: 5 means 5%. Decimal(9, 4)."""
    return models.DecimalField(max_digits=9, decimal_places=4, **kwargs)


def rate(**kwargs) -> models.DecimalField:
    """FX rates and ratios: Decimal(18, 10)."""
    return models.DecimalField(max_digits=18, decimal_places=10, **kwargs)


def flag(default: str = YesNo.YES) -> models.CharField:
    return models.CharField(max_length=1, choices=YesNo.choices, default=default)


def nav_type(**kwargs) -> models.CharField:
    return models.CharField(max_length=3, choices=NavType.choices, **kwargs)


class HawkTable(models.Model):
    """Base of the HAWK tables: their bulk writes bump cache generations (datacache)."""

    objects = TrackedManager()

    class Meta:
        abstract = True

"""Which database holds which table. The HAWK platform's tables (HAWK_SCHEMA.md) live in the
platform's own Postgres in live mode (`HAWK_DATABASE_URL`, alias `hawk`), else beside the
product's own tables in `DATABASE_URL`; the product's tables (runs, templates, experiments,
users, tokens, audit history, business date, cache statistics) are always in `default`, and
nothing is ever migrated into the platform's database."""

from typing import Any

from django.conf import settings
from django.db import models

from hawk.database.replicas import is_replica, routed

HAWK_ALIAS = "hawk"

# The platform's tables that the product has models of (HAWK_SCHEMA.md).
HAWK_TABLES = frozenset(
    {
        "allocation_engine",
        "buffer_configuration",
        "currency_configuration",
        "currency_rates",
        "deal_bookings",
        "entity_master",
        "gl_entries",
        "hedge_business_events",
        "hedge_effectiveness",
        "hedge_instructions",
        "hedging_framework",
        "instruction_event_config",
        "overlay_configuration",
        "position_nav_master",
        "threshold_configuration",
        "waterfall_logic_configuration",
    }
)


def live_mode() -> bool:
    return bool(settings.HAWK_DATABASE_URL)


def hawk_alias() -> str:
    """The database alias that holds the HAWK tables."""
    return HAWK_ALIAS if live_mode() else "default"


def hawk_table_alias(table: str) -> str:
    """The (primary) database alias that holds `table`."""
    return hawk_alias() if table in HAWK_TABLES else "default"


def is_hawk_model(model: type[models.Model]) -> bool:
    return model._meta.db_table in HAWK_TABLES


class HawkRouter:
    """HAWK tables to `hawk` in live mode; everything else, and every migration, to default.
    A read goes to a replica only where the caller chose one (hawk.database.replicas)."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        primary = self.db_for_write(model)
        chosen = routed(primary or "default")
        return chosen if chosen != (primary or "default") else primary

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return HAWK_ALIAS if live_mode() and is_hawk_model(model) else None

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool | None:
        # The HAWK tables refer to each other by text ids, and audit history refers to them
        # only by those ids too: a relation across the two databases is never a foreign key.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != HAWK_ALIAS and not is_replica(db)

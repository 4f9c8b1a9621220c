"""Towards HAWK_SCHEMA.md, part 3: ids in each table's own style, and data the new columns need.

Ids that were numbers (the product numbered rows itself before) become PREFIX-00001, and every
text reference to them follows; ids that are already text are left alone. Effectiveness tests
take their entity, currency and NAV type from the allocation they test, and currency rates keep
the day of what was a timestamp.
"""

from django.db import migrations

WIDTH = 5

# table, id column, prefix, [(referencing table, referencing column), ...]
ID_STYLES = [
    (
        "hedging_framework",
        "framework_id",
        "FW",
        [("hawk_historicalhedgingframework", "framework_id")],
    ),
    (
        "buffer_configuration",
        "buffer_rule_id",
        "BUF",
        [("hawk_historicalbufferconfiguration", "buffer_rule_id")],
    ),
    (
        "overlay_configuration",
        "overlay_id",
        "OVL",
        [("hawk_historicaloverlayconfiguration", "overlay_id")],
    ),
    (
        "threshold_configuration",
        "threshold_id",
        "THR",
        [("hawk_historicalthresholdconfiguration", "threshold_id")],
    ),
    (
        "waterfall_logic_configuration",
        "waterfall_id",
        "WF",
        [("hawk_historicalwaterfalllogicconfiguration", "waterfall_id")],
    ),
    (
        "instruction_event_config",
        "config_id",
        "CFG",
        [("hawk_historicalinstructioneventconfig", "config_id")],
    ),
    ("currency_rates", "rate_id", "RATE", []),
    ("position_nav_master", "nav_id", "NAV", []),
    (
        "hedge_instructions",
        "instruction_id",
        "INS",
        [("allocation_engine", "request_id"), ("hedge_business_events", "instruction_id")],
    ),
    ("allocation_engine", "allocation_id", "ALLOC", [("hedge_effectiveness", "allocation_id")]),
    ("hedge_effectiveness", "effectiveness_id", "EFF", []),
    (
        "hedge_business_events",
        "event_id",
        "EVT",
        [("deal_bookings", "event_id"), ("gl_entries", "event_id")],
    ),
    ("deal_bookings", "deal_booking_id", "DEAL", []),
    ("gl_entries", "gl_entry_id", "GL", []),
]


def _styled(prefix: str, number: str) -> str:
    return f"{prefix}-{int(number):0{WIDTH}d}"


def restyle_ids(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, column, prefix, references in ID_STYLES:
            cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")
            numbered = [key for (key,) in cursor.fetchall() if str(key).isdigit()]
            for key in numbered:
                new = _styled(prefix, key)
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(column)} = %s",
                    [new, key],
                )
                for other_table, other_column in references:
                    if other_table not in existing:
                        continue
                    cursor.execute(
                        f"UPDATE {quote(other_table)} SET {quote(other_column)} = %s "
                        f"WHERE {quote(other_column)} = %s",
                        [new, key],
                    )
            if numbered:
                highest = max(int(key) for key in numbered)
                cursor.execute(
                    "INSERT INTO hawk_id_sequence (table_name, last_value) VALUES (%s, %s)",
                    [table, highest],
                )


def effectiveness_scope_from_allocations(apps, schema_editor):
    Allocation = apps.get_model("hawk", "Allocation")
    HedgeEffectiveness = apps.get_model("hawk", "HedgeEffectiveness")
    scope = {
        key: (entity, currency, nav)
        for key, entity, currency, nav in Allocation.objects.values_list(
            "allocation_id", "entity_id", "currency_id", "nav_type"
        )
    }
    for test in HedgeEffectiveness.objects.filter(allocation_id__isnull=False):
        if test.allocation_id in scope:
            test.entity_id, test.currency_code, test.nav_type = scope[test.allocation_id]
            test.save(update_fields=["entity_id", "currency_code", "nav_type"])


def rate_days(apps, schema_editor):
    """SQLite keeps the text of a former timestamp ('2026-11-20 08:00:00'); keep its day."""
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("UPDATE currency_rates SET effective_date = substr(effective_date, 1, 10)")


class Migration(migrations.Migration):
    dependencies = [("hawk", "0004_hawk_schema_columns")]

    operations = [
        migrations.RunPython(effectiveness_scope_from_allocations, migrations.RunPython.noop),
        migrations.RunPython(rate_days, migrations.RunPython.noop),
        migrations.RunPython(restyle_ids, migrations.RunPython.noop),
    ]

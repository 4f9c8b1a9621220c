"""Towards HAWK_SCHEMA.md, part 1: renames and references the HAWK database keeps as text.

References the HAWK database does not enforce become plain text columns (same column names,
values kept), renamed columns keep their data, and Y/N in currency_configuration.active_flag
becomes the boolean the HAWK database has. Part 2 (0004) adds the remaining columns and makes
the ids text; part 3 (0005) renumbers the ids in each table's own style.
"""

from django.db import migrations, models


def _text(column: str, max_length: int = 50) -> models.CharField:
    return models.CharField(max_length=max_length, null=True, blank=True, db_column=column)


def _reference_to_text(model: str, name: str, column: str, new_name: str, max_length: int = 50):
    return [
        migrations.AlterField(model, name, _text(column, max_length)),
        migrations.RenameField(model, name, new_name),
    ]


def currency_flags_to_boolean(apps, schema_editor):
    Currency = apps.get_model("hawk", "Currency")
    for code, flag in Currency.objects.values_list("currency_code", "active_flag"):
        Currency.objects.filter(pk=code).update(active_flag_bool=(flag or "Y").upper() == "Y")
    Currency.objects.filter(proxy_currency="").update(proxy_currency=None)


def currency_flags_to_text(apps, schema_editor):
    Currency = apps.get_model("hawk", "Currency")
    Currency.objects.filter(active_flag_bool=True).update(active_flag="Y")
    Currency.objects.filter(active_flag_bool=False).update(active_flag="N")
    Currency.objects.filter(proxy_currency=None).update(proxy_currency="")


class Migration(migrations.Migration):
    dependencies = [("hawk", "0002_roles")]

    operations = [
        # currency_configuration
        migrations.RenameField("currency", "min_deal_size", "minimum_deal_size"),
        migrations.AlterField(
            "currency", "proxy_currency", models.CharField(max_length=3, null=True, blank=True)
        ),
        migrations.AddField("currency", "active_flag_bool", models.BooleanField(null=True)),
        migrations.RunPython(currency_flags_to_boolean, currency_flags_to_text),
        migrations.RemoveField("currency", "active_flag"),
        migrations.RenameField("currency", "active_flag_bool", "active_flag"),
        migrations.AlterField(
            "historicalcurrency",
            "min_deal_size",
            models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True),
        ),
        migrations.RenameField("historicalcurrency", "min_deal_size", "minimum_deal_size"),
        migrations.RemoveField("historicalcurrency", "active_flag"),
        migrations.AddField("historicalcurrency", "active_flag", models.BooleanField(null=True)),
        # entity_master
        *_reference_to_text("entity", "parent_entity", "parent_entity_id", "parent_entity_id"),
        migrations.AlterField("historicalentity", "parent_entity", _text("parent_entity_id")),
        migrations.RenameField("historicalentity", "parent_entity", "parent_entity_id"),
        # hedging_framework
        migrations.RemoveConstraint("hedgingframework", "framework_effectiveness_range"),
        migrations.RenameField(
            "hedgingframework", "effectiveness_lower", "effectiveness_threshold_lower"
        ),
        migrations.RenameField(
            "hedgingframework", "effectiveness_upper", "effectiveness_threshold_upper"
        ),
        migrations.RenameField(
            "historicalhedgingframework", "effectiveness_lower", "effectiveness_threshold_lower"
        ),
        migrations.RenameField(
            "historicalhedgingframework", "effectiveness_upper", "effectiveness_threshold_upper"
        ),
        # allocation_engine
        *_reference_to_text("allocation", "request", "request_id", "request_id"),
        # hedge_effectiveness
        migrations.RemoveIndex("hedgeeffectiveness", "hedge_effec_test_da_6e8d78_idx"),
        migrations.RenameField("hedgeeffectiveness", "test_id", "effectiveness_id"),
        migrations.RenameField("hedgeeffectiveness", "test_date", "measurement_date"),
        migrations.RenameField("hedgeeffectiveness", "method", "testing_method"),
        migrations.RenameField("hedgeeffectiveness", "ratio", "effectiveness_ratio"),
        migrations.RenameField("hedgeeffectiveness", "result", "effectiveness_status"),
        *_reference_to_text("hedgeeffectiveness", "allocation", "allocation_id", "allocation_id"),
        # hedge_instructions
        *_reference_to_text("hedgeinstruction", "entity", "entity_id", "entity_id"),
        # hedge_business_events
        migrations.RemoveIndex("hedgebusinessevent", "hedge_busin_currenc_0f977d_idx"),
        *_reference_to_text(
            "hedgebusinessevent", "instruction", "instruction_id", "instruction_id"
        ),
        *_reference_to_text("hedgebusinessevent", "entity", "entity_id", "entity_id"),
        *_reference_to_text("hedgebusinessevent", "currency", "currency_code", "currency_code", 3),
        # deal_bookings
        migrations.RemoveConstraint("dealbooking", "one_deal_per_sequence"),
        *_reference_to_text("dealbooking", "event", "event_id", "event_id"),
        # gl_entries
        *_reference_to_text("glentry", "event", "event_id", "event_id"),
        *_reference_to_text("glentry", "entity", "entity_id", "entity_id"),
    ]

"""The role groups' permissions on the hedge tables (OPERATIONS.md "Security"): every role
views them; operations and admin add, change and delete the configuration tables."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HEDGE_TABLES = (
    "currency", "entity", "hedgingframework", "bufferconfiguration", "overlayconfiguration",
    "thresholdconfiguration", "waterfalllogicconfiguration", "positionnav", "allocation",
    "currencyrate", "hedgeinstruction", "hedgebusinessevent", "dealbooking", "glentry",
    "hedgeeffectiveness",
)  # fmt: skip
CONFIGURATION_TABLES = HEDGE_TABLES[:7]
READERS = ("viewer", "analyst", "operations", "admin")
WRITERS = ("operations", "admin")


def _codenames(actions, tables):
    return [f"{action}_{table}" for action in actions for table in tables]


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; create them now to assign them.
    app_config = apps.get_app_config("hawk")
    app_config.models_module = True  # a migration's app config stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hawk = Permission.objects.filter(content_type__app_label="hawk")
    view = list(hawk.filter(codename__in=_codenames(("view",), HEDGE_TABLES)))
    write = list(
        hawk.filter(codename__in=_codenames(("add", "change", "delete"), CONFIGURATION_TABLES))
    )
    for name in READERS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*view)
        if name in WRITERS:
            group.permissions.add(*write)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = _codenames(("view", "add", "change", "delete"), HEDGE_TABLES)
    granted = Permission.objects.filter(content_type__app_label="hawk", codename__in=codenames)
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.remove(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("hawk", "0006_agent_run_experiment_variant"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

"""Run history in the admin for the groups that see everyone's runs (docs/api.md "Roles"):
admin and operations get hawk.view_agentrun (superusers had it; group members did not)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("operations", "admin")


def _view_agentrun(apps):
    app_config = apps.get_app_config("hawk")
    app_config.models_module = True  # a migration's app config stub lacks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="hawk", codename="view_agentrun")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _view_agentrun(apps)
    for name in GROUPS:
        Group.objects.get_or_create(name=name)[0].permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _view_agentrun(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("hawk", "0012_agent_run_heartbeat")]

    operations = [migrations.RunPython(grant, revoke)]

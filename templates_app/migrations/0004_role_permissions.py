"""The role groups get real Django permissions on the templates app (OPERATIONS.md roles).

viewer reads templates and experiments; analyst adds, changes and reads them and runs prompts;
operations reads templates and runs prompts (configuration, cache and thresholds are granted by
the hawk app's own migration); admin holds every permission of this app. Archiving is a change,
so deleting stays with admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view_prompttemplate", "view_templateversion", "view_experiment", "view_variant"]
EDIT = [
    "add_prompttemplate", "change_prompttemplate",
    "add_experiment", "change_experiment",
    "add_variant", "change_variant", "delete_variant",
]
GRANTS = {
    "viewer": READ,
    "analyst": [*READ, *EDIT, "run_prompts"],
    "operations": ["view_prompttemplate", "view_templateversion", "run_prompts"],
}


def grant(apps, schema_editor):
    # Permissions are created by post_migrate, after every migration: on a fresh database they
    # do not exist yet at this point, so create this app's now.
    app_config = apps.get_app_config("templates_app")
    app_config.models_module = getattr(app_config, "models_module", None) or True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="templates_app")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*ours.filter(codename__in=codenames))
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.add(*ours)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="templates_app")
    for group in Group.objects.filter(name__in=[*GRANTS, "admin"]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("templates_app", "0003_prompt_template_uuid_unique"),
        ("hawk", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

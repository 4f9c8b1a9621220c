"""What every bench database holds: the schema, the demo bundle and an analyst with a token."""

import os


def demo_with_analyst() -> str:
    """Set Django up from the environment (DATABASE_URL, REDIS_URL), migrate, load the demo
    bundle and make the analyst `bench-analyst`; returns its API token."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hawk.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from hawk.management.commands.bootstrap_local import DEMO_BUNDLE

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_hedge_data", str(DEMO_BUNDLE), "--replace", stdout=quiet)
    user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
    user.groups.add(Group.objects.get_or_create(name="analyst")[0])
    return Token.objects.get_or_create(user=user)[0].key

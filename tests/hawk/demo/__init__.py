"""The committed demo bundle, loaded for tests that quote its numbers."""

from django.core.management import call_command

from hawk.management.commands.bootstrap_local import DEMO_BUNDLE


def load_demo_data() -> None:
    call_command("import_hedge_data", str(DEMO_BUNDLE), "--replace", verbosity=0)

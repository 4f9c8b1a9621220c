"""First-start set-up for `make run`: demo data, prompt templates and a local admin account.

Idempotent: each step runs only when its data is missing, so later starts keep local edits.
"""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from hawk.models import Currency
from hawk.web.roles import ADMIN
from templates_app.models import PromptTemplate

DEMO_BUNDLE = Path(__file__).resolve().parents[2] / "demo" / "demo_bundle.json"
ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Load the demo data and templates and create a local admin on first start."

    def handle(self, *args: object, **options: object) -> None:
        if not Currency.objects.exists():
            self.stdout.write("Loading the demo hedge data ...")
            call_command("import_hedge_data", str(DEMO_BUNDLE), stdout=self.stdout)
        if not PromptTemplate.objects.exists():
            self.stdout.write("Loading the demo prompt templates ...")
            call_command("load_prompt_templates", stdout=self.stdout)
        self._create_admin()

    def _create_admin(self) -> None:
        users = get_user_model().objects
        if users.filter(username=ADMIN_USERNAME).exists():
            return
        password = secrets.token_urlsafe(12)
        user = users.create_superuser(ADMIN_USERNAME, email="", password=password)
        user.groups.add(Group.objects.get(name=ADMIN))
        token = Token.objects.create(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                "\nLocal admin created (shown this once; change it in /admin/):\n"
                f"  user:     {ADMIN_USERNAME}\n"
                f"  password: {password}\n"
                f"  API:      Authorization: Token {token.key}\n"
            )
        )

"""`manage.py check_hawk_database`: the HAWK tables of the database that holds them against the
models (HAWK_SCHEMA.md), as live mode checks them at start-up; exit 1 naming each problem."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hawk.database.routers import hawk_alias
from hawk.database.schema import schema_problems


class Command(BaseCommand):
    help = "Compare the HAWK tables' columns and types with the models; name every difference."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = schema_problems()
        if problems:
            raise CommandError(
                "the HAWK database does not match the models:\n  " + "\n  ".join(problems)
            )
        self.stdout.write(f"the HAWK tables of database {hawk_alias()!r} match the models")

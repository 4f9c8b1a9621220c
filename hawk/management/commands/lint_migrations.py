"""`manage.py lint_migrations`: refuse destructive migration steps without a two-phase plan
(expand/contract; hawk.database.migration_rules). Needs no database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hawk.database.migration_rules import lint_migrations


class Command(BaseCommand):
    help = (
        "Fail when a migration removes, renames or narrows what the previous release's code "
        "uses, unless it is marked as the contract phase of a plan (contract_of)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = lint_migrations()
        if problems:
            listed = "\n".join(f"  {problem}" for problem in problems)
            raise CommandError(
                "destructive migration steps without a two-phase plan (expand, then a "
                f"migration with contract_of in a later release):\n{listed}"
            )
        self.stdout.write("migrations: expand/contract respected")

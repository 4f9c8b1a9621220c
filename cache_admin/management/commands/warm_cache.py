"""`manage.py warm_cache [--limit N]`: warm the data of the most asked plans."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cache_admin.warming import cache_warm


class Command(BaseCommand):
    help = "Warm the data cache with the most used templates and currencies of prompt history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=20, help="how many plans (default 20)")

    def handle(self, *args: Any, **options: Any) -> None:
        result = cache_warm(limit=options["limit"])
        for entry in result["warmed"]:
            plan = f"{entry['intent']} {entry['currency'] or '-'}"
            template = entry["template_id"] or "-"
            sources = len(entry["sources"])
            self.stdout.write(
                f"{plan} template={template} ({entry['runs']} runs): "
                f"{sources} sources, was {entry['cache']}"
            )
        self.stdout.write(f"warmed {len(result['warmed'])} plan(s)")

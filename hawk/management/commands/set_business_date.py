"""`manage.py set_business_date YYYY-MM-DD` (or `--clear` for today): the date facts are
computed for. Stored in the product's own database (never the HAWK database); the write bumps
the table's cache generation, so the next run uses the new date in every worker."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hawk.models import BusinessDate


class Command(BaseCommand):
    help = "Set the business date (YYYY-MM-DD), or --clear it (today, UTC, from then on)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("date", nargs="?", help="the business date, YYYY-MM-DD")
        parser.add_argument("--clear", action="store_true", help="use today's date again")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clear"] == bool(options["date"]):
            raise CommandError("give either a date (YYYY-MM-DD) or --clear")
        if options["clear"]:
            BusinessDate.objects.filter(singleton=1).delete()
        else:
            BusinessDate.set(parsed_date(options["date"]))
        stored = BusinessDate.stored()
        source = "set" if stored else "today, none set"
        self.stdout.write(f"business date: {BusinessDate.current().isoformat()} ({source})")


def parsed_date(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text!r}") from None

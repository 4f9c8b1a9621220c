"""`manage.py export_hedge_data PATH`: write every HAWK table as a data bundle."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hawk.bundles.export import export_bundle


class Command(BaseCommand):
    help = (
        "Write the HAWK tables as a data bundle: PATH ending in .json gives one JSON file, "
        "any other PATH a folder of <table>.csv files with manifest.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="bundle .json file or folder to write")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = export_bundle(options["path"])
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} rows")

"""`manage.py import_hedge_data PATH [--replace]`: load a data bundle, all of it or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hawk.bundles.errors import BundleReadError, BundleRejected
from hawk.bundles.load import load_bundle
from hawk.bundles.reader import read_bundle
from hawk.bundles.validate import validate_bundle


class Command(BaseCommand):
    help = (
        "Load a HAWK data bundle (a .json file, or a folder of <table>.csv files as written by "
        "COPY ... CSV HEADER). Every row is validated first; on any error nothing is written "
        "and every error is listed. Values the product does not know (a status, a type) are "
        "loaded as they are and listed as warnings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="bundle .json file or folder of CSVs")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty the bundle's tables first (default: upsert rows by primary key)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        replace = options["replace"]
        try:
            bundle = validate_bundle(read_bundle(options["path"]), replace=replace)
            counts = load_bundle(bundle, replace=replace)
        except BundleReadError as exc:
            raise CommandError(str(exc)) from None
        except BundleRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(str(rejected)) from None
        for warning in bundle.warnings:
            self.stderr.write(f"warning: {warning}")
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count} rows")
        if bundle.business_date is not None:
            self.stdout.write(f"business date: {bundle.business_date.isoformat()}")
        if bundle.warnings:
            self.stdout.write(
                f"{len(bundle.warnings)} warning(s); those rows were loaded as they are"
            )

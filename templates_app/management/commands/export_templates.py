"""`manage.py export_templates PATH`: every prompt template as JSON rows with its uuid id."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from templates_app.transfer import template_rows


class Command(BaseCommand):
    help = "Write every prompt template, with its uuid id, to a JSON file (import_templates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = template_rows()
        text = json.dumps(rows, indent=2, ensure_ascii=False)
        options["path"].write_text(text + "\n", encoding="utf-8")
        self.stdout.write(f"{len(rows)} templates written to {options['path']}")

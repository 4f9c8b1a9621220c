"""`manage.py import_templates PATH`: create or update templates by their uuid id, all or
nothing; a changed template gets a new version."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from templates_app.transfer import templates_import


class Command(BaseCommand):
    help = "Import prompt templates (export_templates' JSON, or HAWK prompt_templates rows)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        if not isinstance(rows, list):
            raise CommandError(f"{path} must hold a JSON list of templates")
        result = templates_import(rows=rows)
        if "problems" in result:
            listed = "\n".join(f"  - {problem}" for problem in result["problems"])
            raise CommandError(f"{len(result['problems'])} problem(s); nothing imported:\n{listed}")
        self.stdout.write(
            f"{len(rows)} templates from {path}: {result['created']} created, "
            f"{result['updated']} updated, {result['unchanged']} unchanged"
        )

"""`manage.py install_change_feed`: install the change feed in the database that holds the HAWK
tables (the HAWK database in live mode, DATABASE_URL otherwise). Idempotent."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from hawk.database.routers import hawk_alias
from hawk.datacache.changefeed import install


class Command(BaseCommand):
    help = (
        "Install the change feed (HAWK_CHANGE_FEED: triggers or logical) in the database of "
        "the HAWK tables; --print writes the SQL for a DBA instead; --uninstall removes it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--print", action="store_true", help="print the SQL, change nothing")
        parser.add_argument("--uninstall", action="store_true", help="remove the feed")
        parser.add_argument(
            "--mode", choices=["triggers", "logical"], help="default: HAWK_CHANGE_FEED"
        )
        parser.add_argument(
            "--grant", metavar="ROLE", help="with --print: also what a read-only ROLE needs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mode = options["mode"] or settings.HAWK_CHANGE_FEED
        if mode == "off":
            raise CommandError("HAWK_CHANGE_FEED is off: pass --mode triggers or --mode logical")
        if options["print"]:
            self.stdout.write(install.script(mode, uninstall=options["uninstall"]))
            if options["grant"]:
                self.stdout.write(install.grants(mode, options["grant"]))
            return
        try:
            if options["uninstall"]:
                install.uninstall(mode)
            else:
                install.install(mode)
        except DatabaseError as exc:
            raise CommandError(f"the change feed could not be changed: {exc}") from exc
        done = "removed from" if options["uninstall"] else "installed in"
        self.stdout.write(f"change feed ({mode}) {done} database {hawk_alias()!r}")

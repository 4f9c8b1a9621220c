"""Take a snapshot of the cache statistics (run it every few minutes from a scheduler)."""

from django.core.management.base import BaseCommand

from cache_admin.snapshots import record_snapshot


class Command(BaseCommand):
    help = "Record the shared cache counters for the statistics over time."

    def handle(self, *args: object, **options: object) -> None:
        taken = record_snapshot(force=True)
        self.stdout.write("snapshot taken" if taken else "the cache could not be read")

"""Delete sessions and city movies not seen for SHOWTIMES_EXPIRE_DAYS (the beat task does it nightly)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.showtimes.services import showtimes_purge_expired


class Command(BaseCommand):
    help = "Delete showtimes sessions and city movies not seen for --days (default SHOWTIMES_EXPIRE_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.SHOWTIMES_EXPIRE_DAYS)

    def handle(self, *args, **options) -> None:
        if options["days"] < 1:
            raise CommandError("--days: expected a number >= 1")
        report = showtimes_purge_expired(days=options["days"])
        self.stdout.write(f"purged sessions {report.sessions}, city movies {report.movies}")

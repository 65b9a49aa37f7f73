"""Find a city's showtimes with Gemini now, as a visitor's request would, with a progress bar."""

from zoneinfo import ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.management.reporting import CommandReport
from apps.showtimes.errors import CityNotFound
from apps.showtimes.models import Location, ShowtimesRun
from apps.showtimes.services import location_claim, location_get_or_create, showtimes_city_run


class Command(BaseCommand):
    help = (
        "Find a city's cinemas, the movies playing and their sessions for the days ahead with "
        "Gemini (only the days not yet known); creates the city when new. Exits non-zero when "
        "the run fails or another run holds the city."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True, help="e.g. Kyiv or Київ")
        parser.add_argument("--country", default="Ukraine")
        parser.add_argument("--time-zone", default="", help="IANA zone of a new city (default Europe/Kyiv)")
        parser.add_argument(
            "--days", type=int, help=f"days ahead (default {settings.SHOWTIMES_HORIZON_DAYS})"
        )
        parser.add_argument("--model", choices=sorted(settings.GEMINI_MODEL_IDS), help="default GEMINI_MODEL")

    def handle(self, *args, **options) -> None:
        if options["days"] is not None and not 1 <= options["days"] <= 31:
            raise CommandError("--days: expected a number from 1 to 31")
        try:
            location = location_get_or_create(
                city=options["city"], country=options["country"], time_zone=options["time_zone"]
            )
        except (CityNotFound, ZoneInfoNotFoundError, ValueError) as exc:
            raise CommandError(str(exc) or f"--time-zone: unknown zone {options['time_zone']!r}") from None
        if not location_claim(location=location, status=Location.Status.SCRAPING, is_forced=True):
            raise CommandError(f"{location}: a run is already under way ({location.status}); follow it there")

        report = CommandReport(self, verbosity=options["verbosity"])
        bar = report.bar(label=f"{location.city} days", unit="days", is_scaled=False, mininterval=0.2)

        def progress(run: ShowtimesRun) -> None:
            if run.days_planned and bar.total != run.days_planned:
                bar.total = run.days_planned
            bar.set_postfix(
                cinemas=run.cinemas_found, movies=run.movies_found, added=run.sessions_added, refresh=False
            )
            bar.update(run.days_done - bar.n)

        run = showtimes_city_run(
            location=location, horizon=options["days"], model=options["model"], progress=progress
        )
        bar.close()
        self.stdout.write(
            f"{location} ({location.slug}): {run.status}; cinemas {run.cinemas_found}, "
            f"movies {run.movies_found}, days {run.days_done}/{run.days_planned}; sessions added "
            f"{run.sessions_added}, changed {run.sessions_changed}, cancelled {run.sessions_cancelled}; "
            f"calls {run.calls}, tokens {run.tokens}; {report.seconds()}"
        )
        for reason, count in sorted(run.rejected.items()):
            self.stdout.write(f"  rejected ({reason}): {count}")
        reasons = run.tmdb.get("unmatched_reasons", {})
        unmatched = [f"{name} ({reasons[name]})" if name in reasons else name for name in run.unmatched]
        report.problems_write(unmatched, count=len(unmatched), kind="unmatched")
        if "skipped" in run.tmdb:
            self.stdout.write(f"  TMDB: {run.tmdb['skipped']}")
        elif created := run.tmdb.get("created"):
            self.stdout.write(f"  created from TMDB: {', '.join(created)}")
        if run.status != ShowtimesRun.Status.DONE:
            raise CommandError(f"the run ended {run.status}: {run.error}")

"""Scrape IMDb pages (titles, a chart, a search or list) with headless Chromium into the catalog."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.management.reporting import CommandReport, titles_counts
from apps.catalog.services import imdb_pages_store
from apps.scraping.browser import BrowserUnavailable, browsers_cleanup_install
from apps.scraping.circuit import CircuitOpen, circuit_check
from apps.scraping.imdb_client import CHARTS
from apps.scraping.services import (
    ScrapeInputError,
    ScrapeSummary,
    languages_parse,
    scrape_chart,
    scrape_titles,
    scrape_url,
)


class Command(BaseCommand):
    help = (
        "Scrape IMDb title pages, a chart or a search/list URL with headless Chromium and store "
        "the titles in the catalog. Pauses (non-zero exit) while IMDb's WAF keeps blocking."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--title", nargs="+", metavar="ID", help="title ids, e.g. tt0111161 tt1375666")
        what.add_argument("--chart", help=f"one of {', '.join(CHARTS)}")
        what.add_argument("--url", help="an IMDb search (/search/title/?…) or list URL")
        parser.add_argument("--limit", type=int, help="at most this many chart/search rows")
        parser.add_argument("--lang", default="en", help="comma list of uk, en, ru (default en)")

    def handle(self, *args, **options) -> None:
        try:
            languages = languages_parse(options["lang"])
        except ScrapeInputError as exc:
            raise CommandError(f"--lang: {exc}") from None
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit: expected a number >= 1")
        if options["chart"] is not None and options["chart"] not in CHARTS:
            raise CommandError(f"--chart: unknown chart {options['chart']!r}; expected {', '.join(CHARTS)}")
        try:
            circuit_check()
        except CircuitOpen as exc:
            raise CommandError(str(exc)) from None

        run = CommandReport(self, verbosity=options["verbosity"])
        bar = run.bar(label="IMDb pages", unit="pages", is_scaled=False, mininterval=0.5)

        def progress(summary: ScrapeSummary) -> None:
            if summary.total_pages is not None and bar.total != summary.total_pages:
                bar.total = summary.total_pages
            bar.set_postfix(
                records=summary.records, blocked=summary.blocked, failed=summary.failed, refresh=False
            )
            bar.update(summary.pages + summary.blocked + summary.failed - bar.n)

        # SIGTERM (systemd, a CI limit, `kill`) ends the run like Ctrl+C: browsers closed,
        # what was read stored, the run recorded as interrupted.
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            if options["title"]:
                summary = scrape_titles(
                    ids=options["title"], languages=languages, store=imdb_pages_store, progress=progress
                )
            elif options["chart"]:
                summary = scrape_chart(
                    name=options["chart"],
                    limit=options["limit"],
                    languages=languages,
                    store=imdb_pages_store,
                    progress=progress,
                )
            else:
                summary = scrape_url(
                    url=options["url"],
                    limit=options["limit"],
                    languages=languages,
                    store=imdb_pages_store,
                    progress=progress,
                )
        except ScrapeInputError as exc:
            raise CommandError(str(exc)) from None
        except BrowserUnavailable as exc:
            raise CommandError(f"no browser: {exc}") from None
        except KeyboardInterrupt:
            bar.close()
            self.stderr.write("interrupted: browsers closed, what was read is stored")
            raise SystemExit(130) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
            # Browsers may still be closing: a SIGTERM from here on still kills them first.
            browsers_cleanup_install()
            bar.close()
        counts = titles_counts(
            inserted=summary.inserted,
            updated=summary.updated,
            unchanged=summary.unchanged,
            rejected=summary.rejected,
            events=summary.events,
        )
        self.stdout.write(
            f"pages {summary.pages}, records {summary.records}, blocked {summary.blocked}, "
            f"failed {summary.failed}; titles {counts}; {run.seconds()} "
            f"(browsers {settings.SCRAPER_BROWSERS}, delay {settings.SCRAPER_DELAY_SECONDS} s)"
        )
        run.problems_write(summary.problems, count=len(summary.problems))
        if summary.circuit is not None:
            raise CommandError(
                f"{summary.circuit}. Close it sooner in the admin (Scrape circuits) "
                f"or wait SCRAPER_BREAKER_PAUSE_SECONDS."
            )

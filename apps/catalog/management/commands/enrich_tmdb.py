"""Enrich catalog titles from TMDB: posters, texts per language, age ratings, trailers, providers."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.management.reporting import CommandReport
from apps.catalog.selectors import TMDB_MISSING, titles_tmdb_due
from apps.catalog.tmdb_enrich import (
    TmdbEnrichReport,
    TmdbInputError,
    tmdb_languages_parse,
    tmdb_titles_enrich,
)
from apps.scraping.tmdb import TmdbNotConfigured, tmdb_key
from apps.scraping.tmdb_records import LANGUAGES


class Command(BaseCommand):
    help = (
        "Ask TMDB (TMDB_API_KEY) about catalog titles and store what it knows: posters, backdrops, "
        "titles and overviews per language, the age rating, trailers, where to watch in Ukraine, "
        "people's photos. Without --title: titles never asked about (or lacking --missing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--title", nargs="+", metavar="ID", help="title ids, e.g. tt0111161 tt1375666")
        parser.add_argument("--missing", choices=sorted(TMDB_MISSING), help="only titles lacking this")
        parser.add_argument("--limit", type=int, help="at most this many titles")
        parser.add_argument(
            "--lang", default=",".join(LANGUAGES), help=f"comma list of {', '.join(LANGUAGES)} (default all)"
        )

    def handle(self, *args, **options) -> None:
        try:
            languages = tmdb_languages_parse(options["lang"])
        except TmdbInputError as exc:
            raise CommandError(f"--lang: {exc}") from None
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit: expected a number >= 1")
        try:
            tmdb_key()
        except TmdbNotConfigured as exc:
            raise CommandError(str(exc)) from None
        if options["title"]:
            ids = list(dict.fromkeys(options["title"]))[: options["limit"]]
        else:
            ids = titles_tmdb_due(missing=options["missing"], limit=options["limit"])

        run = CommandReport(self, verbosity=options["verbosity"])
        bar = run.bar(label="TMDB", unit="titles", total=len(ids), is_scaled=False, mininterval=0.5)

        def progress(report: TmdbEnrichReport) -> None:
            bar.set_postfix(found=report.found, missing=report.not_found, failed=report.failed, refresh=False)
            bar.update(report.asked - bar.n)

        try:
            report = tmdb_titles_enrich(imdb_ids=ids, languages=languages, progress=progress)
        except TmdbNotConfigured as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        self.stdout.write(
            f"titles asked {report.asked}, found {report.found}, unknown to TMDB {report.not_found}, "
            f"failed {report.failed}; stored: {run.ingest_counts(report.titles)}; "
            f"people {report.people}; {run.seconds()}"
        )
        run.problems_write(report.problems, count=len(report.problems))

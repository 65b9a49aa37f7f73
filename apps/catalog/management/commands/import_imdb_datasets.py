"""Import IMDb's non-commercial datasets into the catalog through the ETL pipeline."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.management.reporting import CommandReport
from apps.catalog.pipeline.normalize import TITLE_TYPES
from apps.catalog.services import imdb_datasets_import
from apps.scraping.imdb_datasets import (
    DatasetFiles,
    DatasetHeaderMismatch,
    DatasetOutOfOrder,
    DatasetUnavailable,
)


class Command(BaseCommand):
    help = (
        "Import title.basics, ratings, crew, principals, akas and name.basics (.tsv.gz) from a folder or URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--dir", type=Path, help="a folder holding the .tsv.gz files")
        where.add_argument("--url", help=f"the files' base URL (default {settings.IMDB_DATASETS_URL})")
        parser.add_argument(
            "--types", default=",".join(settings.IMDB_DATASETS_TYPES), help="comma list of title types"
        )
        parser.add_argument("--min-votes", type=int, default=settings.IMDB_DATASETS_MIN_VOTES)

    def handle(self, *args, **options) -> None:
        types = frozenset(t.strip() for t in options["types"].split(",") if t.strip())
        unknown = sorted(types - set(TITLE_TYPES))
        if unknown:
            raise CommandError(
                f"--types: unknown title type {', '.join(unknown)}; expected {', '.join(TITLE_TYPES)}"
            )
        if options["min_votes"] < 0:
            raise CommandError("--min-votes: expected a number >= 0")
        if options["dir"] is not None and not options["dir"].is_dir():
            raise CommandError(f"--dir: {options['dir']} is not a folder")
        files = DatasetFiles(folder=options["dir"], base_url=options["url"])
        run = CommandReport(self, verbosity=options["verbosity"])
        try:
            result = imdb_datasets_import(
                files,
                types=types,
                min_votes=options["min_votes"],
                progress=lambda items, label: run.bar(items, label=label, unit="rows"),
            )
        except (DatasetUnavailable, DatasetOutOfOrder, DatasetHeaderMismatch) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"people {result.people}; titles read {result.titles.read}, {run.ingest_counts(result.titles)}; "
            f"malformed lines {len(result.malformed)}; {run.seconds()}"
        )
        if result.skipped_files:
            self.stdout.write(
                f"  unchanged since the last import, not read again: {', '.join(result.skipped_files)}"
            )
        if result.sorted_files:
            self.stdout.write(f"  not sorted by id, sorted on disk first: {', '.join(result.sorted_files)}")
        run.rejected_write(result.titles)
        run.problems_write(result.malformed, count=len(result.malformed), kind="malformed")

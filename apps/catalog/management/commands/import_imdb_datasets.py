"""Import IMDb's non-commercial datasets into the catalog through the ETL pipeline."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

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
        started = time.monotonic()

        def progress(items, label):
            return tqdm(
                items,
                desc=label,
                unit=" rows",
                unit_scale=True,
                mininterval=1,
                disable=options["verbosity"] == 0,
            )

        try:
            result = imdb_datasets_import(
                files, types=types, min_votes=options["min_votes"], progress=progress
            )
        except (DatasetUnavailable, DatasetOutOfOrder, DatasetHeaderMismatch) as exc:
            raise CommandError(str(exc)) from None
        report, seconds = result.titles, time.monotonic() - started
        self.stdout.write(
            f"people {result.people}; titles read {report.read}, inserted {report.inserted}, "
            f"updated {report.updated}, unchanged {report.unchanged}, rejected {sum(report.rejected.values())}; "
            f"events {report.events}; malformed lines {len(result.malformed)}; {seconds:.1f} s"
        )
        if result.skipped_files:
            self.stdout.write(
                f"  unchanged since the last import, not read again: {', '.join(result.skipped_files)}"
            )
        for reason, count in sorted(report.rejected.items()):
            self.stdout.write(f"  rejected ({reason}): {count}; first: {report.rejected_first[reason]}")
        for problem in result.malformed[:20]:
            self.stdout.write(f"  malformed: {problem}")

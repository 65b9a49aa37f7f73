"""Import data-lake files (ours or other tools') into the catalog through the ETL pipeline."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.catalog.lake import LakeUnavailable, catalog_import

SHOWN_MALFORMED = 20


class Command(BaseCommand):
    help = (
        "Import JSON Lines titles from files, folders (searched for *.jsonl.gz and *.jsonl) "
        "or s3://bucket/prefix; re-importing a file changes nothing. A file that does not read or "
        "decompress to its end is not imported at all, and the command then exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder or s3://bucket/prefix")

    def handle(self, *args, **options) -> None:
        started = time.monotonic()

        def progress(records):
            return tqdm(
                records,
                desc="lines",
                unit=" lines",
                unit_scale=True,
                mininterval=1,
                disable=options["verbosity"] == 0,
            )

        try:
            result = catalog_import(locations=options["paths"], progress=progress)
        except LakeUnavailable as exc:
            raise CommandError(str(exc)) from None
        report, seconds = result.titles, time.monotonic() - started
        failed = f" ({len(result.failed)} not imported)" if result.failed else ""
        self.stdout.write(
            f"files {len(result.files)}{failed}; lines {result.lines}; titles read {result.titles_read}, "
            f"inserted {report.inserted}, updated {report.updated}, unchanged {report.unchanged}, "
            f"rejected {sum(report.rejected.values())}; events {report.events}; "
            f"malformed lines {result.malformed_count}; {seconds:.1f} s"
        )
        for reason, count in sorted(report.rejected.items()):
            self.stdout.write(f"  rejected ({reason}): {count}; first: {report.rejected_first[reason]}")
        for problem in result.malformed[:SHOWN_MALFORMED]:
            self.stdout.write(f"  malformed: {problem}")
        if result.malformed_count > SHOWN_MALFORMED:
            self.stdout.write(f"  … and {result.malformed_count - SHOWN_MALFORMED} more malformed lines")
        for problem in result.failed:
            self.stderr.write(f"import_catalog: {problem}")
        if result.failed:
            # Not a CommandError: the files are named above, one line each, and the others imported.
            raise SystemExit(1)

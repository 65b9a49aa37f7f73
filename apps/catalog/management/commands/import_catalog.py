"""Import data-lake files (ours or other tools') into the catalog through the ETL pipeline."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.lake import LakeUnavailable, catalog_import
from apps.catalog.management.reporting import CommandReport


class Command(BaseCommand):
    help = (
        "Import JSON Lines titles from files, folders (searched for *.jsonl.gz and *.jsonl) "
        "or s3://bucket/prefix; re-importing a file changes nothing. A file that does not read or "
        "decompress to its end is not imported at all, and the command then exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder or s3://bucket/prefix")

    def handle(self, *args, **options) -> None:
        run = CommandReport(self, verbosity=options["verbosity"])
        try:
            result = catalog_import(
                locations=options["paths"],
                progress=lambda records: run.bar(records, label="lines", unit="lines"),
            )
        except LakeUnavailable as exc:
            raise CommandError(str(exc)) from None
        failed = f" ({len(result.failed)} not imported)" if result.failed else ""
        self.stdout.write(
            f"files {len(result.files)}{failed}; lines {result.lines}; titles read {result.titles_read}, "
            f"{run.ingest_counts(result.titles)}; malformed lines {result.malformed_count}; {run.seconds()}"
        )
        run.rejected_write(result.titles)
        run.problems_write(result.malformed, count=result.malformed_count, kind="malformed")
        for problem in result.failed:
            self.stderr.write(f"import_catalog: {problem}")
        if result.failed:
            # Not a CommandError: the files are named above, one line each, and the others imported.
            raise SystemExit(1)

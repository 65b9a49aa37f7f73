"""Export the catalog to the data lake: partitioned gzip JSON Lines in a folder or on S3."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.catalog.lake import LINES_PER_PART, SCHEMA_PATH, LakeUnavailable, catalog_export
from apps.catalog.management.reporting import CommandReport


class Command(BaseCommand):
    help = (
        "Write every title as gzip JSON Lines under scrape_date=YYYY-MM-DD/ in a folder or "
        "s3://bucket/prefix, with _schema/v1.json and _manifest.json beside them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="a folder or s3://bucket/prefix")
        parser.add_argument(
            "--lines-per-part",
            type=int,
            default=LINES_PER_PART,
            help=f"titles per part file (default {LINES_PER_PART})",
        )

    def handle(self, *args, **options) -> None:
        if options["lines_per_part"] < 1:
            raise CommandError("--lines-per-part: expected a number >= 1")
        run = CommandReport(self, verbosity=options["verbosity"])
        try:
            manifest = catalog_export(
                destination=options["out"],
                lines_per_part=options["lines_per_part"],
                progress=lambda titles, total: run.bar(titles, label="titles", unit="titles", total=total),
            )
        except LakeUnavailable as exc:
            raise CommandError(str(exc)) from None
        partitions = len({file.scrape_date for file in manifest.files})
        self.stdout.write(
            f"exported {manifest.lines} titles to {options['out']}: files {len(manifest.files)}, "
            f"partitions {partitions}; schema {SCHEMA_PATH}; {run.seconds()}"
        )

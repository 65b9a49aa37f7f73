"""Mail this week's "What's trending" e-mail now, as the beat tasks do on Sunday and Monday."""

from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.trends_report import trends_report_send


class Command(BaseCommand):
    help = (
        "Mail the weekly trends e-mail to everyone who asked for it and has not had this week's "
        "(--early: supporters only, as on Sunday). Never mails a person the same week twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list whom it would mail; mail nothing")
        parser.add_argument("--early", action="store_true", help="supporters only (their report a day early)")

    def handle(self, *args: object, dry_run: bool, early: bool, **options: object) -> None:
        run = trends_report_send(early=early, dry_run=dry_run)
        verb = "would mail" if dry_run else "mailed"
        for email in run.sent if dry_run else ():
            self.stdout.write(f"  {email}")
        self.stdout.write(
            f"week of {run.week.isoformat()}: {verb} {len(run.sent)}, already mailed {run.already_sent}, "
            f"failed {run.failed}, boards empty {run.empty}"
        )

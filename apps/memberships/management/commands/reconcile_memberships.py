from django.core.management.base import BaseCommand

from apps.memberships.services import grace_periods_expire, subscriptions_reconcile


class Command(BaseCommand):
    help = "Ask each payment provider for the state of open subscriptions, fix drift, expire graces."

    def handle(self, *args, **options) -> None:
        counts = subscriptions_reconcile()
        counts["grace_expired"] = grace_periods_expire()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))

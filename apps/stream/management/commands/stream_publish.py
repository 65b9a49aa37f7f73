"""Publish an event by hand, e.g. to check that browsers receive the live stream."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.stream.errors import UnknownEventType
from apps.stream.models import EVENT_TYPES
from apps.stream.services import publish


class Command(BaseCommand):
    help = 'Publish one event to every connected stream: stream_publish movie \'{"id": "tt0111161", ...}\''

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=EVENT_TYPES)
        parser.add_argument("payload", help="the event's data, a JSON object")

    def handle(self, *args, **options) -> None:
        try:
            payload = json.loads(options["payload"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"payload is not JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise CommandError("payload must be a JSON object")
        try:
            event = publish(options["type"], payload)
        except UnknownEventType as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"published event {event.id} ({event.type})")

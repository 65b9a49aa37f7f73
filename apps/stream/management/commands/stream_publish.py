"""Publish an event by hand, e.g. to check that browsers receive the live stream."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.stream.errors import InvalidEventTags, UnknownEventType
from apps.stream.registry import event_types
from apps.stream.services import publish


def _json_object(text: str, what: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{what} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CommandError(f"{what} must be a JSON object")
    return value


class Command(BaseCommand):
    help = (
        "Publish one event to every connected stream: "
        'stream_publish movie \'{"id": "tt0111161", ...}\' --tags \'{"genre": ["Drama"]}\''
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=list(event_types()))
        parser.add_argument("payload", help="the event's data, a JSON object")
        parser.add_argument("--tags", default="{}", help="its filter tags, a JSON object of lists")

    def handle(self, *args, **options) -> None:
        payload = _json_object(options["payload"], "payload")
        tags = _json_object(options["tags"], "--tags")
        try:
            event = publish(options["type"], payload, tags=tags)
        except (UnknownEventType, InvalidEventTags) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"published event {event.id} ({event.type})")

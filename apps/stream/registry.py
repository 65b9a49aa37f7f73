"""The event types the stream carries, registered by the apps that publish them.

The stream knows no app. A publisher registers, from its AppConfig.ready, each event
type with the pydantic model of its payload (what /api/docs documents) and the tags its
events carry for filtering. A tag has a value pattern, which checks what publishers
store and what clients ask for and is documented as the filter's pattern, and may have
a canonical form (`"1990"` -> `"1990s"`) applied on both sides.

Matching (apps/stream/hub.py: StreamFilter): values compare case-insensitively; a
filter's values match an event carrying any of them under that tag; several tags must
all match; an event without the tag does not match a filter on it.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

from apps.stream.errors import InvalidEventTags, UnknownEventType

# Bounds on what one value and one filter may be: a real genre or city is a few words.
TAG_VALUE_MAX_CHARS = 64
TAG_VALUES_MAX = 32
# Checked values each tag remembers (a few hundred KB at most).
ACCEPTED_KEPT = 4096
_TAG_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# Names the stream's own request uses; a tag cannot take them.
RESERVED = frozenset({"types", "last_event_id", "tags"})


@dataclass(frozen=True)
class EventTag:
    """A filter tag: its name, the pattern each value fully matches, and an optional canonical form."""

    name: str
    pattern: str
    description: str
    canonical: Callable[[str], str] | None = None
    _compiled: re.Pattern = field(init=False, repr=False, compare=False)
    _accepted: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _TAG_NAME.fullmatch(self.name) or self.name in RESERVED:
            raise ValueError(
                f"tag name {self.name!r}: expected [a-z][a-z0-9_]* and not one of {sorted(RESERVED)}"
            )
        object.__setattr__(self, "_compiled", re.compile(self.pattern))
        object.__setattr__(self, "_accepted", {})

    def value_check(self, value: object) -> str:
        """The value in canonical form; ValueError saying what is wrong."""
        # An import tags a million events with a few dozen genres and decades: remember them.
        canonical = self._accepted.get(value) if isinstance(value, str) else None
        if canonical is None:
            canonical = self._value_check(value)
            if len(self._accepted) < ACCEPTED_KEPT:
                self._accepted[value] = canonical
        return canonical

    def _value_check(self, value: object) -> str:
        if not isinstance(value, str) or len(value) > TAG_VALUE_MAX_CHARS:
            raise ValueError(
                f"expected a string of at most {TAG_VALUE_MAX_CHARS} characters, got {value!r:.80}"
            )
        if not self._compiled.fullmatch(value):
            raise ValueError(f"{value!r} does not match {self.pattern}")
        return self.canonical(value) if self.canonical else value


@dataclass(frozen=True)
class EventType:
    name: str
    payload: type[BaseModel]
    tags: Mapping[str, EventTag]
    description: str


_types: dict[str, EventType] = {}


def event_type_register(
    name: str, payload: type[BaseModel], *, tags: Iterable[EventTag] = (), description: str = ""
) -> EventType:
    """Register an event type; a tag name shared with another type must be the same tag."""
    tags_by_name = {tag.name: tag for tag in tags}
    for tag in tags_by_name.values():
        other = event_tags().get(tag.name)
        if other is not None and (other.pattern, other.canonical) != (tag.pattern, tag.canonical):
            raise ValueError(f"tag {tag.name!r} is already registered with another pattern ({other.pattern})")
    previous = _types.get(name)
    if previous is not None and previous.payload is not payload:
        raise ValueError(f"event type {name!r} is already registered with {previous.payload.__name__}")
    event_type = _types[name] = EventType(name, payload, tags_by_name, description)
    return event_type


def event_types() -> dict[str, EventType]:
    """Every registered event type by name, in registration order."""
    return dict(_types)


def event_type_get(name: str) -> EventType:
    try:
        return _types[name]
    except KeyError:
        raise UnknownEventType(
            f"unknown event type {name!r}; expected one of {', '.join(_types) or 'none registered'}"
        ) from None


def event_tags() -> dict[str, EventTag]:
    """Every registered tag by name: the filters a stream accepts besides `types`."""
    return {name: tag for event_type in _types.values() for name, tag in event_type.tags.items()}


def event_tags_check(
    event_type: EventType, tags: Mapping[str, str | Iterable[str]] | None
) -> dict[str, list[str]]:
    """An event's tags as stored: each a list of canonical values; InvalidEventTags names a bad one."""
    checked: dict[str, list[str]] = {}
    for name, values in (tags or {}).items():
        tag = event_type.tags.get(name)
        if tag is None:
            raise InvalidEventTags(
                f"{event_type.name} event: unknown tag {name!r}; expected {', '.join(event_type.tags) or 'none'}"
            )
        if isinstance(values, str):
            values = [values]
        elif not isinstance(values, list | tuple | set | frozenset):
            raise InvalidEventTags(
                f"{event_type.name} event: tag {name!r}: expected a string or a list of them, "
                f"got {type(values).__name__}"
            )
        if len(values) > TAG_VALUES_MAX:
            raise InvalidEventTags(
                f"{event_type.name} event: tag {name!r} has {len(values)} values, at most {TAG_VALUES_MAX}"
            )
        try:
            checked[name] = [tag.value_check(value) for value in values]
        except ValueError as exc:
            raise InvalidEventTags(f"{event_type.name} event: tag {name!r}: {exc}") from None
    return checked

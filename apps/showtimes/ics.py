"""Sessions as iCalendar events: one session's file, or a person's feed of the sessions they marked."""

import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from apps.showtimes.models import Session

# When the runtime is unknown the event still needs an end: a typical feature's length.
DEFAULT_LENGTH = datetime.timedelta(hours=2)


def session_event(*, session: Session, name: str, domain: str) -> Event:
    """The session's start and end in the city's zone, the cinema's address, the booking link."""
    zone = ZoneInfo(session.movie.location.time_zone)
    starts_at = session.starts_at.astimezone(zone)
    ends_at = (session.ends_at or session.starts_at + DEFAULT_LENGTH).astimezone(zone)
    theater = session.theater
    event = Event()
    event.add("uid", f"session-{session.pk}@{domain}")
    event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", f"{name} · {theater.name}")
    event.add("location", ", ".join(part for part in (theater.name, theater.address) if part))
    details = [part for part in (session.format, session.hall) if part]
    if session.booking_url:
        event.add("url", session.booking_url)
        details.append(session.booking_url)
    if details:
        event.add("description", "\n".join(details))
    return event


def calendar_ics(*, events: list[Event], name: str = "") -> bytes:
    """A calendar of these events; `name` titles a subscribed feed in calendar apps."""
    calendar = Calendar()
    calendar.add("prodid", "-//CineStream//Showtimes//EN")
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    # The zones' VTIMEZONEs, so calendar apps show each city's local time.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def session_ics(*, session: Session, name: str, domain: str) -> bytes:
    return calendar_ics(events=[session_event(session=session, name=name, domain=domain)])

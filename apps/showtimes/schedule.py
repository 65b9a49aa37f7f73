"""A (movie, day)'s stored sessions brought in line with what a believed answer lists.

New sessions are added; stored ones listed again are verified again (their provenance
renewed) and count as changed when a detail differs or they had been cancelled; stored ones
no longer listed are cancelled (`cancelled_at`), never deleted, so a report or a page that
points at one still finds it. Sessions are matched by cinema, start and hall, as the table's
unique constraint has them.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apps.showtimes.models import CityMovie, Session, Theater
from apps.showtimes.trust import SessionDraft, screening_day, screening_day_bounds

SessionKey = tuple[str, dt.datetime, str]  # SessionDraft.key: cinema, start, hall
_DETAILS = ("ends_at", "format", "audio_language", "subtitles", "booking_url", "price")
_PROVENANCE = ("sources", "verified", "model", "last_verified_at")


@dataclass(frozen=True)
class ScheduleChanges:
    added: int
    changed: int
    cancelled: int


def sessions_stored_by_day(
    *, movie: CityMovie, days: Sequence[dt.date], zone: ZoneInfo
) -> dict[dt.date, dict[SessionKey, Session]]:
    """The movie's stored sessions listed under those days (one query), by day and key."""
    if not days:
        return {}
    start, _end = screening_day_bounds(day=min(days), zone=zone)
    _start, end = screening_day_bounds(day=max(days), zone=zone)
    by_day: dict[dt.date, dict[SessionKey, Session]] = {}
    sessions = Session.objects.filter(movie=movie, starts_at__gte=start, starts_at__lt=end)
    for session in sessions.select_related("theater"):
        day = screening_day(starts_at=session.starts_at, zone=zone)
        by_day.setdefault(day, {})[(session.theater.name, session.starts_at, session.hall)] = session
    return by_day


def day_schedule_apply(
    *,
    movie: CityMovie,
    theaters: Mapping[str, Theater],
    drafts: Sequence[SessionDraft],
    stored: Mapping[SessionKey, Session],
    model: str,
    now: dt.datetime,
) -> ScheduleChanges:
    """Store one (movie, day)'s believed sessions over its `stored` ones; say what changed."""
    remaining = dict(stored)
    created: list[Session] = []
    seen_again: list[Session] = []
    changed = 0
    for draft in drafts:
        values = {
            "ends_at": draft.ends_at,
            "format": draft.format,
            "audio_language": draft.audio_language,
            "subtitles": draft.subtitles,
            "booking_url": draft.booking_url,
            "price": draft.price,
            "sources": [source.model_dump() for source in draft.sources],
            "verified": draft.is_verified,
            "model": model[:64],
            "last_verified_at": now,
        }
        session = remaining.pop(draft.key, None)
        if session is None:
            created.append(
                Session(
                    movie=movie,
                    theater=theaters[draft.cinema],
                    starts_at=draft.starts_at,
                    hall=draft.hall,
                    **values,
                )
            )
            continue
        changed += session.cancelled_at is not None or any(
            getattr(session, name) != values[name] for name in _DETAILS
        )
        for name, value in values.items():
            setattr(session, name, value)
        session.cancelled_at = None
        seen_again.append(session)
    Session.objects.bulk_create(created)
    Session.objects.bulk_update(seen_again, [*_DETAILS, *_PROVENANCE, "cancelled_at"])
    gone = [session.pk for session in remaining.values() if session.cancelled_at is None]
    Session.objects.filter(pk__in=gone).update(cancelled_at=now)
    return ScheduleChanges(added=len(created), changed=changed, cancelled=len(gone))

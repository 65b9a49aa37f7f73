"""What of Gemini's answer about one (movie, day) is believed, and why the rest is not.

A language model invents showtimes, so an answer is taken session by session:
- its date must be the day asked ("not the asked day"; one outside the city's window is
  "date outside the window"),
- its time must lie within 07:00-03:00: a time from 00:00 to 03:00 is the night after the
  asked day (a "Thursday 01:30" screening starts on Friday's calendar day), as cinemas list
  their late sessions under the evening they belong to,
- its cinema must be one of the city's (names compared case- and accent-folded),
- the same cinema, start and hall twice is a "duplicate".
A believed session keeps the grounding sources whose supporting text mentions its time or
its cinema, else every source the answer cited; with none it is stored unverified.
"""

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from apps.catalog.search import search_fold
from apps.scraping.gemini_records import GeminiReply, GroundingSource, SessionFound, SessionsAnswer
from apps.showtimes.models import SessionFormat

DATE_OUTSIDE_WINDOW = "date outside the window"
NOT_THE_ASKED_DAY = "not the asked day"
TIME_OUTSIDE_HOURS = "time outside 07:00-03:00"
UNKNOWN_CINEMA = "unknown cinema"
DUPLICATE = "duplicate"
UNMATCHED_MOVIE = "movie matches nothing"
INVALID_ANSWER = "invalid answer"

FIRST_START = dt.time(7, 0)
LAST_START = dt.time(3, 0)  # of the night after the day
PRICE_MAX = Decimal("100000")
_FORMATS = {choice.value.casefold().replace(" ", ""): choice.value for choice in SessionFormat}


@dataclass(frozen=True)
class SessionDraft:
    """A believed session, ready to store under its movie."""

    cinema: str  # the city's own name for it
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    format: str
    audio_language: str
    subtitles: str
    hall: str
    booking_url: str
    price: Decimal | None
    sources: tuple[GroundingSource, ...]

    @property
    def is_verified(self) -> bool:
        return bool(self.sources)

    @property
    def key(self) -> tuple[str, dt.datetime, str]:
        return (self.cinema, self.starts_at, self.hall)


@dataclass(frozen=True)
class DayVerdict:
    sessions: list[SessionDraft]
    rejected: Counter[str]


def session_starts_at(*, day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime | None:
    """The aware start of a session listed under `day` at `time`, or None outside 07:00-03:00."""
    if time >= FIRST_START:
        return dt.datetime.combine(day, time, tzinfo=zone)
    if time <= LAST_START:
        return dt.datetime.combine(day + dt.timedelta(days=1), time, tzinfo=zone)
    return None


def screening_day_bounds(*, day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants whose sessions are listed under `day`: 05:00 that day to 05:00 the next
    (nothing starts from 03:00 to 07:00, so any hour in that gap separates two days)."""
    start = dt.datetime.combine(day, dt.time(5, 0), tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(5, 0), tzinfo=zone)


def screening_day(*, starts_at: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The day a session is listed under (see screening_day_bounds)."""
    local = starts_at.astimezone(zone)
    return local.date() if local.time() >= dt.time(5, 0) else local.date() - dt.timedelta(days=1)


def _format(text: str) -> str:
    return _FORMATS.get(text.casefold().replace(" ", ""), SessionFormat.OTHER if text.strip() else "2D")


def _language(text: str) -> str:
    code = text.strip().lower()[:2]
    return code if len(code) == 2 and code.isalpha() else ""


def _url(text: str) -> str:
    parts = urlsplit(text.strip())
    return text.strip() if parts.scheme in ("http", "https") and parts.netloc and len(text) <= 500 else ""


def _price(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        price = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return price if Decimal(0) <= price < PRICE_MAX else None


def _sources(
    found: SessionFound, cinema: str, reply: GeminiReply[SessionsAnswer]
) -> tuple[GroundingSource, ...]:
    marks = (found.time.strftime("%H:%M"), search_fold(cinema))
    indices: list[int] = []
    for text, support_indices in reply.supports:
        folded = search_fold(text)
        if any(mark in folded for mark in marks):
            indices.extend(index for index in support_indices if index not in indices)
    backing = [reply.sources[index] for index in indices if 0 <= index < len(reply.sources)]
    return tuple(backing or reply.sources)


def day_answer_judge(
    *,
    reply: GeminiReply[SessionsAnswer],
    day: dt.date,
    window: Collection[dt.date],
    zone: ZoneInfo,
    cinemas: Sequence[str],
    runtime_minutes: int | None,
) -> DayVerdict:
    """The sessions of an answer about `day` that are believed, and the others counted by reason."""
    by_folded: Mapping[str, str] = {search_fold(name): name for name in cinemas}
    rejected: Counter[str] = Counter()
    sessions: dict[tuple[str, dt.datetime, str], SessionDraft] = {}
    for found in reply.answer.sessions:
        if found.date not in window:
            rejected[DATE_OUTSIDE_WINDOW] += 1
            continue
        if found.date != day:
            rejected[NOT_THE_ASKED_DAY] += 1
            continue
        starts_at = session_starts_at(day=day, time=found.time.replace(tzinfo=None), zone=zone)
        if starts_at is None:
            rejected[TIME_OUTSIDE_HOURS] += 1
            continue
        cinema = by_folded.get(search_fold(found.cinema))
        if cinema is None:
            rejected[UNKNOWN_CINEMA] += 1
            continue
        draft = SessionDraft(
            cinema=cinema,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=runtime_minutes) if runtime_minutes else None,
            format=_format(found.format),
            audio_language=_language(found.audio_language),
            subtitles=_language(found.subtitles),
            hall=found.hall.strip()[:100],
            booking_url=_url(found.booking_url),
            price=_price(found.price_uah),
            sources=_sources(found, cinema, reply),
        )
        if draft.key in sessions:
            rejected[DUPLICATE] += 1
            continue
        sessions[draft.key] = draft
    return DayVerdict(sessions=list(sessions.values()), rejected=rejected)

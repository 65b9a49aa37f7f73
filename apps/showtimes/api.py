"""The showtimes API: a city's status, asking for its run, a day's sessions."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from apps.showtimes.errors import ShowtimesDateInvalid
from apps.showtimes.models import CityMovie, Location, Session
from apps.showtimes.schemas import (
    CityOut,
    CitySummaryOut,
    MovieSessionsOut,
    RunSummaryOut,
    ScrapeOut,
    SessionOut,
    ShowtimesOut,
    TheaterSessionsOut,
)
from apps.showtimes.selectors import (
    day_movies,
    location_coverage,
    location_get,
    location_last_run,
    location_suggestions,
)
from apps.showtimes.services import showtimes_request
from cinestream.api_schemas import ErrorOut, ValidationErrorOut
from cinestream.api_versions import api_url

router = Router(tags=["showtimes"])
# Only under /api/v1/ (cinestream/api.py).
v1_router = Router(tags=["showtimes"])


def _stream_url(location: Location) -> str:
    # The stream is routed outside Django (no name to reverse), under the same prefix.
    return f"{get_script_prefix()}api/movies/stream?city={location.slug}"


def _city_out(location: Location) -> CityOut:
    coverage = location_coverage(location=location)
    run = location_last_run(location=location)
    return CityOut(
        slug=location.slug,
        city=location.city,
        country=location.country,
        time_zone=location.time_zone,
        status=location.status,
        today=coverage.today,
        window_end=coverage.window_end,
        covered_until=coverage.covered_until,
        is_covered=coverage.is_covered,
        retry_at=location.retry_at,
        last_run=RunSummaryOut.model_validate(run, from_attributes=True) if run else None,
        stream_url=_stream_url(location),
    )


@router.get("/cities/{slug}", response={200: CityOut, 404: ErrorOut}, summary="A city's showtimes status")
def get_city(request: HttpRequest, slug: str) -> CityOut:
    """The city's status, how far ahead its schedule is known, when a failed run retries, and
    its last run's summary."""
    return _city_out(location_get(slug=slug))


@router.post(
    "/cities/{slug}/scrape",
    response={200: ScrapeOut, 202: ScrapeOut, 404: ErrorOut},
    summary="Find a city's showtimes",
)
def scrape_city(request: HttpRequest, slug: str) -> Status[ScrapeOut]:
    """Queue the city's run unless its window is covered (200); 202 when a run is queued or
    already on its way. One run per city happens however many ask."""
    result = showtimes_request(location=location_get(slug=slug))
    location = result.location
    body = ScrapeOut(
        is_queued=result.is_queued,
        status=location.status,
        status_url=api_url(request, "get_city", location.slug),
        stream_url=_stream_url(location),
    )
    return Status(200 if result.is_covered else 202, body)


class ShowtimesQuery(Schema):
    city: str = Field(description="The city's slug.", examples=["kyiv"])
    # Parsed by the endpoint, so that a bad date gets a message saying how to write one.
    date: str = Field(
        description="The day, YYYY-MM-DD, in the city's calendar.", json_schema_extra={"format": "date"}
    )
    include_unverified: bool = Field(False, description="Also sessions no source backs.")


def _session_out(session: Session, zone: ZoneInfo) -> SessionOut:
    return SessionOut(
        id=session.pk,
        starts_at=session.starts_at.astimezone(zone),
        ends_at=session.ends_at.astimezone(zone) if session.ends_at else None,
        format=session.format,
        audio_language=session.audio_language,
        subtitles=session.subtitles,
        hall=session.hall,
        booking_url=session.booking_url,
        price=session.price,
        verified=session.verified,
        sources=session.sources,
        last_verified_at=session.last_verified_at,
    )


def _movie_out(movie: CityMovie, zone: ZoneInfo) -> MovieSessionsOut:
    by_theater: dict[int, list[Session]] = defaultdict(list)
    for session in movie.day_sessions:
        by_theater[session.theater_id].append(session)
    theaters = sorted(
        (sessions[0].theater for sessions in by_theater.values()), key=lambda theater: theater.name
    )
    return MovieSessionsOut(
        imdb_id=movie.title.imdb_id,
        title=movie.title.primary_title,
        name=movie.name,
        year=movie.year,
        runtime_minutes=movie.title.runtime_minutes,
        theaters=[
            TheaterSessionsOut(
                theater=theater.name,
                chain=theater.chain,
                address=theater.address,
                sessions=[_session_out(session, zone) for session in by_theater[theater.pk]],
            )
            for theater in theaters
        ],
    )


@router.get(
    "/showtimes",
    response={200: ShowtimesOut, 404: ErrorOut, 422: ErrorOut | ValidationErrorOut},
    summary="A city's sessions on a day",
)
def list_showtimes(request: HttpRequest, query: Query[ShowtimesQuery]) -> ShowtimesOut:
    """The city's movies with sessions that day (from 05:00 to 05:00 the next, the night's
    late sessions included), grouped by cinema; verified sessions only unless asked."""
    location = location_get(slug=query.city)
    try:
        day = dt.date.fromisoformat(query.date)
    except ValueError:
        raise ShowtimesDateInvalid(
            gettext("“%(date)s” is not a date: give it as YYYY-MM-DD.") % {"date": query.date}
        ) from None
    zone = ZoneInfo(location.time_zone)
    movies = day_movies(location=location, day=day, include_unverified=query.include_unverified)
    return ShowtimesOut(
        city=location.slug,
        date=day,
        status=location.status,
        movies=[_movie_out(movie, zone) for movie in movies],
    )


@v1_router.get("/cities", response={200: list[CitySummaryOut]}, summary="The cities CineStream knows")
def list_cities(request: HttpRequest) -> list[CitySummaryOut]:
    """Every city, by name; ask a city's status at `api_url`, its sessions at /api/v1/showtimes."""
    return [
        CitySummaryOut(
            slug=location.slug,
            city=location.city,
            country=location.country,
            time_zone=location.time_zone,
            status=location.status,
            api_url=api_url(request, "get_city", location.slug),
        )
        for location in location_suggestions()
    ]

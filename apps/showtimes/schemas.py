"""The showtimes API's bodies (documented at /api/docs)."""

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, Field


class RunSummaryOut(BaseModel):
    id: int
    status: str = Field(examples=["done"], description="running, done, failed or budget_spent")
    started_at: dt.datetime
    finished_at: dt.datetime | None
    calls: int
    tokens: int
    cinemas_found: int
    movies_found: int
    days_planned: int
    days_done: int
    sessions_added: int
    sessions_changed: int
    sessions_cancelled: int
    rejected: dict[str, int] = Field(description="Answers refused, by reason.")
    unmatched: list[str] = Field(description="Movies found that match no catalog title.")


class CitySummaryOut(BaseModel):
    slug: str = Field(examples=["kyiv"])
    city: str = Field(examples=["Kyiv"])
    country: str
    time_zone: str = Field(examples=["Europe/Kyiv"])
    status: str = Field(examples=["ready"], description="idle, queued, scraping, ready or failed")
    api_url: str = Field(examples=["/api/v1/cities/kyiv"])


class CityOut(BaseModel):
    slug: str = Field(examples=["kyiv"])
    city: str = Field(examples=["Kyiv"])
    country: str
    time_zone: str = Field(examples=["Europe/Kyiv"])
    status: str = Field(examples=["ready"], description="idle, queued, scraping, ready or failed")
    today: dt.date = Field(description="Today in the city's calendar.")
    window_end: dt.date = Field(description="The last day the schedule is kept for.")
    covered_until: dt.date | None = Field(description="Every movie's sessions are known up to this day.")
    is_covered: bool
    retry_at: dt.datetime | None = Field(description="When a failed city is tried again.")
    last_run: RunSummaryOut | None
    stream_url: str = Field(description="Follow the run's progress here (SSE), tagged with the city.")


class ScrapeOut(BaseModel):
    """What a scrape request did; follow `status_url` or the stream for the run's progress."""

    is_queued: bool = Field(description="A run was queued by this request.")
    status: str
    status_url: str
    stream_url: str


class SourceOut(BaseModel):
    uri: str
    title: str = ""


class SessionOut(BaseModel):
    id: int
    starts_at: dt.datetime = Field(description="In the city's time zone.")
    ends_at: dt.datetime | None
    format: str = Field(examples=["2D"])
    audio_language: str = Field(examples=["uk"], description="ISO 639-1; empty when unknown")
    subtitles: str = Field(examples=[""], description="ISO 639-1; empty for none")
    hall: str
    booking_url: str
    price: Decimal | None = Field(description="UAH")
    verified: bool
    sources: list[SourceOut]
    last_verified_at: dt.datetime | None


class TheaterSessionsOut(BaseModel):
    theater: str
    chain: str
    address: str
    sessions: list[SessionOut]


class MovieSessionsOut(BaseModel):
    imdb_id: str
    title: str
    name: str = Field(description="The name the cinemas list it by.")
    year: int | None
    runtime_minutes: int | None
    theaters: list[TheaterSessionsOut]


class ShowtimesOut(BaseModel):
    city: str
    date: dt.date
    status: str
    movies: list[MovieSessionsOut]

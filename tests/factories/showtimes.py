"""Showtimes rows for tests: a city, its cinemas, its movies linked to catalog titles, sessions.

A verified evening session in Kyiv of a catalog title:

SessionFactory(movie__title=TitleFactory(primary_title="Dune"), starts_at=kyiv(2026, 12, 3, 19, 30))
"""

import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.showtimes.models import CityMovie, Location, Session, SessionFormat, Theater
from tests.factories.catalog import TitleFactory

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(*args: int) -> datetime.datetime:
    """An aware datetime on Kyiv's wall clock: kyiv(2026, 12, 3, 19, 30)."""
    return datetime.datetime(*args, tzinfo=KYIV)


def kyiv_today() -> datetime.date:
    return timezone.now().astimezone(KYIV).date()


def kyiv_at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=KYIV)


class LocationFactory(DjangoModelFactory):
    """A city nothing was asked about yet: opening it queues a run."""

    class Meta:
        model = Location
        django_get_or_create = ("slug",)

    city = "Kyiv"
    country = "Ukraine"
    slug = factory.LazyAttribute(lambda location: location.city.lower().replace(" ", "-"))
    time_zone = "Europe/Kyiv"


class CoveredLocationFactory(LocationFactory):
    """A covered, ready city: the window has been asked for, so opening it queues nothing."""

    status = Location.Status.READY
    covered_until = factory.LazyFunction(lambda: kyiv_today() + datetime.timedelta(days=20))


class TheaterFactory(DjangoModelFactory):
    class Meta:
        model = Theater

    location = factory.SubFactory(CoveredLocationFactory)
    name = factory.Sequence(lambda n: f"Cinema {n}")
    address = factory.Sequence(lambda n: f"Khreshchatyk St, {n + 1}")


class CityMovieFactory(DjangoModelFactory):
    class Meta:
        model = CityMovie

    location = factory.SubFactory(CoveredLocationFactory)
    title = factory.SubFactory(TitleFactory)
    name = factory.LazyAttribute(lambda movie: movie.title.primary_title if movie.title else "Unknown")
    year = 2026


class SessionFactory(DjangoModelFactory):
    """Verified, with one grounding source, a Ukrainian dub in 2D, today at 19:30 in Kyiv."""

    class Meta:
        model = Session

    movie = factory.SubFactory(CityMovieFactory)
    theater = factory.SubFactory(TheaterFactory, location=factory.SelfAttribute("..movie.location"))
    starts_at = factory.LazyFunction(lambda: kyiv_at(kyiv_today(), 19, 30))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(minutes=150))
    format = SessionFormat.TWO_D
    audio_language = "uk"
    subtitles = ""
    booking_url = "https://tickets.example.com/session/1"
    sources = factory.LazyFunction(
        lambda: [{"uri": "https://multiplex.ua/cinema/kyiv", "title": "multiplex.ua"}]
    )
    verified = True
    model = "gemini-3.5-flash"
    last_verified_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))

"""Showtimes pages over HTTP: a city's day, its filters, .ics, reports, empty and failure states."""

import datetime
import zoneinfo
from decimal import Decimal

import icalendar
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone, translation

from apps.showtimes.models import Location, SessionFormat, SessionReport
from tests.catalog.test_views import texts_of
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import (
    CityMovieFactory,
    CoveredLocationFactory,
    SessionFactory,
    TheaterFactory,
    kyiv_at,
    kyiv_today,
)

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def no_reports_counted():
    cache.clear()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def kyiv():
    return CoveredLocationFactory(city="Kyiv", slug="kyiv")


@pytest.fixture
def dune(kyiv):
    title = TitleFactory(
        imdb_id="tt15239678",
        primary_title="Dune: Part Two",
        akas=[("Дюна: Частина друга", "UA", "uk")],
        genres=["Sci-Fi"],
        rating=Decimal("8.5"),
    )
    return CityMovieFactory(location=kyiv, title=title)


@pytest.fixture
def multiplex(kyiv):
    return TheaterFactory(location=kyiv, name="Multiplex Lavina", address="Berkovetska St, 6D")


def page(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def test_city_page_shows_each_movie_with_its_cinemas_and_times_in_the_visitors_language(
    client, dune, multiplex
):
    today = kyiv_today()
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(today, 19, 30))
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(today, 13, 5))

    html = page(client, "/showtimes/kyiv/")

    assert texts_of(html, "showtime-movie-link") == ["Дюна: Частина друга"]
    assert texts_of(html, "session-time") == ["13:05", "19:30"]
    assert "Multiplex Lavina" in html
    assert "Berkovetska St, 6D" in html
    assert 'rel="noopener" target="_blank"' in html


def test_times_are_written_as_the_visitors_language_writes_them(english, dune, multiplex):
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(kyiv_today(), 19, 30))

    assert texts_of(page(english, "/showtimes/kyiv/"), "session-time") == ["7:30 PM"]


def test_a_session_after_midnight_is_listed_with_the_evening_before_in_the_citys_zone(english):
    # As cinemas list them: a 00:30 show ends the evening before. New York's clock, not the
    # server's (Kyiv), decides: 00:30 there is 07:30 in Kyiv, which would be a new day here.
    new_york = CoveredLocationFactory(city="New York", slug="new-york", time_zone="America/New_York")
    zone = datetime.timezone(datetime.timedelta(hours=-5))  # EST, no daylight saving in December
    today = timezone.now().astimezone(zone).date()
    tomorrow = today + datetime.timedelta(days=1)
    movie = CityMovieFactory(location=new_york)
    late = datetime.datetime.combine(today, datetime.time(23, 45), tzinfo=zone)
    after_midnight = datetime.datetime.combine(tomorrow, datetime.time(0, 30), tzinfo=zone)
    tomorrow_evening = datetime.datetime.combine(tomorrow, datetime.time(19, 0), tzinfo=zone)
    for starts_at in (late, after_midnight, tomorrow_evening):
        SessionFactory(movie=movie, starts_at=starts_at)

    today_page = page(english, "/showtimes/new-york/", day=today.isoformat())
    tomorrow_page = page(english, "/showtimes/new-york/", day=tomorrow.isoformat())

    assert texts_of(today_page, "session-time") == ["11:45 PM", "12:30 AM"]
    assert texts_of(tomorrow_page, "session-time") == ["7:00 PM"]


def test_day_picker_spans_two_weeks_from_today_and_names_today_and_tomorrow(english, kyiv):
    today = kyiv_today()

    html = page(english, "/showtimes/kyiv/")

    days = texts_of(html, "day-picker")[0]
    assert days.startswith("Today")
    assert "Tomorrow" in days
    assert f'data-testid="day-{(today + datetime.timedelta(days=13)).isoformat()}"' in html
    assert f'data-testid="day-{(today + datetime.timedelta(days=14)).isoformat()}"' not in html


def test_filters_by_time_of_day_format_and_language(english, dune, multiplex):
    today = kyiv_today()
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(today, 10, 0), audio_language="uk")
    SessionFactory(
        movie=dune,
        theater=multiplex,
        starts_at=kyiv_at(today, 18, 0),
        format=SessionFormat.IMAX,
        audio_language="en",
        subtitles="uk",
    )
    SessionFactory(
        movie=dune, theater=multiplex, starts_at=kyiv_at(today, 22, 30), audio_language="en", subtitles=""
    )

    def times(**params):
        return texts_of(page(english, "/showtimes/kyiv/", **params), "session-time")

    assert times() == ["10:00 AM", "6:00 PM", "10:30 PM"]
    assert times(time="morning") == ["10:00 AM"]
    assert times(time="night") == ["10:30 PM"]
    assert times(format="IMAX") == ["6:00 PM"]
    assert times(language="dub") == ["10:00 AM"]
    assert times(language="subtitles") == ["6:00 PM"]
    assert times(language="original") == ["10:30 PM"]
    assert times(language="klingon", format="8D") == ["10:00 AM", "6:00 PM", "10:30 PM"]


def test_filters_matching_nothing_say_so_and_offer_the_whole_day(english, dune, multiplex):
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(kyiv_today(), 19, 0))

    html = page(english, "/showtimes/kyiv/", format="4DX")

    assert texts_of(html, "session-time") == []
    assert "No sessions match these filters." in texts_of(html, "empty-state")[0]


def test_unverified_sessions_are_hidden_until_asked_for(english, dune, multiplex):
    today = kyiv_today()
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(today, 12, 0))
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(today, 15, 0), verified=False, sources=[])

    hidden = page(english, "/showtimes/kyiv/")
    shown = page(english, "/showtimes/kyiv/", unverified="1")

    assert texts_of(hidden, "session-time") == ["12:00 PM"]
    assert "1 session without a confirming source is hidden." in texts_of(hidden, "unverified-hidden")[0]
    assert texts_of(shown, "session-time") == ["12:00 PM", "3:00 PM"]
    assert texts_of(shown, "session-unverified") == ["unverified"]


def test_each_cinema_says_when_its_sessions_were_verified_and_links_the_sources(english, dune, multiplex):
    SessionFactory(
        movie=dune,
        theater=multiplex,
        starts_at=kyiv_at(kyiv_today(), 19, 0),
        last_verified_at=timezone.now() - datetime.timedelta(hours=5, minutes=10),
        sources=[{"uri": "https://multiplex.ua/cinema/kyiv/lavina", "title": "multiplex.ua"}],
    )

    html = page(english, "/showtimes/kyiv/")

    assert texts_of(html, "verified")[0].startswith("Verified 5 hours ago · Sources: multiplex.ua")
    assert 'href="https://multiplex.ua/cinema/kyiv/lavina"' in html


def test_cancelled_sessions_and_unmatched_movies_are_not_shown(english, kyiv, multiplex):
    today = kyiv_today()
    SessionFactory(
        movie__location=kyiv, theater=multiplex, starts_at=kyiv_at(today, 19, 0), cancelled_at=timezone.now()
    )
    SessionFactory(
        movie=CityMovieFactory(location=kyiv, title=None, name="Невідомий фільм"), theater=multiplex
    )

    html = page(english, "/showtimes/kyiv/")

    assert texts_of(html, "session-time") == []
    assert "No sessions on this day." in texts_of(html, "empty-state")[0]


def test_the_movie_page_shows_only_that_movies_sessions_in_the_city(english, dune, multiplex):
    today = kyiv_today()
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(today, 19, 0))
    SessionFactory(movie__location=dune.location, theater=multiplex, starts_at=kyiv_at(today, 20, 0))

    html = page(english, "/showtimes/kyiv/tt15239678/")

    assert texts_of(html, "page-title") == ["Dune: Part Two in Kyiv"]
    assert texts_of(html, "session-time") == ["7:00 PM"]


def test_ics_holds_the_session_in_the_citys_zone_with_the_cinemas_address_and_booking_link(
    client, dune, multiplex
):
    starts_at = kyiv_at(kyiv_today() + datetime.timedelta(days=2), 19, 30)
    session = SessionFactory(
        movie=dune,
        theater=multiplex,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=166),
        booking_url="https://multiplex.ua/booking/123",
    )

    response = client.get(f"/showtimes/session/{session.pk}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts_at
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Kyiv"
    assert event.decoded("dtend") == starts_at + datetime.timedelta(minutes=166)
    assert str(event["location"]) == "Multiplex Lavina, Berkovetska St, 6D"
    assert str(event["url"]) == "https://multiplex.ua/booking/123"
    assert "Дюна: Частина друга" in str(event["summary"])


def test_reporting_a_wrong_session_stores_it_and_thanks_the_visitor(english, dune, multiplex):
    session = SessionFactory(movie=dune, theater=multiplex)

    form = english.get(f"/showtimes/session/{session.pk}/report/")
    response = english.post(
        f"/showtimes/session/{session.pk}/report/",
        {"reason": "wrong_time", "comment": "It starts at 20:00"},
        follow=True,
    )

    assert form.status_code == 200
    report = SessionReport.objects.get()
    assert (report.session, report.reason, report.comment) == (session, "wrong_time", "It starts at 20:00")
    assert "Thank you" in texts_of(response.content.decode(), "messages")[0]


def test_a_report_without_a_reason_is_refused_and_nothing_is_stored(english, dune, multiplex):
    session = SessionFactory(movie=dune, theater=multiplex)

    response = english.post(f"/showtimes/session/{session.pk}/report/", {"reason": "because"})

    assert response.status_code == 400
    assert "Choose what is wrong." in response.content.decode()
    assert not SessionReport.objects.exists()


@override_settings(SHOWTIMES_REPORTS_PER_HOUR=2)
def test_one_visitor_cannot_flood_the_reports(english, dune, multiplex):
    session = SessionFactory(movie=dune, theater=multiplex)
    url = f"/showtimes/session/{session.pk}/report/"

    statuses = [english.post(url, {"reason": "other"}).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert SessionReport.objects.count() == 2


def test_report_form_needs_a_csrf_token(dune, multiplex):
    from django.test import Client

    session = SessionFactory(movie=dune, theater=multiplex)

    response = Client(enforce_csrf_checks=True).post(
        f"/showtimes/session/{session.pk}/report/", {"reason": "other"}
    )

    assert response.status_code == 403
    assert not SessionReport.objects.exists()


def test_opening_an_uncovered_city_queues_one_run_and_shows_the_search(english):
    lviv = CoveredLocationFactory(city="Lviv", slug="lviv", status=Location.Status.IDLE, covered_until=None)

    html = page(english, "/showtimes/lviv/")

    lviv.refresh_from_db()
    assert lviv.status == Location.Status.QUEUED
    assert (
        "We are looking for Lviv's sessions: it takes about a minute" in texts_of(html, "progress-panel")[0]
    )
    assert texts_of(html, "empty-state") == []


def test_a_visit_while_the_run_works_does_not_queue_another(english):
    lviv = CoveredLocationFactory(
        city="Lviv", slug="lviv", status=Location.Status.SCRAPING, covered_until=None
    )

    page(english, "/showtimes/lviv/")

    lviv.refresh_from_db()
    assert lviv.status == Location.Status.SCRAPING


def test_a_covered_city_queues_nothing(english, kyiv):
    page(english, "/showtimes/kyiv/")

    kyiv.refresh_from_db()
    assert kyiv.status == Location.Status.READY


def _retry_notice(retry_at: datetime.datetime) -> str:
    """What the page says of a retry at `retry_at`, in English: at a time today, else on a day."""
    local = timezone.localtime(retry_at, zoneinfo.ZoneInfo("Europe/Kyiv"))
    with translation.override("en"):
        at = dateformat.format(local, "g:i A")
        if local.date() == kyiv_today():
            return f"Gemini could not be reached; we will try again at {at}."
        return f"Gemini could not be reached; we will try again on {dateformat.format(local, 'j F')} at {at}."


# Relative to now: a fixed "23:30 today" was in the past when the suite ran after 23:30 in Kyiv.
@pytest.mark.parametrize("retry_in", [datetime.timedelta(minutes=20), datetime.timedelta(days=2)])
def test_a_failed_city_says_when_it_tries_again_and_keeps_the_old_sessions(
    english, dune, multiplex, retry_in
):
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(kyiv_today(), 21, 0))
    retry_at = (timezone.now() + retry_in).replace(second=0, microsecond=0)
    Location.objects.filter(pk=dune.location.pk).update(
        status=Location.Status.FAILED, covered_until=None, retry_at=retry_at, last_error="503 x5"
    )

    html = page(english, "/showtimes/kyiv/")

    failure = texts_of(html, "failure-state")[0]
    assert _retry_notice(retry_at) in failure
    assert texts_of(html, "session-time") == ["9:00 PM"]
    assert Location.objects.get(pk=dune.location.pk).status == Location.Status.FAILED  # waits for retry_at


def test_a_day_without_sessions_says_so(english, kyiv):
    html = page(english, "/showtimes/kyiv/")

    assert "No sessions on this day." in texts_of(html, "empty-state")[0]


def test_the_fragment_is_the_results_alone(english, dune, multiplex):
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(kyiv_today(), 19, 0))

    html = page(english, "/showtimes/kyiv/", fragment="1")

    assert "<html" not in html
    assert texts_of(html, "session-time") == ["7:00 PM"]


def test_picking_a_city_by_its_ukrainian_name_opens_it_and_remembers_it(client):
    response = client.get("/showtimes/pick/", {"city": " Івано-Франківськ "}, follow=True)

    assert response.redirect_chain[-1][0] == "/showtimes/ivano-frankivsk/"
    location = Location.objects.get(slug="ivano-frankivsk")
    assert location.city == "Івано-Франківськ"
    assert location.status == Location.Status.QUEUED
    assert texts_of(page(client, "/showtimes/"), "remembered-city")[0].endswith("Івано-Франківськ")


def test_picking_a_known_city_by_name_opens_it_without_a_duplicate(client, kyiv):
    response = client.get("/showtimes/pick/", {"city": "kyiv"})

    assert response["Location"] == "/showtimes/kyiv/"
    assert Location.objects.count() == 1


def test_a_city_nobody_picked_is_not_found(client):
    assert client.get("/showtimes/atlantis/").status_code == 404


def test_the_city_page_costs_the_same_queries_however_many_movies_play(
    english, kyiv, multiplex, django_assert_max_num_queries
):
    def movies_playing(count):
        for _ in range(count):
            SessionFactory(movie=CityMovieFactory(location=kyiv), theater=multiplex)

    movies_playing(2)
    with CaptureQueriesContext(connection) as two_movies:
        page(english, "/showtimes/kyiv/")
    movies_playing(6)

    with django_assert_max_num_queries(len(two_movies)):
        html = page(english, "/showtimes/kyiv/")
    assert len(texts_of(html, "showtime-movie-link")) == 8


def test_the_home_page_leads_to_the_city_picked_last_time(english, kyiv):
    # The city page's script remembers the city (browser-tested in test_pages_browser.py).
    english.cookies["showtimes_city"] = "kyiv"

    html = page(english, "/")

    assert 'href="/showtimes/kyiv/" data-testid="card-showtimes"' in html
    assert "What is on in Kyiv's cinemas" in texts_of(html, "card-showtimes")[0]


@pytest.mark.parametrize("typed", ["<script>", "12345", "DROP TABLE;", "--"])
def test_what_cannot_be_a_city_name_creates_no_city(english, typed):
    response = english.get("/showtimes/pick/", {"city": typed}, follow=True)

    assert response.redirect_chain[-1][0] == "/showtimes/"
    assert "No city is called" in texts_of(response.content.decode(), "messages")[0]
    assert not Location.objects.exists()


def test_the_movie_page_of_a_title_the_catalog_lacks_is_not_found(english, kyiv):
    assert english.get("/showtimes/kyiv/tt0000001/").status_code == 404


def test_the_movie_page_names_the_movie_on_a_day_without_its_sessions(english, dune, multiplex):
    SessionFactory(movie=dune, theater=multiplex, starts_at=kyiv_at(kyiv_today(), 19, 0))
    other_day = (kyiv_today() + datetime.timedelta(days=3)).isoformat()

    html = page(english, "/showtimes/kyiv/tt15239678/", day=other_day)

    assert texts_of(html, "page-title") == ["Dune: Part Two in Kyiv"]
    assert "No sessions on this day." in texts_of(html, "empty-state")[0]

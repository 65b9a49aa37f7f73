"""The private calendar feed: sessions a person marked, parsed as a calendar app would."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from apps.accounts.models import SessionMark, User
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import (
    CityMovieFactory,
    CoveredLocationFactory,
    SessionFactory,
    TheaterFactory,
    kyiv_at,
    kyiv_today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    kyiv = CoveredLocationFactory(city="Київ", slug="kyiv")
    return SessionFactory(
        movie=CityMovieFactory(location=kyiv, title=TitleFactory(primary_title="Dovbush")),
        theater=TheaterFactory(location=kyiv, name="Zhovten", address="Kostiantynivska St, 26"),
        # An evening two days ahead: a session just after midnight belongs to the day before
        # on the showtimes page, which made a "now + 2 days" start fail after midnight in Kyiv.
        starts_at=kyiv_at(kyiv_today() + datetime.timedelta(days=2), 19, 0),
    )


def feed_url(client: Client) -> str:
    client.post("/accounts/calendar/link/", {"action": "issue"})
    return "/accounts/calendar/" + User.objects.get(email="olena@example.com").calendar_token + ".ics"


def test_the_feed_lists_the_marked_sessions_and_parses_as_icalendar(
    olena_client, olena, session, perks_grant
):
    perks_grant(olena)
    olena_client.post(f"/accounts/calendar/sessions/{session.pk}/", {"marked": "1"})
    url = feed_url(olena_client)

    response = Client().get(url)  # a calendar app: no cookie, only the URL

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Dovbush · Zhovten"
    assert event.decoded("dtstart") == session.starts_at.replace(
        microsecond=0
    )  # the same instant, in Kyiv time
    assert "Kostiantynivska St, 26" in str(event["location"])


def test_revoking_the_link_stops_the_feed_and_a_new_link_replaces_the_old(
    olena_client, olena, session, perks_grant
):
    perks_grant(olena)
    first = feed_url(olena_client)
    second = feed_url(olena_client)

    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200

    olena_client.post("/accounts/calendar/link/", {"action": "revoke"})

    assert Client().get(second).status_code == 404
    assert User.objects.get(email="olena@example.com").calendar_token is None


def test_the_showtimes_page_offers_to_mark_a_session_and_the_calendar_page_lists_it(
    olena_client, olena, session
):
    page = olena_client.get(
        f"/showtimes/kyiv/?day={timezone.localtime(session.starts_at).date().isoformat()}"
    )
    assert 'data-testid="session-calendar-toggle"' in page.content.decode()

    olena_client.post(
        f"/accounts/calendar/sessions/{session.pk}/", {"marked": "1", "next": "/showtimes/kyiv/"}
    )
    listed = olena_client.get("/accounts/calendar/").content.decode()

    assert SessionMark.objects.filter(user=olena, session=session).exists()
    assert "Dovbush" in listed
    assert "Zhovten" in listed


def test_an_unknown_token_is_404(client):
    assert client.get("/accounts/calendar/not-a-token.ics").status_code == 404


# --- The feed as a supporter perk ---------------------------------------------------------


def test_without_the_perk_the_calendar_page_explains_the_feed_and_links_the_plans(olena_client, olena):
    page = olena_client.get("/accounts/calendar/").content.decode()

    assert 'data-testid="calendar-perk"' in page
    assert 'href="/memberships/"' in page
    assert 'data-testid="calendar-issue"' not in page
    assert 'data-testid="calendar-url"' not in page


def test_without_the_perk_no_link_is_issued_and_the_person_is_told_why(olena_client, olena):
    response = olena_client.post("/accounts/calendar/link/", {"action": "issue"}, follow=True)

    assert User.objects.get(pk=olena.pk).calendar_token is None
    notice = response.content.decode()
    assert "Календарна стрічка — для тих, хто підтримує сайт." in notice
    assert 'href="/memberships/"' in notice


def test_the_profile_offers_the_feed_to_a_supporter_and_the_plans_to_everyone_else(
    olena_client, olena, perks_grant
):
    free = olena_client.get("/accounts/profile/").content.decode()
    perks_grant(olena)
    supporter = olena_client.get("/accounts/profile/").content.decode()

    assert 'data-testid="profile-feed-link"' not in free
    assert 'href="/memberships/"' in free
    assert 'data-testid="profile-feed-link"' in supporter


def test_a_feed_whose_perk_ended_answers_a_calendar_saying_so_and_renewal_brings_the_sessions_back(
    olena_client, olena, session, perks_grant
):
    perks_grant(olena)
    olena_client.post(f"/accounts/calendar/sessions/{session.pk}/", {"marked": "1"})
    url = feed_url(olena_client)

    perks_grant.end(olena)
    paused = Client().get(url)

    assert paused.status_code == 200  # phones keep the subscription and show why
    assert paused["Content-Type"].startswith("text/calendar")
    (note,) = Calendar.from_ical(paused.content).walk("VEVENT")
    assert str(note["summary"]) == "CineStream: вашу календарну стрічку призупинено"
    assert note.decoded("dtstart") == timezone.localdate()  # an all-day event, today
    assert "/memberships/" in str(note["description"])
    assert User.objects.get(pk=olena.pk).calendar_token is not None  # not revoked

    perks_grant(olena)
    renewed = Calendar.from_ical(Client().get(url).content).walk("VEVENT")

    assert [str(event["summary"]) for event in renewed] == ["Dovbush · Zhovten"]


def test_after_the_perk_ended_the_link_can_still_be_turned_off(olena_client, olena, perks_grant):
    perks_grant(olena)
    url = feed_url(olena_client)
    perks_grant.end(olena)

    olena_client.post("/accounts/calendar/link/", {"action": "revoke"})

    assert Client().get(url).status_code == 404

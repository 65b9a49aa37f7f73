"""A person's data: the JSON download, and deleting the account (aggregates stay, anonymous)."""

import json

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.test import Client

from apps.accounts.models import FilmAlert, TitleMark, User
from apps.trends.models import MemberRatings
from tests.factories.catalog import GenreFactory, TitleFactory
from tests.factories.showtimes import CoveredLocationFactory
from tests.support.accounts import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(olena_client, olena, perks_grant):
    perks_grant(olena)  # the calendar feed is a supporter's
    kyiv = CoveredLocationFactory(city="Київ", slug="kyiv")
    olena.home_city = kyiv
    olena.save()
    olena.favourite_genres.set([GenreFactory(name="Drama")])
    film = TitleFactory(imdb_id="tt27536999", primary_title="Dovbush")
    olena_client.post(f"/accounts/titles/{film.imdb_id}/rating/", {"rating": "9"})
    olena_client.post(f"/accounts/titles/{film.imdb_id}/watchlist/", {"listed": "1"})
    olena_client.post(f"/accounts/titles/{film.imdb_id}/alert/", {"alert": "1"})
    olena_client.post("/accounts/calendar/link/", {"action": "issue"})
    return film


def test_the_download_holds_the_account_profile_marks_and_alerts(olena_client, marked):
    response = olena_client.get("/accounts/my-data.json")

    assert response["Content-Disposition"] == 'attachment; filename="cinestream-my-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "olena@example.com"
    assert data["account"]["has_calendar_feed"] is True
    assert data["profile"] == {
        "language": "uk",
        "home_city": "kyiv",
        "favourite_genres": ["Drama"],
        "saved_cities": [],
        "trends_report": False,
        "trends_reports_sent": [],
    }
    (title,) = data["titles"]
    assert (title["imdb_id"], title["rating"], title["watchlisted_at"] is not None) == ("tt27536999", 9, True)
    assert data["film_alerts"][0]["city"] == "kyiv"


def test_the_download_needs_a_signed_in_person(db):
    assert Client().get("/accounts/my-data.json").status_code == 302


def test_deleting_removes_the_person_and_keeps_the_anonymous_rating_tally(olena_client, olena, marked):
    Client().post("/accounts/login/", {"login": "olena@example.com", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="olena@example.com").exists()

    wrong = olena_client.post("/accounts/delete/", {"password": "not-mine"})
    assert wrong.status_code == 200
    assert User.objects.filter(pk=olena.pk).exists()

    gone = olena_client.post("/accounts/delete/", {"password": PASSWORD})

    assert gone.status_code == 302
    assert not User.objects.filter(email="olena@example.com").exists()
    assert not TitleMark.objects.exists()
    assert not FilmAlert.objects.exists()
    assert not EmailAddress.objects.filter(email="olena@example.com").exists()
    assert not AccessAttempt.objects.filter(username="olena@example.com").exists()
    assert "_auth_user_id" not in olena_client.session
    tally = MemberRatings.objects.get(title=marked)
    assert (tally.votes, tally.total) == (1, 9)

"""Rating, "seen" and the watchlist on a title's page: plain POST forms, feeding the trend score."""

import re

import pytest
from django.test import Client

from apps.accounts.models import TitleMark
from apps.trends.models import MemberRatings, TrendScore
from apps.trends.services import views_flush
from tests.factories.catalog import TitleFactory
from tests.support.accounts import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def dune():
    return TitleFactory(imdb_id="tt15239678", primary_title="Dune: Part Two", rating=None, votes=0)


def test_a_title_page_offers_rating_seen_and_watchlist_to_a_signed_in_person(olena_client, dune):
    page = olena_client.get(f"/catalog/{dune.imdb_id}/").content.decode()

    assert 'data-testid="rate-10"' in page
    assert 'data-testid="seen-toggle"' in page
    assert 'data-testid="watchlist-toggle"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_visitor_is_invited_to_sign_in_instead(client, dune):
    page = client.get(f"/catalog/{dune.imdb_id}/").content.decode()

    assert 'data-testid="title-marks-sign-in"' in page
    assert 'data-testid="rate-10"' not in page


def test_rating_is_kept_shown_and_changes_the_members_tally(olena_client, olena, dune):
    back = olena_client.post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": "8"})

    assert back.status_code == 302
    assert back["Location"] == f"/catalog/{dune.imdb_id}/"
    assert TitleMark.objects.get(user=olena, title=dune).rating == 8
    page = olena_client.get(back["Location"]).content.decode()
    assert re.search(r'data-testid="rate-8"[^>]*aria-pressed="true"', page)
    assert not re.search(r'data-testid="rate-7"[^>]*aria-pressed="true"', page)

    olena_client.post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": "6"})
    assert (MemberRatings.objects.get(title=dune).votes, MemberRatings.objects.get(title=dune).total) == (
        1,
        6,
    )

    olena_client.post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": ""})
    assert (MemberRatings.objects.get(title=dune).votes, MemberRatings.objects.get(title=dune).total) == (
        0,
        0,
    )
    assert not TitleMark.objects.filter(user=olena, title=dune).exists()


@pytest.mark.parametrize("rating", ["0", "11", "seven", "7.5"])
def test_a_rating_outside_1_to_10_is_refused(olena_client, olena, dune, rating):
    olena_client.post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": rating})

    assert not TitleMark.objects.filter(user=olena, title=dune).exists()


def test_members_ratings_move_the_weighted_rating_of_the_trend_score(
    dune, django_capture_on_commit_callbacks, tasks_in_process
):
    for number, rating in enumerate([9, 10, 10]):
        member = user_create(f"member{number}@example.com")
        client = Client()
        client.force_login(member, backend="allauth.account.auth_backends.AuthenticationBackend")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": str(rating)})

    score = TrendScore.objects.get(title=dune)
    # No IMDb or TMDB votes: R is the members' mean, pulled towards C (no catalog mean: R itself).
    assert score.weighted_rating == pytest.approx(29 / 3)


def test_seen_counts_one_view_once_per_person_however_often_it_is_toggled(olena_client, olena, dune):
    for seen in ["1", "0", "1", "0", "1"]:
        olena_client.post(f"/accounts/titles/{dune.imdb_id}/seen/", {"seen": seen})

    report = views_flush()

    assert TitleMark.objects.get(user=olena, title=dune).seen_at is not None
    assert report.views == 1


def test_the_watchlist_adds_lists_and_removes_titles(olena_client, olena, dune):
    other = TitleFactory(primary_title="Shadows of Forgotten Ancestors")

    olena_client.post(f"/accounts/titles/{dune.imdb_id}/watchlist/", {"listed": "1"})
    olena_client.post(f"/accounts/titles/{other.imdb_id}/watchlist/", {"listed": "1"})
    page = olena_client.get("/accounts/watchlist/").content.decode()

    assert page.index("Shadows of Forgotten Ancestors") < page.index("Dune: Part Two")  # newest first

    olena_client.post(
        f"/accounts/titles/{dune.imdb_id}/watchlist/", {"listed": "0", "next": "/accounts/watchlist/"}
    )
    page = olena_client.get("/accounts/watchlist/").content.decode()
    assert "Dune: Part Two" not in page
    assert "Shadows of Forgotten Ancestors" in page


def test_marks_need_a_signed_in_person_and_a_post(olena_client, dune):
    assert Client().post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": "5"}).status_code == 302
    assert olena_client.get(f"/accounts/titles/{dune.imdb_id}/rating/").status_code == 405
    assert not TitleMark.objects.exists()


def test_marks_refuse_a_post_without_the_csrf_token(olena, dune):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(olena, backend="allauth.account.auth_backends.AuthenticationBackend")

    assert strict.post(f"/accounts/titles/{dune.imdb_id}/rating/", {"rating": "5"}).status_code == 403


def test_an_unknown_title_is_404(olena_client):
    assert olena_client.post("/accounts/titles/tt9999999/rating/", {"rating": "5"}).status_code == 404


def test_the_form_never_sends_a_person_to_another_site(olena_client, dune):
    back = olena_client.post(
        f"/accounts/titles/{dune.imdb_id}/seen/", {"seen": "1", "next": "https://evil.example/"}
    )

    assert back["Location"] == f"/catalog/{dune.imdb_id}/"

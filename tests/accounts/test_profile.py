"""The profile: the language the site speaks when signed in, the home city, favourite genres."""

import re

import pytest
from django.conf import settings
from django.test import Client

from apps.accounts.models import User
from tests.factories.catalog import GenreFactory
from tests.factories.showtimes import CoveredLocationFactory
from tests.support.accounts import PASSWORD, user_create

pytestmark = pytest.mark.django_db


def test_saving_the_profile_keeps_language_home_city_and_genres(olena_client, olena):
    lviv = CoveredLocationFactory(city="Lviv")
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")

    saved = olena_client.post(
        "/accounts/profile/",
        {"language": "en", "home_city": lviv.pk, "favourite_genres": [drama.pk, comedy.pk]},
    )

    assert saved.status_code == 302
    olena.refresh_from_db()
    assert olena.language == "en"
    assert olena.home_city == lviv
    assert set(olena.favourite_genres.values_list("name", flat=True)) == {"Drama", "Comedy"}
    page = olena_client.get("/accounts/profile/").content.decode()
    assert 'lang="en"' in page
    assert "Profile saved." in page


def test_the_profile_lists_genres_in_the_visitors_language(olena_client):
    GenreFactory(name="Drama")

    page = olena_client.get("/accounts/profile/").content.decode()

    assert "Драма" in page


def test_the_profile_needs_a_signed_in_person(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_the_site_speaks_the_profiles_language_whatever_the_cookie(client):
    user_create("anna@example.com", language="ru")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="en"' in client.get("/").content.decode()

    client.post("/accounts/login/", {"login": "anna@example.com", "password": PASSWORD})

    assert 'lang="ru"' in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert 'lang="en"' in client.get("/").content.decode()  # the visitor's own choice again


def test_the_header_language_switch_saves_a_signed_in_persons_language(olena_client, olena):
    olena_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    olena.refresh_from_db()
    assert olena.language == "en"
    assert 'lang="en"' in olena_client.get("/").content.decode()


def test_a_visitor_switches_language_from_a_page_that_holds_no_csrf_token(db):
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/").content.decode()

    switched = visitor.post("/i18n/setlang/", {"language": "ru", "next": "/catalog/"})

    assert "csrfmiddlewaretoken" not in page  # one page for every visitor, so it can be cached
    assert switched.status_code == 302
    assert switched["Location"] == "/catalog/"
    assert 'lang="ru"' in visitor.get("/").content.decode()


def test_a_signed_in_persons_language_switch_still_needs_its_csrf_token(olena):
    person = Client(enforce_csrf_checks=True)
    person.force_login(olena, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = person.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    forged = person.post("/i18n/setlang/", {"language": "en", "next": "/"})
    olena.refresh_from_db()
    assert forged.status_code == 403
    assert olena.language != "en"

    person.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    olena.refresh_from_db()
    assert olena.language == "en"


def test_showtimes_open_in_the_home_city_after_signing_in(client):
    odesa = CoveredLocationFactory(city="Odesa")
    user_create("petro@example.com", home_city=odesa)

    client.post("/accounts/login/", {"login": "petro@example.com", "password": PASSWORD})
    page = client.get("/showtimes/").content.decode()

    assert 'data-testid="remembered-city"' in page
    assert "/showtimes/odesa/" in page
    assert User.objects.get(email="petro@example.com").home_city == odesa

"""The admin's pages for people: listed by e-mail, added and edited with the custom model."""

import pytest

from apps.accounts.models import SavedCity, User
from tests.factories.showtimes import CoveredLocationFactory

pytestmark = pytest.mark.django_db


def test_admins_list_add_and_edit_people_by_email(admin_client, olena):
    listed = admin_client.get("/admin/accounts/user/", {"q": "olena"}).content.decode()
    assert "olena@example.com" in listed

    added = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.com",
            "usable_password": "true",
            "password1": "Lviv-cinema-2026!",
            "password2": "Lviv-cinema-2026!",
        },
    )
    assert added.status_code == 302
    person = User.objects.get(email="new.person@example.com")
    assert person.check_password("Lviv-cinema-2026!")

    assert admin_client.get(f"/admin/accounts/user/{olena.pk}/change/").status_code == 200


def test_a_persons_page_lists_their_saved_cities_and_trends_email_choice(admin_client, olena):
    SavedCity.objects.create(user=olena, location=CoveredLocationFactory(city="Lviv", slug="lviv"))

    page = admin_client.get(f"/admin/accounts/user/{olena.pk}/change/").content.decode()

    assert "Lviv" in page
    assert 'name="is_trends_report_on"' in page

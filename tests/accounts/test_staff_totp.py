"""The admin lets staff in only after two-factor (TOTP) sign-in."""

import time

import pytest
from allauth.mfa.models import Authenticator

from tests.support.accounts import PASSWORD, totp_activate, totp_code, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return user_create("admin@example.com", is_staff=True, is_superuser=True)


def test_staff_with_totp_must_enter_the_code_before_the_admin_opens(client, staff):
    secret = totp_activate(staff)

    after_password = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert after_password["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing

    an_hour_ago = totp_code(secret, at=time.time() - 3600)  # outside the app's window of one step
    wrong = client.post("/accounts/2fa/authenticate/", {"code": an_hour_ago})
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302

    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})

    assert client.get("/admin/").status_code == 200


def test_staff_without_totp_are_sent_to_set_it_up_and_refused_the_admin(client, staff):
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session

    refused = client.get("/admin/", follow=True)

    steps = [url for url, _status in refused.redirect_chain]
    assert any(url.startswith("/accounts/2fa/totp/activate/") for url in steps)  # (after the password again)
    assert "співробітник має спершу налаштувати двофакторний вхід (TOTP)" in refused.content.decode()
    assert client.get("/admin/catalog/title/").status_code == 302


def test_a_visitor_going_to_the_admin_is_sent_to_the_sites_sign_in(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")


def test_staff_cannot_remove_their_totp(client, staff):
    secret = totp_activate(staff)
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})

    client.post("/accounts/2fa/totp/deactivate/", {})

    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_people_who_are_not_staff_cannot_open_the_admin(olena_client):
    assert olena_client.get("/admin/").status_code == 302

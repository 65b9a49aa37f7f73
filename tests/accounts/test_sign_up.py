"""Sign-up, e-mail verification and sign-in through allauth's pages, in the site's frame."""

import re

import pytest
from django.conf import settings
from django.core import mail

from apps.accounts.models import User
from tests.support.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def confirmation_link(message: mail.EmailMessage) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_sign_up_sends_a_link_that_verifies_the_address_and_then_sign_in_works(client):
    signed_up = client.post(
        "/accounts/signup/", {"email": "Taras@Example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert signed_up.status_code == 302
    assert "_auth_user_id" not in client.session  # not before the address is verified

    (message,) = mail.outbox
    assert message.to == ["taras@example.com"]
    link = confirmation_link(message)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200  # a page with a button: no GET side effect
    assert client.post(path).status_code == 302

    signed_in = client.post("/accounts/login/", {"login": "TARAS@example.com", "password": PASSWORD})

    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="taras@example.com").pk)


def test_an_unverified_address_cannot_sign_in(client):
    client.post(
        "/accounts/signup/", {"email": "ivan@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )

    client.post("/accounts/login/", {"login": "ivan@example.com", "password": PASSWORD})

    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) >= 1


def test_passwords_are_stored_with_argon2(olena):
    assert olena.password.startswith("argon2$argon2id$")


def test_the_sign_up_page_is_the_sites_and_speaks_the_visitors_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    page = client.get("/accounts/signup/").content.decode()

    assert 'data-testid="brand"' in page  # the site's header
    assert "Зареєструватись" in page
    assert "<style" not in page
    assert " style=" not in page


def test_the_header_offers_sign_in_and_sign_up_then_the_persons_menu(client, olena):
    anonymous = client.get("/").content.decode()
    assert 'data-testid="sign-in"' in anonymous
    assert 'data-testid="sign-up"' in anonymous

    client.force_login(olena, backend="allauth.account.auth_backends.AuthenticationBackend")
    signed_in = client.get("/").content.decode()

    assert 'data-testid="sign-out"' in signed_in
    assert 'data-testid="nav-profile"' in signed_in
    assert 'data-testid="sign-in"' not in signed_in


def test_a_password_reset_mail_is_sent_for_a_known_address(client, olena):
    client.post("/accounts/password/reset/", {"email": "olena@example.com"})

    (message,) = mail.outbox
    assert message.to == ["olena@example.com"]
    assert "/accounts/password/reset/key/" in message.body

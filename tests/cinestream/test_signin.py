"""Sign-in (allauth's page, which the admin sends staff to): lockout by address and by account, its page, and the bound on password checks."""

import threading
import time

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db.models import F

from tests.support.accounts import allauth_cache_reset, user_create
from tests.support.processes import daphne_start

pytestmark = pytest.mark.embedded

LOGIN = "/accounts/login/"


class CountingHasher(MD5PasswordHasher):
    """A fast hasher that counts the passwords it hashes or checks."""

    algorithm = "counting_md5"
    count = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.count += 1
        return super().encode(password, salt)


@pytest.fixture
def counted_hashing(settings) -> type[CountingHasher]:
    settings.PASSWORD_HASHERS = ["tests.cinestream.test_signin.CountingHasher"]
    CountingHasher.count = 0
    return CountingHasher


@pytest.fixture
def admin(counted_hashing):
    return user_create("boss@example.com", password="right-password", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def allauth_limits_reset():
    allauth_cache_reset()


def sign_in(client, login: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"login": login, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_lock_it_out_even_for_the_right_password(
    client, admin, counted_hashing
):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, f"guess{attempt}@example.com", "wrong").status_code == 200  # the form again
    assert sign_in(client, "guess-last@example.com", "wrong").status_code == 429

    hashed_before = counted_hashing.count
    refused = sign_in(client, "boss@example.com", "right-password")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert counted_hashing.count == hashed_before, "a locked-out attempt hashed a password"
    assert "_auth_user_id" not in client.session
    # Another address is not locked out, and the account is not either.
    assert sign_in(client, "boss@example.com", "right-password", address="198.51.100.1").status_code == 302


@pytest.mark.django_db
def test_wrong_passwords_for_one_account_from_many_addresses_lock_the_account(client, admin):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "boss@example.com", "wrong", address=f"198.51.100.{attempt + 1}")

    refused = sign_in(client, "boss@example.com", "right-password", address="192.0.2.200")

    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("language", "title", "retry"),
    [
        ("uk", "Вхід заблоковано", "Спробуйте знову через 15 хвилин"),
        ("en", "Sign-in locked", "Try again in 15 minutes"),
        ("ru", "Вход заблокирован", "Попробуйте снова через 15 минут"),
    ],
)
@pytest.mark.django_db
def test_the_lockout_page_says_when_to_try_again_in_the_visitors_language(
    client, admin, language, title, retry
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "boss@example.com", "wrong")

    page = sign_in(client, "boss@example.com", "right-password").content.decode()

    assert title in page
    assert retry in page


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, admin, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "boss@example.com", "wrong")
    assert sign_in(client, "boss@example.com", "right-password").status_code == 429

    # The cool-off passes: the stored failures become older than it (no waiting in the test).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)

    assert sign_in(client, "boss@example.com", "right-password").status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


@pytest.fixture
def sign_in_server(transactional_db, django_user_model):
    """A Daphne with real (PBKDF2) password hashing, one check at a time, and no lockout."""
    user_create("boss@example.com", password="right-password", is_staff=True)
    server, url = daphne_start(
        settings.DATABASES["default"], LOGIN_CONCURRENT_CHECKS="1", LOGIN_FAILURE_LIMIT="1000"
    )
    yield url
    server.stop()


def test_a_burst_of_sign_ins_beyond_the_bound_is_answered_busy_at_once(sign_in_server):
    burst = 8
    sessions = []
    for _ in range(burst):
        session = requests.Session()
        session.get(sign_in_server + LOGIN, timeout=10)
        sessions.append(session)
    start = threading.Barrier(burst)
    results: list[tuple[int, float, str]] = []

    def attempt(session: requests.Session, number: int) -> None:
        form = {
            "login": f"guess{number}@example.com",
            "password": "wrong",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        }
        start.wait()
        began = time.perf_counter()
        reply = session.post(
            sign_in_server + LOGIN, data=form, headers={"Referer": sign_in_server + LOGIN}, timeout=30
        )
        results.append((reply.status_code, time.perf_counter() - began, reply.headers.get("Retry-After", "")))

    threads = [threading.Thread(target=attempt, args=(s, n)) for n, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    checked = [seconds for status, seconds, _ in results if status == 200]
    busy = [(seconds, retry) for status, seconds, retry in results if status == 429]
    assert len(checked) + len(busy) == burst
    # One password check at a time: the others are answered before a check could finish.
    assert len(busy) >= burst - 2, results
    assert all(retry for _, retry in busy)
    assert max(seconds for seconds, _ in busy) < min(checked), results

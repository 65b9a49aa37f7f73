"""Supporters' API keys: made on the billing page, shown once, a higher write limit on the
public API, and a 401 for a key that is unknown or revoked."""

import re
import uuid

import pytest
from django.test import override_settings

from apps.memberships.models import ApiKey, Plan
from tests.factories.catalog import TitleFactory
from tests.support.accounts import user_create
from tests.support.memberships import supporter_make

pytestmark = pytest.mark.django_db


def _address() -> str:
    """A client address of the test's own, so counts in a shared Redis never meet."""
    number = uuid.uuid4().int
    return f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250 + 1}"


@pytest.fixture
def supporter_client(client):
    person = user_create("olena@example.com", language="en")
    supporter_make(person)
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def _key_made(client) -> str:
    page = client.post("/memberships/billing/api-keys/").content.decode()
    return re.search(r'data-testid="api-key-secret">([^<]+)<', page).group(1)


def _view(client, address: str, **headers):
    body = {"imdb_id": TitleFactory().imdb_id}
    return client.post(
        "/api/v1/movies/view", body, content_type="application/json", REMOTE_ADDR=address, **headers
    )


def test_a_supporter_makes_a_key_that_is_shown_once_and_stored_as_a_hash(supporter_client):
    key = _key_made(supporter_client)

    stored = ApiKey.objects.get()
    assert key.startswith(f"cs_{stored.prefix}_")
    assert key not in stored.secret_hash
    later = supporter_client.get("/memberships/billing/").content.decode()
    assert key not in later
    assert f"cs_{stored.prefix}_…" in later


def test_a_free_member_gets_no_key(client):
    person = user_create("taras@example.com", language="en")
    client.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")

    reply = client.post("/memberships/billing/api-keys/", follow=True)

    assert "API keys come with the Supporter plan" in reply.content.decode()
    assert not ApiKey.objects.exists()


@override_settings(API_WRITE_RATE=(1, 60))
def test_a_key_writes_past_the_anonymous_limit_at_its_plans_rate(supporter_client):
    Plan.objects.filter(code="supporter").update(api_write_rate="3/minute")
    key = _key_made(supporter_client)
    address = _address()

    anonymous = [_view(supporter_client, address).status_code for _ in range(2)]
    keyed = [_view(supporter_client, address, HTTP_X_API_KEY=key).status_code for _ in range(4)]

    assert anonymous == [202, 429]
    # Counted per key, at the plan's 3/minute, not at the address's 1/minute.
    assert keyed == [202, 202, 202, 429]


@override_settings(API_WRITE_RATE=(1, 60))
def test_a_bearer_key_counts_as_the_same_key(supporter_client):
    key = _key_made(supporter_client)
    address = _address()

    statuses = {
        _view(supporter_client, address, HTTP_AUTHORIZATION=f"Bearer {key}").status_code for _ in range(3)
    }

    assert statuses == {202}


def test_a_revoked_or_unknown_key_is_401_with_the_apis_error_shape(supporter_client):
    key = _key_made(supporter_client)
    supporter_client.post(f"/memberships/billing/api-keys/{ApiKey.objects.get().pk}/revoke/")

    revoked = _view(supporter_client, _address(), HTTP_X_API_KEY=key)
    unknown = supporter_client.get("/api/v1/titles", HTTP_AUTHORIZATION="Bearer cs_nothing_here")

    assert revoked.status_code == 401
    assert revoked.json()["code"] == "api_key_invalid"
    assert unknown.status_code == 401
    assert set(unknown.json()) == {"code", "message"}


def test_requests_without_a_key_are_served_as_before(client):
    assert client.get("/api/v1/titles").status_code == 200


def test_the_api_docs_describe_the_key(client):
    schema = client.get("/api/openapi.json").json()

    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
    assert "Optional" in scheme["description"]
    # Optional: no operation requires it.
    assert not any(
        "security" in operation for path in schema["paths"].values() for operation in path.values()
    )

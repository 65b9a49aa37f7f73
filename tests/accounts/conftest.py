import pytest

from apps.accounts.models import User
from tests.memberships.conftest import perks_grant  # noqa: F401  (the perks features' tests use it)
from tests.support.accounts import allauth_cache_reset, user_create


@pytest.fixture(autouse=True)
def allauth_limits_reset() -> None:
    allauth_cache_reset()


@pytest.fixture(autouse=True)
def trends_isolated_each(trends_isolated: str) -> str:
    """Ratings and "seen" reach the trends' counters and boards: fresh ones for each test."""
    return trends_isolated


@pytest.fixture
def olena(db) -> User:
    """A signed-up person whose e-mail address is verified."""
    return user_create("olena@example.com")


@pytest.fixture
def olena_client(client, olena):
    client.force_login(olena, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client

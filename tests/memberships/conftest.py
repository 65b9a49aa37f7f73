"""Fixtures of the memberships tests: people, and the payment providers' stand-ins with the
settings pointing at them; `perks_grant(user)` for the perk features' tests, which replaces
`perks.perks_for` so they need no payment (`perks_grant.end(user)`: a downgrade)."""

import copy
import importlib
from collections.abc import Iterator

import django.apps
import pytest
from django.conf import settings
from django.test import override_settings

from apps.accounts.models import User
from apps.memberships import perks
from apps.memberships.perks import FREE, Perks
from tests.standins.stripe import StripeStandin, stripe_serve
from tests.standins.stripe_wire import SECRET_KEY, WEBHOOK_SECRET
from tests.support.accounts import user_create
from tests.support.memberships import plans_ensure


@pytest.fixture(autouse=True)
def plans(db) -> None:
    """Free and Supporter as migrated (see plans_ensure)."""
    plans_ensure()


@pytest.fixture(autouse=True)
def plans_seeded(request: pytest.FixtureRequest) -> None:
    """The plans the migrations seed, present in every test that uses the database.

    A transactional test (a live server's) ends by emptying every table, seeded rows too, and
    a later session with --reuse-db starts from that; so each test seeds them again (get or
    create, the migration's own function)."""
    uses_database = request.node.get_closest_marker("django_db") is not None or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_database:
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
        seed = importlib.import_module("apps.memberships.migrations.0002_plans_seed")
        seed.plans_seed(django.apps.apps, None)


@pytest.fixture
def olena(db) -> User:
    """A signed-up person whose e-mail address is verified."""
    return user_create("olena@example.com")


@pytest.fixture
def olena_client(client, olena):
    client.force_login(olena, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


@pytest.fixture
def stripe_standin() -> Iterator[StripeStandin]:
    """The Stripe stand-in on a loopback port; the real client talks to it with its test keys,
    and our pages' forms may lead to its hosted pages as they may to Stripe's."""
    with stripe_serve() as standin:
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["form-action"].append(standin.base_url)
        with override_settings(
            STRIPE_BASE_URL=standin.base_url,
            STRIPE_SECRET_KEY=SECRET_KEY,
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            PAYMENTS_TIMEOUT_SECONDS=5.0,
            CONTENT_SECURITY_POLICY=policy,
        ):
            yield standin


SUPPORTER = Perks(
    plan="supporter",
    saved_cities_max=10,
    alerts_max=50,
    calendar_feed=True,
    trends_report_early=True,
)


class PerksGrant:
    def __init__(self) -> None:
        self._granted: dict[int, Perks] = {}

    def __call__(self, user: object, granted: Perks = SUPPORTER) -> None:
        self._granted[user.pk] = granted

    def end(self, user: object) -> None:
        self._granted.pop(user.pk, None)

    def perks_for(self, user: object) -> Perks:
        return self._granted.get(getattr(user, "pk", None), FREE)


@pytest.fixture
def perks_grant(monkeypatch: pytest.MonkeyPatch) -> PerksGrant:
    grant = PerksGrant()
    monkeypatch.setattr(perks, "perks_for", grant.perks_for)
    return grant

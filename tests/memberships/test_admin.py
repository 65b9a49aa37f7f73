"""The admin's memberships pages: admins edit plans; subscriptions, payments and provider
events are read-only for everyone (their state comes from webhooks); operators only look."""

import pytest
from django.contrib.auth.models import Group

from apps.memberships.models import ApiKey, Checkout, Payment, Plan, Subscription, WebhookEvent
from tests.support.accounts import client_signed_in_with_totp, totp_activate, user_create
from tests.support.memberships import supporter_make

pytestmark = pytest.mark.django_db

PAGES = ["plan", "subscription", "payment", "checkout", "webhookevent", "apikey"]


def _staff_in(client, role: str):
    user = user_create(f"{role}@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    totp_activate(user)
    return client_signed_in_with_totp(client, user)


@pytest.fixture
def records(db):
    subscription = supporter_make(user_create("olena@example.com"))
    ApiKey.objects.create(user=subscription.user, prefix="abcd1234", secret_hash="0" * 64)
    return subscription


def test_every_memberships_page_loads_for_the_admin_role(client, records):
    admin = _staff_in(client, "admin")

    for page in PAGES:
        assert admin.get(f"/admin/memberships/{page}/").status_code == 200, page
    for model in (Subscription, Payment, Checkout, WebhookEvent, ApiKey):
        row = model.objects.first()
        assert admin.get(f"/admin/memberships/{model._meta.model_name}/{row.pk}/change/").status_code == 200
    assert admin.get("/admin/memberships/plan/add/").status_code == 200


def test_what_webhooks_write_cannot_be_changed_in_the_admin(client, records):
    admin = _staff_in(client, "admin")

    page = admin.get(f"/admin/memberships/subscription/{records.pk}/change/").content.decode()

    assert 'name="status"' not in page  # shown, not editable
    assert admin.get("/admin/memberships/payment/add/").status_code == 403


def test_operators_look_at_memberships_but_change_nothing(client, records):
    operator = _staff_in(client, "operator")

    assert operator.get("/admin/memberships/subscription/").status_code == 200
    assert operator.get("/admin/memberships/plan/").status_code == 200
    assert operator.get("/admin/memberships/plan/add/").status_code == 403
    held = set(Group.objects.get(name="operator").permissions.values_list("codename", flat=True))
    assert "view_plan" in held
    assert "change_plan" not in held


def test_a_plans_write_rate_must_be_readable(client):
    admin = _staff_in(client, "admin")
    form = {
        "code": "patron",
        "name_uk": "Меценат",
        "name_en": "Patron",
        "name_ru": "Меценат",
        "is_active": "on",
        "price_uah": "199.00",
        "price_usd": "9.99",
        "price_year_uah": "1990.00",
        "price_year_usd": "99.00",
        "api_key": "on",
        "api_write_rate": "lots",
        "saved_cities_max": "20",
        "alerts_max": "100",
    }

    refused = admin.post("/admin/memberships/plan/add/", form)
    added = admin.post("/admin/memberships/plan/add/", {**form, "api_write_rate": "1200/minute"})

    assert refused.status_code == 200
    assert added.status_code == 302
    assert Plan.objects.get(code="patron").perks().api_write_rate == "1200/minute"

"""monobank end to end: a checkout opened by the services, paid on the stand-in's page, and
its signed webhooks sent by the stand-in to the site's live webhook endpoint."""

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from apps.analytics.models import AuditEvent
from apps.memberships.models import Checkout, Payment, Plan, Subscription, WebhookEvent
from apps.memberships.perks import perks_for
from apps.memberships.services import (
    CheckoutUrls,
    checkout_begin,
    subscription_cancel_request,
    subscriptions_reconcile,
)
from tests.support.memberships import perks_forget


@pytest.fixture
def site(live_server, transactional_db, tasks_in_process, monobank_standin) -> str:
    """The site on a live port, its tasks in process, monobank answered by the stand-in, and
    the plans the migration seeds (a transactional test empties the tables first)."""
    for fields in import_module("apps.memberships.migrations.0002_plans_seed").PLANS:
        Plan.objects.get_or_create(
            code=fields["code"], defaults={k: v for k, v in fields.items() if k != "code"}
        )
    return live_server.url


def _urls(site: str) -> CheckoutUrls:
    return CheckoutUrls(
        success_url=f"{site}/memberships/checkout/{{reference}}/done/",
        cancel_url=f"{site}/memberships/checkout/{{reference}}/canceled/",
        webhook_url=f"{site}/memberships/webhooks/monobank/",
    )


def _donation_opened(site: str, amount: str = "150") -> str:
    """A visitor's donation, opened at monobank; returns the page they are sent to."""
    return checkout_begin(
        user=AnonymousUser(),
        kind=Checkout.Kind.DONATION,
        amount=Decimal(amount),
        currency="UAH",
        provider_name="monobank",
        email="donor@example.com",
        urls=_urls(site),
    )


def _pay(page_url: str, outcome: str = "success") -> requests.Response:
    """The payer's click on monobank's page; the stand-in sends its webhooks before answering."""
    return requests.post(page_url, data={"outcome": outcome}, allow_redirects=False, timeout=30)


def _invoice_id(page_url: str) -> str:
    return page_url.rsplit("/", 1)[1]


def test_a_donation_paid_by_monobank_is_stored_audited_and_receipted(site, monobank_standin):
    page_url = _donation_opened(site)
    assert "150.00 UAH" in requests.get(page_url, timeout=10).text

    answer = _pay(page_url)

    checkout = Checkout.objects.get()
    assert answer.headers["Location"] == f"{site}/memberships/checkout/{checkout.pk}/done/"
    assert [delivery.status for delivery in monobank_standin.deliveries] == [200, 200]
    payment = Payment.objects.get(provider="monobank")
    assert payment.provider_payment_id == _invoice_id(page_url)
    assert (payment.status, payment.amount, payment.currency) == ("succeeded", Decimal("150.00"), "UAH")
    assert payment.checkout == checkout
    assert checkout.status == Checkout.Status.PAID
    assert AuditEvent.objects.filter(action="membership.payment.succeeded").count() == 1
    assert [message.to for message in mail.outbox] == [["donor@example.com"]]


def test_the_same_webhook_again_changes_nothing(site, monobank_standin):
    page_url = _donation_opened(site)
    _pay(page_url)
    audited, seen = AuditEvent.objects.count(), WebhookEvent.objects.count()

    again = monobank_standin.webhook_resend(monobank_standin.deliveries[-1])

    assert again.status == 200
    assert (AuditEvent.objects.count(), WebhookEvent.objects.count()) == (audited, seen)
    assert len(mail.outbox) == 1


def test_success_arriving_before_processing_stays_success(site, monobank_standin):
    page_url = _donation_opened(site)
    invoice_id = _invoice_id(page_url)
    # Held back on the way: the stand-in's webhooks go to its sink, the test delivers them.
    monobank_standin.invoices[invoice_id]["request"]["webHookUrl"] = monobank_standin.sink_url
    processing, success = monobank_standin.invoice_pay(invoice_id)
    endpoint = f"{site}/memberships/webhooks/monobank/"

    assert monobank_standin.webhook_send(endpoint, success.body, sign=success.sign).status == 200
    assert monobank_standin.webhook_send(endpoint, processing.body, sign=processing.sign).status == 200

    assert Payment.objects.get().status == "succeeded"
    assert WebhookEvent.objects.get(event_id__contains=":processing:").outcome == "stale"


def test_a_forged_webhook_is_refused_and_changes_nothing(site, monobank_standin):
    invoice_id = _invoice_id(_donation_opened(site))
    endpoint = f"{site}/memberships/webhooks/monobank/"
    body, headers = monobank_standin.webhook_signed(invoice_id, status="success", forged=True)

    forged = requests.post(endpoint, data=body, headers=headers, timeout=10)
    unsigned = requests.post(endpoint, data=body, headers={"Content-Type": "application/json"}, timeout=10)

    assert (forged.status_code, unsigned.status_code) == (400, 400)
    assert not Payment.objects.exists()
    assert not WebhookEvent.objects.exists()


def test_a_refund_makes_the_payment_refunded(site, monobank_standin):
    page_url = _donation_opened(site, "200")
    _pay(page_url)

    monobank_standin.invoice_refund(_invoice_id(page_url), 5000)
    assert Payment.objects.get().status == "partially_refunded"
    monobank_standin.invoice_refund(_invoice_id(page_url))

    payment = Payment.objects.get()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("200.00"))
    assert AuditEvent.objects.filter(action="membership.payment.refunded").count() == 1


def test_a_declined_card_fails_the_donation(site, monobank_standin):
    _pay(_donation_opened(site), outcome="failure")

    assert Payment.objects.get().status == "failed"
    assert Checkout.objects.get().status == Checkout.Status.FAILED
    assert mail.outbox == []


def _supporter_opened(site: str, user) -> str:
    return checkout_begin(
        user=user,
        kind=Checkout.Kind.SUBSCRIPTION,
        plan_code="supporter",
        interval="month",
        currency="UAH",
        provider_name="monobank",
        urls=_urls(site),
    )


def _perks(user):
    perks_forget(user)
    return perks_for(user)


def test_a_supporter_paying_by_monobank_gets_the_perks(site, monobank_standin, olena):
    _pay(_supporter_opened(site, olena))

    subscription = Subscription.objects.get(provider="monobank")
    assert subscription.status == "active"
    assert subscription.provider_subscription_id in monobank_standin.subscriptions
    assert timedelta(days=27) < subscription.current_period_end - datetime.now(UTC) < timedelta(days=32)
    assert Payment.objects.get(subscription=subscription).status == "succeeded"
    assert _perks(olena).plan == "supporter"


def test_a_supporter_is_found_when_the_cache_lost_the_reference(site, monobank_standin, olena):
    page_url = _supporter_opened(site, olena)
    cache.clear()  # a restart or an eviction between the checkout and the first payment

    _pay(page_url)

    assert Subscription.objects.get(provider="monobank").status == "active"
    assert _perks(olena).plan == "supporter"


def test_a_failed_renewal_keeps_the_perks_through_the_grace(site, monobank_standin, olena):
    _pay(_supporter_opened(site, olena))
    subscription_id = Subscription.objects.get().provider_subscription_id
    due = datetime.now(UTC) - timedelta(minutes=1)
    monobank_standin.subscription_change(subscription_id, silent=True, nextChargeDate=due.isoformat())

    monobank_standin.subscription_charge(subscription_id, succeed=False)

    subscription = Subscription.objects.get()
    assert subscription.status == "past_due"
    assert subscription.grace_until is not None
    assert _perks(olena).plan == "supporter"


def test_cancelling_keeps_the_paid_month(site, monobank_standin, olena):
    _pay(_supporter_opened(site, olena))
    subscription = Subscription.objects.get()

    subscription_cancel_request(subscription=subscription)

    subscription.refresh_from_db()
    assert monobank_standin.subscriptions[subscription.provider_subscription_id]["status"] == "cancelled"
    assert (subscription.status, subscription.cancel_at_period_end) == ("active", True)
    assert _perks(olena).plan == "supporter"


def test_reconciliation_fixes_what_no_webhook_said(site, monobank_standin, olena):
    _pay(_supporter_opened(site, olena))
    subscription = Subscription.objects.get()
    monobank_standin.subscription_change(
        subscription.provider_subscription_id,
        silent=True,
        status="cancelled",
        nextChargeDate="2026-01-01T00:00:00Z",
    )

    counts = subscriptions_reconcile()

    assert counts["fixed"] == 1
    assert Subscription.objects.get().status == "canceled"
    assert _perks(olena).plan == "free"


def _pages_allowed(standin):
    """The site's policy with the stand-in's origin where monobank's pay.mbnk.biz stands."""
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(standin.base_url)
    return override_settings(CONTENT_SECURITY_POLICY=policy)


def test_a_donation_round_trip_in_a_browser(site, monobank_standin, browser):
    """The footer's donation page → monobank's page → Pay → back on the thank-you page, paid."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.support.browser import WAIT_SECONDS, by_testid, text_appears, visible

    with _pages_allowed(monobank_standin):
        browser.get(f"{site}/memberships/donate/")
        visible(browser, "donation-amount").send_keys("150")
        browser.find_element(By.ID, "id_email").send_keys("donor@example.com")
        visible(browser, "donate-monobank").click()

        assert text_appears(browser, "monobank-amount", "150.00 UAH")
        visible(browser, "monobank-pay").click()

        WebDriverWait(browser, WAIT_SECONDS).until(
            ec.text_to_be_present_in_element_attribute(by_testid("checkout-state"), "data-state", "paid")
        )
    assert browser.current_url.startswith(f"{site}/memberships/checkout/")
    assert Payment.objects.get().status == "succeeded"
    assert [message.to for message in mail.outbox] == [["donor@example.com"]]


@pytest.mark.django_db
def test_the_donation_form_may_lead_to_monobanks_page(client, monobank_standin):
    """Browsers hold a form's redirect to form-action: without monobank's page host there, the
    Give button would be blocked on the site's own page."""
    policy = client.get("/memberships/donate/")["Content-Security-Policy"]

    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert "https://pay.mbnk.biz" in form_action.split()


def test_a_supporter_round_trip_in_a_browser(site, monobank_standin, browser, olena, client):
    """Plans → Pay with monobank → monobank's page → Pay → paid; billing shows the renewal
    date, and cancelling there leaves the paid month with no renewal."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.support.browser import WAIT_SECONDS, by_testid, text_appears, visible

    client.force_login(olena, backend="allauth.account.auth_backends.AuthenticationBackend")
    with _pages_allowed(monobank_standin):
        browser.get(f"{site}/memberships/")
        browser.add_cookie(
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        )
        browser.get(f"{site}/memberships/")
        visible(browser, "checkout-supporter-monobank-submit").click()

        assert text_appears(browser, "monobank-amount", "99.00 UAH")
        visible(browser, "monobank-pay").click()
        WebDriverWait(browser, WAIT_SECONDS).until(
            ec.text_to_be_present_in_element_attribute(by_testid("checkout-state"), "data-state", "paid")
        )

        browser.get(f"{site}/memberships/billing/")
        assert visible(browser, "subscription").get_attribute("data-status") == "active"
        visible(browser, "subscription-renews")
        visible(browser, "subscription-cancel").click()
        visible(browser, "subscription-ends")

    assert _perks(olena).plan == "supporter"
    assert Subscription.objects.get().cancel_at_period_end is True

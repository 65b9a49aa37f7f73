"""Memberships' pages and the providers' webhook endpoint; the services decide everything."""

import uuid

import structlog
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import selectors
from .api_keys import ApiKeyNotAllowed, api_key_create, api_key_revoke
from .errors import MembershipError
from .forms import DONATION_PRESETS_UAH, CheckoutForm, DonationForm
from .models import Checkout, Subscription
from .perks import perks_for
from .providers import provider_get, providers_configured
from .providers.base import WebhookRejected
from .services import (
    CheckoutUrls,
    checkout_begin,
    provider_event_apply,
    subscription_cancel_request,
    subscription_portal_url,
)

logger = structlog.get_logger(__name__)

# How each provider writes its own name.
PROVIDER_LABELS = {"stripe": "Stripe", "monobank": "monobank"}


def _providers_shown(*, subscriptions_only: bool) -> list[dict[str, str]]:
    return [
        {"name": name, "label": PROVIDER_LABELS.get(name, name)}
        for name, provider in providers_configured().items()
        if provider.supports_subscriptions or not subscriptions_only
    ]


# The return pages' URLs carry the Checkout's id, which the services put where
# "{reference}" stands; reverse() needs a real uuid to build them.
_ANY_UUID = "00000000-0000-0000-0000-000000000000"


def _urls(request: HttpRequest, provider: str) -> CheckoutUrls:
    def with_reference(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[_ANY_UUID])).replace(_ANY_UUID, "{reference}")

    return CheckoutUrls(
        success_url=with_reference("memberships:checkout-done"),
        cancel_url=with_reference("memberships:checkout-canceled"),
        webhook_url=request.build_absolute_uri(reverse("memberships:webhook", args=[provider])),
    )


def plans(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "memberships/plans.html",
        {
            "plans": selectors.plans_offered(),
            "providers": _providers_shown(subscriptions_only=True),
            "perks": perks_for(request.user),
        },
    )


@require_POST
def checkout_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("memberships:plans"))
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a plan, a period, a currency and a way to pay."))
        return HttpResponseRedirect(reverse("memberships:plans"))
    data = form.cleaned_data
    try:
        redirect_url = checkout_begin(
            user=request.user,
            kind=Checkout.Kind.SUBSCRIPTION,
            plan_code=data["plan"],
            interval=data["interval"],
            currency=data["currency"],
            provider_name=data["provider"],
            urls=_urls(request, data["provider"]),
            locale=get_language() or "uk",
        )
    except MembershipError:
        messages.error(
            request, _("The payment page could not be opened. Nothing was charged; please try again.")
        )
        return HttpResponseRedirect(reverse("memberships:plans"))
    return HttpResponseRedirect(redirect_url, status=303)


def donate(request: HttpRequest) -> HttpResponse:
    providers = _providers_shown(subscriptions_only=False)
    form = DonationForm(request.POST or None)
    if request.method == "POST" and providers and form.is_valid():
        data = form.cleaned_data
        try:
            redirect_url = checkout_begin(
                user=request.user,
                kind=Checkout.Kind.DONATION,
                amount=data["amount"],
                currency=data["currency"],
                provider_name=data["provider"],
                email=data["email"],
                urls=_urls(request, data["provider"]),
                locale=get_language() or "uk",
            )
        except MembershipError as exc:
            if exc.code == "donation_amount_invalid":
                form.add_error(
                    "amount", _("Enter an amount with at most two decimal places, from 10 UAH or 1 USD.")
                )
            else:
                form.add_error(
                    None, _("The payment page could not be opened. Nothing was charged; please try again.")
                )
        else:
            return HttpResponseRedirect(redirect_url, status=303)
    return render(
        request,
        "memberships/donate.html",
        {"form": form, "providers": providers, "presets": DONATION_PRESETS_UAH},
        status=400 if form.errors else 200,
    )


def checkout_done(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    checkout = get_object_or_404(Checkout, pk=reference)
    return render(request, "memberships/checkout_done.html", {"checkout": checkout})


def checkout_canceled(request: HttpRequest, reference: uuid.UUID) -> HttpResponse:
    checkout = get_object_or_404(Checkout, pk=reference)
    return render(request, "memberships/checkout_canceled.html", {"checkout": checkout})


def _billing_page(request: HttpRequest, *, new_key: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    subscriptions = list(selectors.subscriptions_of(user=user))
    for subscription in subscriptions:
        provider = provider_get(subscription.provider)
        subscription.can_cancel = (
            provider is not None
            and subscription.status
            in (
                Subscription.Status.ACTIVE,
                Subscription.Status.PAST_DUE,
            )
            and not subscription.cancel_at_period_end
        )
        subscription.has_portal = bool(
            provider is not None and provider.has_portal and subscription.customer_id
        )
    return render(
        request,
        "memberships/billing.html",
        {
            "subscriptions": subscriptions,
            "payments": selectors.payments_of(user=user),
            "perks": perks_for(user),
            "plan": selectors.plan_by_code(code=perks_for(user).plan),
            "api_keys": selectors.api_keys_of(user=user),
            "new_key": new_key,
        },
        status=status,
    )


@login_required
def billing(request: HttpRequest) -> HttpResponse:
    return _billing_page(request)


def _own_subscription(request: HttpRequest, subscription_id: int) -> Subscription:
    return get_object_or_404(Subscription, pk=subscription_id, user=request.user)


@login_required
@require_POST
def subscription_cancel(request: HttpRequest, subscription_id: int) -> HttpResponse:
    try:
        subscription_cancel_request(subscription=_own_subscription(request, subscription_id))
    except MembershipError:
        messages.error(
            request, _("The provider could not be reached; your subscription is unchanged. Please try again.")
        )
    else:
        messages.success(
            request,
            _(
                "Cancellation requested. It shows here once the provider confirms it, usually within a minute."
            ),
        )
    return HttpResponseRedirect(reverse("memberships:billing"))


@login_required
@require_POST
def subscription_portal(request: HttpRequest, subscription_id: int) -> HttpResponse:
    try:
        url = subscription_portal_url(
            subscription=_own_subscription(request, subscription_id),
            return_url=request.build_absolute_uri(reverse("memberships:billing")),
        )
    except MembershipError:
        messages.error(request, _("The provider's page could not be opened. Please try again."))
        return HttpResponseRedirect(reverse("memberships:billing"))
    return HttpResponseRedirect(url, status=303)


@login_required
@require_POST
def api_key_new(request: HttpRequest) -> HttpResponse:
    try:
        _row, key = api_key_create(user=request.user)
    except ApiKeyNotAllowed:
        messages.error(request, _("API keys come with the Supporter plan (five at most)."))
        return HttpResponseRedirect(reverse("memberships:billing"))
    # Rendered, not redirected: the key is shown this once and stored nowhere.
    response = _billing_page(request, new_key=key)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_key_remove(request: HttpRequest, key_id: int) -> HttpResponse:
    api_key_revoke(user=request.user, key_id=key_id)
    messages.success(request, _("The key was revoked; requests carrying it are refused."))
    return HttpResponseRedirect(reverse("memberships:billing"))


@csrf_exempt
@never_cache
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """A provider's signed notification: verified by its client, then applied event by event.
    Refused (400) when the signature, timestamp or body is wrong; the provider retries."""
    client = provider_get(provider)
    if client is None:
        raise Http404
    try:
        events = client.webhook_events(request.body, request.headers)
    except WebhookRejected as exc:
        logger.warning("membership_webhook_rejected", provider=provider, reason=str(exc))
        return HttpResponse(status=400)
    for event in events:
        provider_event_apply(event)
    return HttpResponse(status=200)

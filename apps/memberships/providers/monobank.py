"""monobank acquiring ("plata by mono", api.monobank.ua) over `requests`: invoices for one-off
payments, monobank's own regular payments for subscriptions, ECDSA-signed webhooks.

The protocol as relied on here (monobank.ua/api-docs/acquiring, its Go and Python examples
of webhook verification, and the public SDKs OlexiyOdarchuk/go-monobank-sdk and
yeghorkikhai/monopay-python-api, read 2026-12):
- Every call carries the merchant token in `X-Token`. An error answers
  `{"errCode": "...", "errText": "..."}`: 400 a bad parameter, 403 a bad token, 404 an unknown
  id, 429 too many requests, 5xx monobank's trouble.
- `POST /api/merchant/invoice/create` takes `amount` in minor units (kopiyky), `ccy` as the ISO
  4217 number (980 UAH by default; any ISO code is accepted on the wire, a merchant whose
  terminal is not set up for a currency gets a 400), `merchantPaymInfo.reference` (our
  Checkout's id, echoed in every status and webhook) and `destination` (shown to the payer),
  `redirectUrl`, `webHookUrl`, `validity` in seconds; it answers `{invoiceId, pageUrl}`.
  `GET /api/merchant/invoice/status?invoiceId=` answers the invoice: `status` (created,
  processing, hold, success, failure, reversed, expired), `amount`, `ccy`, `finalAmount`,
  `reference`, `failureReason`, `createdDate`, `modifiedDate` and `cancelList` (each refund:
  its `status`, `amount`, `ccy`, dates).
- A webhook is `POST webHookUrl` with the same body as the invoice status, sent on every
  change (not for `expired`), retried up to 3 times until it gets a 200. Delivery order is
  not guaranteed: monobank says to judge by `modifiedDate`, so it is each event's
  `occurred_at` and the memberships services never let an older one overwrite a newer state.
- `X-Sign` is base64 of an ECDSA signature (ASN.1 DER) with SHA-256 over the raw body, on
  the P-256 curve (prime256v1; the documented key's OID is 1.2.840.10045.3.1.7).
  `GET /api/merchant/pubkey` answers `{"key": base64 of a PEM "PUBLIC KEY"}`. The key is to be
  cached and fetched again only when a signature stops verifying: it is kept in Django's
  cache, and a failed check fetches it once more (at most once a minute, so forged requests
  cannot make us hammer monobank) before the webhook is refused.
- Regular payments: `POST /api/merchant/subscription/create` takes `amount`, `ccy`, `interval`
  ("1m", "1y"), `redirectUrl`, `webHookUrls: {chargeUrl, statusUrl}`, `validity` and answers
  `{subscriptionId, pageUrl}`; it has no reference field, so our reference is kept in the
  cache by `subscriptionId` until the first payment, after which the memberships services
  know the subscription by that id (`CheckoutStarted.provider_reference`).
  `GET /api/merchant/subscription/status?subscriptionId=` answers `status` ("active",
  "cancelled"), `interval`, `amount`, `ccy`, `nextChargeDate`, `endDate`, `summary`
  `{totalPaid, totalFailed}`; `POST /api/merchant/subscription/edit` with
  `{"subscriptionId", "action": "cancel"}` stops further charges. The bodies of the two
  subscription webhooks are not documented: they are signed like the invoice ones, and only
  their `subscriptionId` (and, for a charge, its invoice fields when present) is read here;
  the subscription's state is then asked from `subscription/status`, which is the truth.

Replay safety: monobank sends no timestamp header, so a body is never refused for its age
(monobank itself retries late). A replayed valid body is the same event again (`event_id` =
invoice id, status and `modifiedDate`), which the services ignore; a replayed older state is
older than what is stored and changes nothing; a replayed regular-payment webhook only makes
the client read the subscription's current state again.

Errors: 401/403 → ProviderRefused naming MONOBANK_TOKEN; other 4xx → ProviderRefused with
monobank's `errText`; 429, 5xx, timeouts and refused connections are retried with backoff
(`MONOBANK_RETRY_ATTEMPTS`, `MONOBANK_RETRY_BACKOFF_SECONDS`), then ProviderUnavailable.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import requests
import structlog
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache
from pydantic import BaseModel, ConfigDict, ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from apps.memberships.money import ISO_NUMERIC, MoneyError, currency_from_iso_numeric, from_minor, to_minor

from .base import (
    CheckoutRequest,
    CheckoutStarted,
    Currency,
    Interval,
    PaymentFact,
    PaymentStatus,
    ProviderEvent,
    ProviderRefused,
    ProviderUnavailable,
    SubscriptionFact,
    WebhookRejected,
)

logger = structlog.get_logger(__name__)

NAME = "monobank"
# monobank's own limit is 30 days; a day is what a visitor who leaves the page may come back in.
INVOICE_VALIDITY_SECONDS = 24 * 60 * 60
INTERVALS: dict[Interval, str] = {"month": "1m", "year": "1y"}
PUBKEY_CACHE_SECONDS = 7 * 24 * 60 * 60
# A regular payment has no reference field: our Checkout's id is remembered beside its
# subscriptionId until its first payment is certainly over (the page's validity, then
# monobank's late retries); from then on the services know the subscription by its id.
_REFERENCE_KEY = "memberships:monobank:subscription-reference:"
REFERENCE_CACHE_SECONDS = INVOICE_VALIDITY_SECONDS + 7 * 24 * 60 * 60
PUBKEY_REFETCH_PAUSE_SECONDS = 60
PAYMENT_STATUSES: dict[str, PaymentStatus] = {
    "created": "pending",
    "processing": "pending",
    "hold": "pending",
    "success": "succeeded",
    "failure": "failed",
    "expired": "failed",
    "reversed": "refunded",
}
_session = requests.Session()


class _Transient(Exception):
    """A 429, a 5xx or a transport failure: worth another try."""


class _Wire(BaseModel):
    # Strict: an amount is an integer of minor units, never 42.0, "42" or true.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class _Cancel(_Wire):
    status: str
    amount: int = 0
    ccy: int | None = None


class _Invoice(_Wire):
    """The invoice status body, which is also the webhook body (monobank's field names)."""

    invoiceId: str
    status: Literal["created", "processing", "hold", "success", "failure", "reversed", "expired"]
    amount: int
    ccy: int = ISO_NUMERIC["UAH"]
    finalAmount: int | None = None
    modifiedDate: str  # kept as sent: part of the event id
    reference: str = ""
    failureReason: str = ""
    errCode: str = ""
    cancelList: list[_Cancel] = []
    subscriptionId: str = ""  # set on a regular payment's charge


class _Summary(_Wire):
    totalPaid: int = 0
    totalFailed: int = 0


class _Subscription(_Wire):
    subscriptionId: str
    status: str
    interval: str = ""
    nextChargeDate: str = ""
    endDate: str = ""
    summary: _Summary = _Summary()


def _moment(text: str) -> datetime:
    """monobank's dates are RFC 3339 ("2019-08-24T14:15:22Z"); a date without a zone is UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class MonobankClient:
    """The PaymentProvider for monobank acquiring; settings are read when it is built."""

    name = NAME
    supports_subscriptions = True
    has_portal = False

    def __init__(self, *, token: str, base_url: str, timeout: float) -> None:
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._pubkey_key = (
            "memberships:monobank:pubkey:" + hashlib.sha256(f"{base_url}|{token}".encode()).hexdigest()
        )

    # -- the wire ---------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, *, params: dict | None = None, payload: dict | None = None
    ) -> Any:
        retrying = Retrying(
            stop=stop_after_attempt(settings.MONOBANK_RETRY_ATTEMPTS),
            wait=wait_exponential(multiplier=settings.MONOBANK_RETRY_BACKOFF_SECONDS, max=8),
            retry=retry_if_exception_type(_Transient),
            reraise=True,
            before_sleep=lambda state: logger.warning(
                "monobank_retry",
                path=path,
                attempt=state.attempt_number,
                error=str(state.outcome.exception()),
            ),
        )
        try:
            return retrying(self._call_once, method, path, params=params, payload=payload)
        except _Transient as exc:
            raise ProviderUnavailable(f"monobank {method} {path}: {exc}") from exc

    def _call_once(self, method: str, path: str, *, params: dict | None, payload: dict | None) -> Any:
        try:
            reply = _session.request(
                method,
                self._base_url + path,
                params=params,
                json=payload,
                headers={"X-Token": self._token},
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if reply.status_code == 429 or reply.status_code >= 500:
            raise _Transient(f"HTTP {reply.status_code}")
        if reply.status_code in (401, 403):
            raise ProviderRefused(
                f"monobank refused MONOBANK_TOKEN (HTTP {reply.status_code}): {_err_text(reply)}"
            )
        if reply.status_code >= 400:
            raise ProviderRefused(f"monobank {path} HTTP {reply.status_code}: {_err_text(reply)}")
        if not reply.content:
            return {}
        try:
            return reply.json()
        except ValueError as exc:
            raise ProviderUnavailable(f"monobank {path} answered something that is not JSON") from exc

    # -- checkout ---------------------------------------------------------------------------

    def checkout_start(self, request: CheckoutRequest) -> CheckoutStarted:
        """An invoice (payment mode) or a regular payment (subscription mode); the visitor is
        sent to monobank's page, and webhooks report what happened."""
        try:
            amount = to_minor(request.price)
        except MoneyError as exc:
            raise ProviderRefused(str(exc)) from exc
        ccy = ISO_NUMERIC[request.price.currency]
        if request.mode == "subscription":
            if request.interval is None:
                raise ProviderRefused("a subscription needs an interval")
            reply = self._call(
                "POST",
                "/api/merchant/subscription/create",
                payload={
                    "amount": amount,
                    "ccy": ccy,
                    "interval": INTERVALS[request.interval],
                    "redirectUrl": request.success_url,
                    "webHookUrls": {"chargeUrl": request.webhook_url, "statusUrl": request.webhook_url},
                    "validity": INVOICE_VALIDITY_SECONDS,
                },
            )
            started = _started(reply, "subscriptionId")
            cache.set(_REFERENCE_KEY + started.provider_reference, request.reference, REFERENCE_CACHE_SECONDS)
            return started
        reply = self._call(
            "POST",
            "/api/merchant/invoice/create",
            payload={
                "amount": amount,
                "ccy": ccy,
                "merchantPaymInfo": {
                    "reference": request.reference,
                    "destination": request.description,
                    **({"customerEmails": [request.email]} if request.email else {}),
                },
                "redirectUrl": request.success_url,
                "webHookUrl": request.webhook_url,
                "validity": INVOICE_VALIDITY_SECONDS,
                "paymentType": "debit",
            },
        )
        return _started(reply, "invoiceId")

    # -- webhooks ---------------------------------------------------------------------------

    def webhook_events(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        """Verify `X-Sign` over the raw body, then translate it. An invoice body gives its
        payment; a regular payment's body names its subscription, whose state is asked from
        monobank. Raises WebhookRejected (a 400); ProviderUnavailable when the key or the
        subscription's state cannot be fetched (monobank retries the webhook later)."""
        sign = _header(headers, "X-Sign")
        if not sign:
            raise WebhookRejected("monobank webhook without X-Sign")
        try:
            signature = base64.b64decode(sign, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WebhookRejected("monobank X-Sign is not base64") from exc
        self._signature_check(body, signature)
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise WebhookRejected(f"monobank webhook body is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise WebhookRejected("monobank webhook body is not a JSON object")
        if "invoiceId" in data:
            try:
                invoice = _Invoice.model_validate(data)
                event = _invoice_event(invoice)
            except (ValidationError, ValueError, MoneyError) as exc:
                raise WebhookRejected(f"monobank webhook body is not an invoice: {exc}") from exc
            if invoice.subscriptionId:
                state = self.subscription_state(invoice.subscriptionId)
                reference = _subscription_reference(invoice.subscriptionId)
                event = event.model_copy(update={"subscription": state, "reference": reference})
            return [event]
        subscription_id = data.get("subscriptionId")
        if not isinstance(subscription_id, str) or not subscription_id:
            raise WebhookRejected("monobank webhook names neither an invoice nor a subscription")
        return [self._subscription_event(subscription_id)]

    def _signature_check(self, body: bytes, signature: bytes) -> None:
        key, fresh = self._pubkey(refresh=False)
        if _verifies(key, body, signature):
            return
        if not fresh and cache.add(self._pubkey_key + ":refetched", True, PUBKEY_REFETCH_PAUSE_SECONDS):
            # monobank may have rotated its key since it was cached: ask once more.
            key, _ = self._pubkey(refresh=True)
            if _verifies(key, body, signature):
                logger.info("monobank_pubkey_rotated")
                return
        logger.warning("monobank_webhook_forged", body_bytes=len(body))
        raise WebhookRejected("monobank X-Sign does not match the body")

    def _pubkey(self, *, refresh: bool) -> tuple[ec.EllipticCurvePublicKey, bool]:
        """The merchant's public key and whether it was fetched just now."""
        cached = None if refresh else cache.get(self._pubkey_key)
        fresh = cached is None
        if fresh:
            reply = self._call("GET", "/api/merchant/pubkey")
            cached = reply.get("key") if isinstance(reply, dict) else None
            if not isinstance(cached, str) or not cached:
                raise ProviderUnavailable("monobank /api/merchant/pubkey answered no key")
        try:
            key = serialization.load_pem_public_key(base64.b64decode(cached))
        except (binascii.Error, ValueError, TypeError) as exc:
            cache.delete(self._pubkey_key)
            raise ProviderUnavailable("monobank's public key is not a base64 PEM") from exc
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
            cache.delete(self._pubkey_key)
            raise ProviderUnavailable("monobank's public key is not an ECDSA P-256 key")
        if fresh:
            cache.set(self._pubkey_key, cached, PUBKEY_CACHE_SECONDS)
        return key, fresh

    # -- subscriptions ----------------------------------------------------------------------

    def subscription_state(self, provider_subscription_id: str) -> SubscriptionFact:
        reply = self._call(
            "GET", "/api/merchant/subscription/status", params={"subscriptionId": provider_subscription_id}
        )
        try:
            return _subscription_fact(_Subscription.model_validate(reply), now=datetime.now(UTC))
        except (ValidationError, ValueError) as exc:
            raise ProviderUnavailable(f"monobank subscription {provider_subscription_id}: {exc}") from exc

    def subscription_cancel(self, provider_subscription_id: str) -> SubscriptionFact:
        """No further charges; what was paid for lasts until the charge that will not come."""
        self._call(
            "POST",
            "/api/merchant/subscription/edit",
            payload={"subscriptionId": provider_subscription_id, "action": "cancel"},
        )
        return self.subscription_state(provider_subscription_id)

    def _subscription_event(self, subscription_id: str) -> ProviderEvent:
        state = self.subscription_state(subscription_id)
        event_id = (
            f"{subscription_id}:subscription:{state.status}:{state.cancel_at_period_end}:"
            f"{state.current_period_end.isoformat() if state.current_period_end else ''}"
        )
        return ProviderEvent(
            provider=NAME,
            event_id=event_id,
            occurred_at=datetime.now(UTC),
            reference=_subscription_reference(subscription_id),
            subscription=state,
        )

    def portal_url(self, customer_id: str, return_url: str) -> str:
        raise ProviderRefused("monobank has no customer portal")

    # -- reconciliation of one-off payments -------------------------------------------------

    def invoice_event(self, invoice_id: str) -> ProviderEvent:
        """What monobank says of an invoice now, as the event its webhook would have been."""
        reply = self._call("GET", "/api/merchant/invoice/status", params={"invoiceId": invoice_id})
        try:
            return _invoice_event(_Invoice.model_validate(reply))
        except (ValidationError, ValueError, MoneyError) as exc:
            raise ProviderUnavailable(f"monobank invoice {invoice_id}: {exc}") from exc


def _invoice_event(invoice: _Invoice) -> ProviderEvent:
    currency: Currency = currency_from_iso_numeric(invoice.ccy)
    refunded_minor = sum(
        cancel.amount
        for cancel in invoice.cancelList
        if cancel.status == "success" and cancel.ccy in (None, invoice.ccy)
    )
    status = PAYMENT_STATUSES[invoice.status]
    if invoice.status == "reversed" and not refunded_minor:
        # A reversal without its list: what is left is `finalAmount`, else nothing.
        refunded_minor = invoice.amount - (invoice.finalAmount or 0)
    if invoice.status in ("reversed", "success") and refunded_minor:
        status = "refunded" if refunded_minor >= invoice.amount else "partially_refunded"
    failure_reason = ""
    if status == "failed":
        failure_reason = invoice.failureReason or invoice.errCode or invoice.status
    payment = PaymentFact(
        provider_payment_id=invoice.invoiceId,
        status=status,
        money=from_minor(invoice.amount, currency),
        refunded=from_minor(min(refunded_minor, invoice.amount), currency) if refunded_minor else None,
        failure_reason=failure_reason,
    )
    return ProviderEvent(
        provider=NAME,
        event_id=f"{invoice.invoiceId}:{invoice.status}:{invoice.modifiedDate}",
        occurred_at=_moment(invoice.modifiedDate),
        reference=invoice.reference,
        payment=payment,
    )


def _subscription_fact(reply: _Subscription, *, now: datetime) -> SubscriptionFact:
    """monobank's "active" is ours until a charge is overdue (its next charge date passed
    without a successful charge moving it on): past_due, while monobank retries. A cancelled
    subscription keeps what was paid for until its next charge date would have come."""
    interval: Interval | None = {value: key for key, value in INTERVALS.items()}.get(reply.interval)
    next_charge_at = _moment(reply.nextChargeDate) if reply.nextChargeDate else None
    if reply.status == "active":
        status = "past_due" if next_charge_at is not None and next_charge_at < now else "active"
        return SubscriptionFact(
            provider_subscription_id=reply.subscriptionId,
            status=status,
            current_period_end=next_charge_at,
            interval=interval,
        )
    if reply.status in ("cancelled", "canceled") and next_charge_at is not None and next_charge_at > now:
        return SubscriptionFact(
            provider_subscription_id=reply.subscriptionId,
            status="active",
            current_period_end=next_charge_at,
            cancel_at_period_end=True,
            interval=interval,
        )
    if reply.status in ("cancelled", "canceled"):
        ended_at = _moment(reply.endDate) if reply.endDate else next_charge_at
        return SubscriptionFact(
            provider_subscription_id=reply.subscriptionId,
            status="canceled",
            current_period_end=ended_at,
            interval=interval,
        )
    # Before its first payment (or in a state monobank has not documented) nothing is paid for.
    return SubscriptionFact(
        provider_subscription_id=reply.subscriptionId, status="incomplete", interval=interval
    )


def _subscription_reference(subscription_id: str) -> str:
    return cache.get(_REFERENCE_KEY + subscription_id) or ""


def _verifies(key: ec.EllipticCurvePublicKey, body: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, body, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _started(reply: Any, id_field: str) -> CheckoutStarted:
    if not isinstance(reply, dict) or not reply.get(id_field) or not reply.get("pageUrl"):
        raise ProviderUnavailable(f"monobank answered without {id_field} or pageUrl")
    return CheckoutStarted(provider_reference=str(reply[id_field]), redirect_url=str(reply["pageUrl"]))


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted or key.upper() == "HTTP_" + name.upper().replace("-", "_"):
            return value
    return ""


def _err_text(reply: requests.Response) -> str:
    try:
        data = reply.json()
    except ValueError:
        return reply.text[:200]
    if isinstance(data, dict):
        return str(data.get("errText") or data.get("errorDescription") or data.get("errCode") or data)[:200]
    return str(data)[:200]


def provider_from_settings() -> MonobankClient | None:
    if not settings.MONOBANK_TOKEN:
        return None
    return MonobankClient(
        token=settings.MONOBANK_TOKEN,
        base_url=settings.MONOBANK_BASE_URL,
        timeout=settings.PAYMENTS_TIMEOUT_SECONDS,
    )

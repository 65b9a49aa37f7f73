"""A stand-in for Stripe's API, hosted Checkout page and webhooks, over loopback HTTP.

    with stripe_serve() as stripe:        # or the `stripe_standin` fixture (tests/memberships/conftest.py)
        settings.STRIPE_BASE_URL = stripe.base_url; settings.STRIPE_SECRET_KEY = SECRET_KEY
        stripe.webhook_url = live_server_url + "/memberships/webhooks/stripe/"
        ...                               # the client creates a Checkout Session
        stripe.checkout_pay(session_id)   # or a browser presses "Pay" on session.url
        stripe.renewal_fail(subscription_id); stripe.refund(charge_id, 500)

What it speaks, as Stripe does (wire details in stripe_wire.py):
- The REST API under /v1/: form-encoded bodies with bracket keys, `Authorization: Bearer
  sk_test_…` (a wrong key: 401 with Stripe's error body), the `Stripe-Version` header echoed,
  `Idempotency-Key` honoured on POST (a replay answers the first result with
  `Idempotent-Replayed: true`; other parameters under the same key: 400 idempotency_error),
  404 `resource_missing` for unknown ids. Endpoints: checkout sessions (create, retrieve),
  subscriptions (retrieve, update, cancel), customers, invoices and charges (retrieve),
  invoice payments (list by invoice or by PaymentIntent), billing portal sessions (create).
- The hosted Checkout page at the session's `url` (/c/pay/cs_test_…): the amount, "Pay" and
  "Cancel". Paying creates the customer, the PaymentIntent and charge, and in subscription mode
  the subscription and its first invoice; then it sends the webhooks and redirects the browser
  to `success_url` (with `{CHECKOUT_SESSION_ID}` filled in), as Stripe does.
- Webhooks: every event is kept in `events`; when `webhook_url` is set each is POSTed there
  signed as Stripe signs (`Stripe-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">` with the
  whsec_ secret), one at a time in the order they happened, and the answer is kept in
  `deliveries`.

Test controls: `checkout_pay`, `checkout_cancel`, `renewal_succeed`, `renewal_fail`,
`subscription_cancel` (at period end, or now), `refund`; `signed` (a body and headers to hand
a client), `event_send` (a forged secret, a stale timestamp or a tampered body),
`events_resend` (duplicates, any order); `subscription_change_silently` (drift: no webhook);
`fault_add` (the next matching API requests answer 5xx).
"""

import copy
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from tests.standins import stripe_objects
from tests.standins.stripe_http import SeenRequest, StripeHandler
from tests.standins.stripe_objects import DAY
from tests.standins.stripe_wire import (
    API_VERSION,
    INTERVAL_DAYS,
    SECRET_KEY,
    WEBHOOK_SECRET,
    StripeFailure,
    event_body,
    invalid,
    missing,
    new_id,
    signature_header,
)

# The objects each retrieve path serves, by its path segment.
ROUTES = {
    "sessions": "checkout.session",
    "subscriptions": "subscription",
    "customers": "customer",
    "invoices": "invoice",
    "charges": "charge",
}
# Direct HTTP to the webhook receiver: a proxy from the environment must not carry loopback calls.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Delivery:
    event_id: str
    event_type: str
    status: int  # our endpoint's answer; 0 when it could not be reached
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Fault:
    """The next request under `path_prefix` answers `status` with Stripe's error body."""

    path_prefix: str
    status: int = 500
    message: str = "An unknown error occurred"


def _public(value: Any) -> Any:
    """An object as Stripe shows it: keys starting with "_" are the stand-in's own."""
    if isinstance(value, dict):
        return {key: _public(item) for key, item in value.items() if not key.startswith("_")}
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value


class StripeStandin:
    def __init__(self) -> None:
        self.base_url = ""
        self.webhook_url = ""
        self.secret_key = SECRET_KEY
        self.webhook_secret = WEBHOOK_SECRET
        self.objects: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.deliveries: list[Delivery] = []
        self._seen: list[SeenRequest] = []
        self._faults: list[Fault] = []
        self._idempotent: dict[str, tuple[str, dict, int, dict]] = {}
        self._lock = threading.RLock()
        # Stripe's clock, which a test may move on (events' `created`, periods); signatures
        # always carry the real time, as the tolerance check compares it with ours.
        self.clock_offset = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "StripeStandin":
        server = ThreadingHTTPServer(("127.0.0.1", 0), StripeHandler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    # ------------------------------------------------------------------ what a test reads

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def advance(self, seconds: int) -> None:
        """Move Stripe's clock on: later events are created later, as they would be."""
        with self._lock:
            self.clock_offset += seconds

    def get(self, object_id: str) -> dict[str, Any]:
        with self._lock:
            return _public(copy.deepcopy(self.objects[object_id]))

    def requests_seen(self, path_prefix: str = "/v1/") -> list[SeenRequest]:
        with self._lock:
            return [seen for seen in self._seen if seen.path.startswith(path_prefix)]

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["type"] == event_type]

    def charges_of(self, subscription_or_session: str) -> list[dict[str, Any]]:
        """The charges made for a subscription's invoices or a one-off session, oldest first."""
        with self._lock:
            return [
                self.get(charge_id)
                for charge_id, charge in self.objects.items()
                if charge_id.startswith("ch_") and charge["_for"] == subscription_or_session
            ]

    def fault_add(self, fault: Fault, *, count: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * count)

    # ------------------------------------------------------------------ webhooks

    def signed(
        self, event: dict[str, Any], *, timestamp: int | None = None, secret: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers Stripe would POST for this event."""
        body = event_body(event)
        header = signature_header(
            body,
            secret=secret or self.webhook_secret,
            timestamp=int(time.time()) if timestamp is None else timestamp,
        )
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": header,
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }
        return body.encode(), headers

    def event_send(
        self,
        event: dict[str, Any],
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        body: bytes | None = None,
    ) -> Delivery:
        """POST one event to `webhook_url`; `body` replaces the signed body (tampering)."""
        signed_body, headers = self.signed(event, timestamp=timestamp, secret=secret)
        return self._deliver(event, body if body is not None else signed_body, headers)

    def events_resend(self, events: list[dict[str, Any]]) -> list[Delivery]:
        """Deliver these events again, freshly signed, in the order given (duplicates, reordering)."""
        return [self.event_send(event) for event in events]

    def _deliver(self, event: dict[str, Any], body: bytes, headers: dict[str, str]) -> Delivery:
        request = urllib.request.Request(self.webhook_url, data=body, headers=headers, method="POST")
        try:
            with _opener.open(request, timeout=30) as reply:
                status = reply.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        delivery = Delivery(event["id"], event["type"], status, body, headers)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def _emit(self, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None) -> dict:
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": {"object": _public(copy.deepcopy(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        if previous is not None:
            event["data"]["previous_attributes"] = previous
        self.events.append(event)
        return event

    def _send_all(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.webhook_url:
            for event in events:
                self.event_send(event)
        return events

    # ------------------------------------------------------------------ what happens at Stripe

    def checkout_pay(self, session_id: str) -> str:
        """The visitor pays on the hosted page: objects made, webhooks sent; the redirect URL."""
        with self._lock:
            session = self.objects[session_id]
            if session["status"] != "open":
                return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            now = self.now()
            email = session["customer_email"] or "payer@example.com"
            customer_id = session["customer"]
            if customer_id is None and session["mode"] == "subscription":
                # A subscription always gets a customer; a one-off payment keeps a guest's e-mail
                # only (customer_creation "if_required", Stripe's default).
                customer_id = self._customer(email)
            if customer_id is not None:
                email = self.objects[customer_id]["email"]
            session.update(
                customer=customer_id,
                customer_details={"email": email},
                status="complete",
                payment_status="paid",
            )
            if session["mode"] == "payment":
                intent, _charge = self._payment(
                    customer_id, session["amount_total"], session["currency"], session_id
                )
                session["payment_intent"] = intent
                events = [self._emit("checkout.session.completed", session)]
            else:
                subscription = self._subscription(session, customer_id, now)
                invoice = self._invoice(subscription, "subscription_create", paid=True)
                session.update(subscription=subscription["id"], invoice=invoice["id"])
                events = [
                    self._emit("checkout.session.completed", session),
                    self._emit("customer.subscription.created", subscription),
                    self._emit("invoice.paid", invoice),
                ]
            redirect = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        self._send_all(events)
        return redirect

    def checkout_cancel(self, session_id: str) -> str:
        with self._lock:
            return self.objects[session_id]["cancel_url"]

    def renewal_succeed(self, subscription_id: str) -> list[dict[str, Any]]:
        """The next period is billed and paid: invoice.paid, then the subscription's update."""
        with self._lock:
            subscription = self.objects[subscription_id]
            previous = self._period_advance(subscription)
            subscription["status"] = "active"
            invoice = self._invoice(subscription, "subscription_cycle", paid=True)
            events = [
                self._emit("invoice.paid", invoice),
                self._emit("customer.subscription.updated", subscription, previous),
            ]
        return self._send_all(events)

    def renewal_fail(self, subscription_id: str) -> list[dict[str, Any]]:
        """The next period's charge is declined: invoice.payment_failed; the subscription past_due."""
        with self._lock:
            subscription = self.objects[subscription_id]
            previous = self._period_advance(subscription)
            previous["status"] = subscription["status"]
            subscription["status"] = "past_due"
            invoice = self._invoice(subscription, "subscription_cycle", paid=False)
            events = [
                self._emit("invoice.payment_failed", invoice),
                self._emit("customer.subscription.updated", subscription, previous),
            ]
        return self._send_all(events)

    def subscription_cancel(self, subscription_id: str, *, at_period_end: bool = True) -> list[dict]:
        """As the portal does: cancel at the period's end (updated), or now (deleted)."""
        with self._lock:
            subscription = self.objects[subscription_id]
            if at_period_end:
                events = [self._cancel_at_period_end(subscription)]
            else:
                subscription.update(status="canceled", canceled_at=self.now(), ended_at=self.now())
                events = [self._emit("customer.subscription.deleted", subscription)]
        return self._send_all(events)

    def refund(self, charge_id: str, amount: int | None = None) -> list[dict[str, Any]]:
        """Refund `amount` minor units of a charge (all that is left when None): charge.refunded."""
        with self._lock:
            charge = self.objects[charge_id]
            left = charge["amount"] - charge["amount_refunded"]
            amount = left if amount is None else amount
            assert 0 < amount <= left, f"cannot refund {amount} of {left}"
            refund = {
                "id": new_id("re"),
                "object": "refund",
                "amount": amount,
                "charge": charge_id,
                "currency": charge["currency"],
                "payment_intent": charge["payment_intent"],
                "status": "succeeded",
                "created": self.now(),
            }
            self.objects[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            events = [self._emit("charge.refunded", charge), self._emit("refund.created", refund)]
        return self._send_all(events)

    def subscription_change_silently(self, subscription_id: str, **changes: Any) -> None:
        """Change a subscription without any webhook (drift for reconciliation); a
        `current_period_end` goes onto its items, where the current API keeps it."""
        with self._lock:
            subscription = self.objects[subscription_id]
            period_end = changes.pop("current_period_end", None)
            if period_end is not None:
                for item in subscription["items"]["data"]:
                    item["current_period_end"] = period_end
            subscription.update(changes)

    # ------------------------------------------------------------------ objects

    def _customer(self, email: str) -> str:
        found = stripe_objects.customer(email)
        self.objects[found["id"]] = found
        return found["id"]

    def _payment(
        self, customer_id: str, amount: int, currency: str, for_: str, *, paid: bool = True
    ) -> tuple:
        intent, charge = stripe_objects.payment(customer_id, amount, currency, for_, self.base_url, paid=paid)
        self.objects[intent["id"]] = intent
        self.objects[charge["id"]] = charge
        return intent["id"], charge["id"]

    def _subscription(self, session: dict[str, Any], customer_id: str, now: int) -> dict[str, Any]:
        found = stripe_objects.subscription(session, customer_id, now)
        self.objects[found["id"]] = found
        return found

    def _period_advance(self, subscription: dict[str, Any]) -> dict[str, Any]:
        item = subscription["items"]["data"][0]
        previous = {"items": {"data": [{"current_period_end": item["current_period_end"]}]}}
        days = INTERVAL_DAYS[item["price"]["recurring"]["interval"]]
        item["current_period_start"] = item["current_period_end"]
        item["current_period_end"] += days * DAY
        return previous

    def _invoice(self, subscription: dict[str, Any], reason: str, *, paid: bool) -> dict[str, Any]:
        price = subscription["items"]["data"][0]["price"]
        intent_id, _charge_id = self._payment(
            subscription["customer"], price["unit_amount"], price["currency"], subscription["id"], paid=paid
        )
        found, invoice_payment = stripe_objects.invoice(
            subscription, reason, intent_id, self.base_url, paid=paid
        )
        self.objects[found["id"]] = found
        self.objects[invoice_payment["id"]] = invoice_payment
        subscription["latest_invoice"] = found["id"]
        return found

    def _cancel_at_period_end(self, subscription: dict[str, Any]) -> dict[str, Any]:
        previous = {"cancel_at_period_end": subscription["cancel_at_period_end"], "cancel_at": None}
        subscription.update(
            cancel_at_period_end=True,
            cancel_at=subscription["items"]["data"][0]["current_period_end"],
            canceled_at=self.now(),
        )
        return self._emit("customer.subscription.updated", subscription, previous)

    # ------------------------------------------------------------------ the REST API

    def answer(self, method: str, path: str, params: dict[str, Any]) -> tuple[int, Any, list[dict]]:
        """One authenticated API request: (status, body, events to send after answering)."""
        parts = path.strip("/").split("/")[1:]
        if method == "POST" and parts == ["checkout", "sessions"]:
            return 200, self._session_create(params), []
        if method == "POST" and parts == ["billing_portal", "sessions"]:
            return 200, self._portal_create(params), []
        if method == "GET" and parts == ["invoice_payments"]:
            return 200, self._invoice_payments(params), []
        if parts[:1] == ["checkout"]:
            parts = parts[1:]
        if len(parts) == 2 and parts[0] in ROUTES:
            object_id, kind = parts[1], ROUTES[parts[0]]
            found = self.objects.get(object_id)
            if found is None or found["object"] != kind:
                raise missing(kind, object_id)
            if method == "GET":
                return 200, _public(found), []
            if method == "POST" and kind == "subscription":
                events = []
                if params.get("cancel_at_period_end") == "true" and not found["cancel_at_period_end"]:
                    events.append(self._cancel_at_period_end(found))
                return 200, _public(found), events
            if method == "DELETE" and kind == "subscription":
                found.update(status="canceled", canceled_at=self.now(), ended_at=self.now())
                return 200, _public(found), [self._emit("customer.subscription.deleted", found)]
        raise StripeFailure(
            404,
            f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
            "or we can help at https://support.stripe.com/.",
        )

    def _session_create(self, params: dict[str, Any]) -> dict[str, Any]:
        found = stripe_objects.session(params, self.base_url, self.objects)
        self.objects[found["id"]] = found
        return _public(found)

    def _portal_create(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = params.get("customer")
        if not customer:
            raise invalid("customer", "Missing required param: customer.", "parameter_missing")
        if customer not in self.objects:
            raise missing("customer", customer, param="customer")
        portal_id = new_id("bps")
        portal = {
            "id": portal_id,
            "object": "billing_portal.session",
            "customer": customer,
            "return_url": params.get("return_url"),
            "url": f"{self.base_url}/p/session/{portal_id}",
            "created": self.now(),
            "livemode": False,
        }
        self.objects[portal_id] = portal
        return portal

    def _invoice_payments(self, params: dict[str, Any]) -> dict[str, Any]:
        invoice = params.get("invoice")
        intent = (params.get("payment") or {}).get("payment_intent")
        found = [
            _public(obj)
            for obj in self.objects.values()
            if obj["object"] == "invoice_payment"
            and (invoice is None or obj["invoice"] == invoice)
            and (intent is None or obj["payment"]["payment_intent"] == intent)
        ]
        return {"object": "list", "data": found, "has_more": False, "url": "/v1/invoice_payments"}


@contextmanager
def stripe_serve() -> Iterator[StripeStandin]:
    standin = StripeStandin().start()
    try:
        yield standin
    finally:
        standin.stop()

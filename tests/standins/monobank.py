"""A stand-in for monobank acquiring (api.monobank.ua): real HTTP on a loopback port, its own
ECDSA P-256 key pair, webhooks signed as monobank signs them.

What it speaks (see apps/memberships/providers/monobank.py for the sources):
- `X-Token` on every /api/ call, else 403 `{"errCode", "errText"}` as monobank answers;
  `GET /api/merchant/pubkey` (`{"key": base64 of the PEM}`); invoices: create, status,
  cancel (a refund, whole or partial); regular payments: create, status, edit (cancel).
- A hosted page at each `pageUrl`: the amount and a "Pay" button (and a "Decline" one);
  paying sends the signed webhooks processing → success (or failure) to `webHookUrl`, each
  tried up to 3 times until it gets a 200, then redirects to `redirectUrl`. A regular
  payment's page charges its first period and sends the charge to `chargeUrl` and the new
  state to `statusUrl`. Those two bodies are not documented by monobank; here a charge is the
  invoice status body plus `subscriptionId`, and a state change is `{subscriptionId, status}`.
- `modifiedDate` is the real time, moved forward at least a millisecond with each change
  ("2026-12-03T18:00:01.123Z"), so the order of two changes is always in their bodies and
  the stand-in's clock never runs ahead of the tests' own.

Test controls: `key_rotate`, `webhook_signed` (a signed body of an invoice as it is or with
changed fields, optionally forged), `webhook_send`, `invoice_pay`, `invoice_change` (with or
without its webhook: a silent change is drift for reconciliation), `invoice_refund`,
`subscription_charge`, `subscription_change`, `fault_add` (429/5xx/slow answers),
`requests_seen` and `deliveries`. `/_test/webhook-sink` accepts any webhook, for tests that
read `deliveries` instead of running a site.
"""

import base64
import calendar
import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.standins.monobank_http import SINK_PATH, Fault, MonobankHandler, SeenRequest, page_html

__all__ = ["Delivery", "Fault", "MonobankStandin", "SeenRequest", "monobank_serve"]

INTERVAL = re.compile(r"^([1-9][0-9]*)([dwmy])$")
CURRENCIES = frozenset({980, 840})
WEBHOOK_ATTEMPTS = 3


@dataclass(frozen=True)
class Delivery:
    url: str
    body: bytes
    sign: str
    status: int  # the receiver's answer to the last attempt; 0: unreachable
    attempts: int

    @property
    def data(self) -> dict:
        return json.loads(self.body)


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, "2026-12-03T18:00:01.123Z"."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _interval_add(moment: datetime, interval: str) -> datetime:
    count, unit = INTERVAL.match(interval).groups()  # type: ignore[union-attr]
    count = int(count)
    if unit == "d":
        return moment + timedelta(days=count)
    if unit == "w":
        return moment + timedelta(weeks=count)
    months = count if unit == "m" else 12 * count
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


class MonobankStandin:
    """A running monobank stand-in; its state may be read and changed by a test."""

    def __init__(self) -> None:
        # A token of its own per stand-in: the client caches monobank's key per token and base
        # URL, so a key cached by an earlier stand-in on the same port is never mistaken for this one's.
        self.token = "uStandin" + secrets.token_urlsafe(24)
        self.base_url = ""
        self.invoices: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.deliveries: list[Delivery] = []
        self.pubkey_fetches = 0
        # The currencies this merchant's terminal takes; others are refused with a 400.
        self.currencies = set(CURRENCIES)
        self._private_key = ec.generate_private_key(ec.SECP256R1())
        self._clock = datetime.now(UTC)
        self._faults: list[Fault] = []
        self._seen: list[SeenRequest] = []
        self._lock = threading.RLock()
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> "MonobankStandin":
        server = ThreadingHTTPServer(("127.0.0.1", 0), MonobankHandler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="monobank-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    @property
    def sink_url(self) -> str:
        return self.base_url + SINK_PATH

    # -- keys and signatures ----------------------------------------------------------------

    @property
    def pubkey(self) -> str:
        pem = self._private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(pem).decode()

    def key_rotate(self) -> None:
        """A new key pair, as when monobank rotates its key: old signatures stop verifying."""
        with self._lock:
            self._private_key = ec.generate_private_key(ec.SECP256R1())

    def sign(self, body: bytes, *, forged: bool = False) -> str:
        key = ec.generate_private_key(ec.SECP256R1()) if forged else self._private_key
        return base64.b64encode(key.sign(body, ec.ECDSA(hashes.SHA256()))).decode()

    def webhook_signed(
        self, invoice_id: str, *, forged: bool = False, **changes: object
    ) -> tuple[bytes, dict]:
        """The webhook body monobank would send for this invoice now (with `changes` on top),
        and its headers; nothing is sent."""
        with self._lock:
            data = {**self._invoice_body(self.invoices[invoice_id]), **changes}
        body = json.dumps(data, ensure_ascii=False).encode()
        return body, {"Content-Type": "application/json", "X-Sign": self.sign(body, forged=forged)}

    # -- invoices ---------------------------------------------------------------------------

    def _tick(self) -> str:
        """The next `modifiedDate`: now, but always at least a millisecond after the last one."""
        self._clock = max(datetime.now(UTC), self._clock + timedelta(milliseconds=1))
        return _stamp(self._clock)

    def invoice_create(self, body: dict, *, subscription_id: str = "") -> dict:
        with self._lock:
            invoice_id = "p2_" + secrets.token_hex(8)
            stamp = self._tick()
            info = body.get("merchantPaymInfo") or {}
            self.invoices[invoice_id] = {
                "invoiceId": invoice_id,
                "status": "created",
                "amount": body["amount"],
                "ccy": body.get("ccy", 980),
                "finalAmount": body["amount"],
                "createdDate": stamp,
                "modifiedDate": stamp,
                "reference": info.get("reference", ""),
                "destination": info.get("destination", ""),
                "cancelList": [],
                "subscriptionId": subscription_id,
                # What was asked, kept beside the state for the page and the tests.
                "request": body,
            }
            return self.invoices[invoice_id]

    def _invoice_body(self, invoice: dict) -> dict:
        body = {key: value for key, value in invoice.items() if key not in ("request", "subscriptionId")}
        if invoice["subscriptionId"]:
            body["subscriptionId"] = invoice["subscriptionId"]
        if not body["cancelList"]:
            del body["cancelList"]
        return body

    def invoice_change(self, invoice_id: str, *, silent: bool = False, **changes: object) -> Delivery | None:
        """Change an invoice as monobank would (a new `modifiedDate`) and send its webhook,
        unless `silent`: then only `invoice/status` tells (drift for reconciliation)."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            invoice.update(changes)
            invoice["modifiedDate"] = self._tick()
            body = self._invoice_body(invoice)
            url = self._invoice_webhook_url(invoice)
        if silent or not url:
            return None
        return self.webhook_send(url, json.dumps(body, ensure_ascii=False).encode())

    def _invoice_webhook_url(self, invoice: dict) -> str:
        if invoice["subscriptionId"]:
            return (
                self.subscriptions[invoice["subscriptionId"]]["request"]
                .get("webHookUrls", {})
                .get("chargeUrl", "")
            )
        return invoice["request"].get("webHookUrl", "")

    def invoice_pay(self, invoice_id: str, *, succeed: bool = True) -> list[Delivery]:
        """What the hosted page's buttons do: processing, then success or failure, each sent."""
        sent = [self.invoice_change(invoice_id, status="processing")]
        if succeed:
            sent.append(self.invoice_change(invoice_id, status="success"))
        else:
            sent.append(
                self.invoice_change(
                    invoice_id,
                    status="failure",
                    failureReason="Недостатньо коштів",
                    errCode="59",
                    finalAmount=0,
                )
            )
        return [delivery for delivery in sent if delivery is not None]

    def invoice_refund(self, invoice_id: str, amount: int | None = None) -> Delivery | None:
        """A refund (monobank's `invoice/cancel`): whole by default; the invoice is `reversed`."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            amount = invoice["finalAmount"] if amount is None else amount
            stamp = self._tick()
            invoice["cancelList"].append(
                {
                    "status": "success",
                    "amount": amount,
                    "ccy": invoice["ccy"],
                    "createdDate": stamp,
                    "modifiedDate": stamp,
                    "approvalCode": "662476",
                    "rrn": "060189181768",
                    "extRef": secrets.token_hex(8),
                }
            )
            final_amount = invoice["finalAmount"] - amount
        return self.invoice_change(invoice_id, status="reversed", finalAmount=final_amount)

    # -- regular payments -------------------------------------------------------------------

    def subscription_create(self, body: dict) -> dict:
        with self._lock:
            subscription_id = "s2_" + secrets.token_hex(8)
            self.subscriptions[subscription_id] = {
                "subscriptionId": subscription_id,
                "status": "new",
                "amount": body["amount"],
                "ccy": body.get("ccy", 980),
                "interval": body["interval"],
                "startDate": "",
                "nextChargeDate": "",
                "endDate": "",
                "summary": {"totalPaid": 0, "totalFailed": 0},
                "request": body,
            }
            return self.subscriptions[subscription_id]

    def subscription_body(self, subscription_id: str) -> dict:
        with self._lock:
            state = self.subscriptions[subscription_id]
            body = {key: value for key, value in state.items() if key != "request" and value != ""}
            return json.loads(json.dumps(body))

    def subscription_charge(self, subscription_id: str, *, succeed: bool = True) -> list[Delivery]:
        """One period's charge: an invoice of the subscription's amount sent to `chargeUrl`;
        success moves the next charge date on by the interval, failure leaves it due."""
        with self._lock:
            state = self.subscriptions[subscription_id]
            invoice = self.invoice_create(
                {"amount": state["amount"], "ccy": state["ccy"]}, subscription_id=subscription_id
            )
        invoice_id = invoice["invoiceId"]
        sent = [self.invoice_change(invoice_id, status="processing")]
        # The subscription's state moves before the charge's outcome is sent, so whoever asks
        # `subscription/status` on that webhook sees the period it paid for.
        with self._lock:
            state["summary"]["totalPaid" if succeed else "totalFailed"] += 1
            if succeed:
                now = datetime.now(UTC).replace(microsecond=0)
                was_due = datetime.fromisoformat(state["nextChargeDate"]) if state["nextChargeDate"] else now
                state["startDate"] = state["startDate"] or _stamp(now)
                state["nextChargeDate"] = _stamp(_interval_add(max(was_due, now), state["interval"]))
                state["status"] = "active"
        if succeed:
            sent.append(self.invoice_change(invoice_id, status="success"))
        else:
            sent.append(self.invoice_change(invoice_id, status="failure", failureReason="Недостатньо коштів"))
        return [delivery for delivery in sent if delivery is not None]

    def subscription_change(
        self, subscription_id: str, *, silent: bool = False, **changes: object
    ) -> Delivery | None:
        """Change a subscription's state; unless `silent`, tell `statusUrl` about it."""
        with self._lock:
            state = self.subscriptions[subscription_id]
            state.update(changes)
            url = state["request"].get("webHookUrls", {}).get("statusUrl", "")
            body = {"subscriptionId": subscription_id, "status": state["status"]}
        if silent or not url:
            return None
        return self.webhook_send(url, json.dumps(body).encode())

    def _subscription_pay(self, subscription_id: str, *, succeed: bool) -> None:
        self.subscription_charge(subscription_id, succeed=succeed)
        if succeed:
            self.subscription_change(subscription_id, status="active")

    # -- webhooks ---------------------------------------------------------------------------

    def webhook_send(self, url: str, body: bytes, *, sign: str | None = None) -> Delivery:
        """POST a webhook as monobank does: signed, tried up to 3 times until a 200."""
        sign = self.sign(body) if sign is None else sign
        status, attempts = 0, 0
        while attempts < WEBHOOK_ATTEMPTS and status != 200:
            attempts += 1
            try:
                status = requests.post(
                    url, data=body, headers={"Content-Type": "application/json", "X-Sign": sign}, timeout=10
                ).status_code
            except requests.RequestException:
                status = 0
        delivery = Delivery(url=url, body=body, sign=sign, status=status, attempts=attempts)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def webhook_resend(self, delivery: Delivery) -> Delivery:
        """The same body and signature again, as a retry or a replay would be."""
        return self.webhook_send(delivery.url, delivery.body, sign=delivery.sign)

    # -- faults and what was asked ----------------------------------------------------------

    def fault_add(self, fault: Fault, *, count: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * count)

    def _fault_take(self, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if path.startswith(fault.path_prefix):
                    return self._faults.pop(index)
        return None

    def requests_seen(self, path_prefix: str = "/api/") -> list[SeenRequest]:
        with self._lock:
            return [seen for seen in self._seen if seen.path.startswith(path_prefix)]

    def _record(self, seen: SeenRequest) -> None:
        with self._lock:
            self._seen.append(seen)

    # -- the API ----------------------------------------------------------------------------

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], body: dict | None
    ) -> tuple[int, dict]:
        def missing(what: str) -> tuple[int, dict]:
            return 404, {"errCode": "NOT_FOUND", "errText": f"{what} not found"}

        def bad(text: str) -> tuple[int, dict]:
            return 400, {"errCode": "BAD_REQUEST", "errText": text}

        if method == "GET" and path == "/api/merchant/pubkey":
            with self._lock:
                self.pubkey_fetches += 1
            return 200, {"key": self.pubkey}
        if method == "POST" and path in ("/api/merchant/invoice/create", "/api/merchant/subscription/create"):
            if body is None:
                return bad("invalid json")
            amount = body.get("amount")
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                return bad("'amount' must be a positive integer of minor units")
            if body.get("ccy", 980) not in self.currencies:
                return bad(f"currency {body.get('ccy')} is not allowed for this merchant")
            if path.endswith("subscription/create"):
                if not INTERVAL.match(str(body.get("interval", ""))):
                    return bad("invalid 'interval'")
                state = self.subscription_create(body)
                return 200, {
                    "subscriptionId": state["subscriptionId"],
                    "pageUrl": f"{self.base_url}/pay/{state['subscriptionId']}",
                }
            invoice = self.invoice_create(body)
            return 200, {
                "invoiceId": invoice["invoiceId"],
                "pageUrl": f"{self.base_url}/pay/{invoice['invoiceId']}",
            }
        if method == "GET" and path == "/api/merchant/invoice/status":
            invoice_id = (query.get("invoiceId") or [""])[0]
            if not invoice_id:
                return bad("empty 'invoiceId'")
            with self._lock:
                invoice = self.invoices.get(invoice_id)
                return (200, self._invoice_body(invoice)) if invoice else missing("invoice")
        if method == "POST" and path == "/api/merchant/invoice/cancel":
            invoice_id = (body or {}).get("invoiceId", "")
            with self._lock:
                invoice = self.invoices.get(invoice_id)
            if invoice is None:
                return missing("invoice")
            if invoice["status"] not in ("success", "reversed"):
                return bad("invoice is not paid")
            self.invoice_refund(invoice_id, (body or {}).get("amount"))
            with self._lock:
                stamp = invoice["modifiedDate"]
            return 200, {"status": "success", "createdDate": stamp, "modifiedDate": stamp}
        if method == "GET" and path == "/api/merchant/subscription/status":
            subscription_id = (query.get("subscriptionId") or [""])[0]
            if not subscription_id:
                return bad("empty 'subscriptionId'")
            if subscription_id not in self.subscriptions:
                return missing("subscription")
            return 200, self.subscription_body(subscription_id)
        if method == "POST" and path == "/api/merchant/subscription/edit":
            subscription_id = (body or {}).get("subscriptionId", "")
            if (body or {}).get("action") != "cancel":
                return bad("invalid 'action'")
            if subscription_id not in self.subscriptions:
                return missing("subscription")
            self.subscription_change(subscription_id, status="cancelled", endDate=_stamp(datetime.now(UTC)))
            return 200, {}
        return 404, {"errCode": "NOT_FOUND", "errText": f"no method {method} {path}"}

    # -- the hosted page --------------------------------------------------------------------

    def page(self, payment_id: str) -> str | None:
        with self._lock:
            target = self.invoices.get(payment_id) or self.subscriptions.get(payment_id)
            if target is None:
                return None
            return page_html(
                payment_id,
                minor=target["amount"],
                ccy=target["ccy"],
                title=target.get("destination") or "plata by mono",
                is_done=target["status"] not in ("created", "new"),
            )

    def page_pay(self, payment_id: str, *, succeed: bool) -> str:
        """Pay from the page; the URL the payer is sent back to."""
        if payment_id in self.subscriptions:
            self._subscription_pay(payment_id, succeed=succeed)
            return self.subscriptions[payment_id]["request"].get("redirectUrl", "")
        self.invoice_pay(payment_id, succeed=succeed)
        return self.invoices[payment_id]["request"].get("redirectUrl", "")


@contextmanager
def monobank_serve() -> Iterator[MonobankStandin]:
    standin = MonobankStandin().start()
    try:
        yield standin
    finally:
        standin.stop()

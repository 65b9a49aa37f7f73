"""The Stripe stand-in's HTTP side (tests/standins/stripe.py holds its state): the API's
authentication, scripted faults and idempotency keys as Stripe applies them, and the hosted
pages' forms."""

import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tests.standins.stripe_wire import (
    API_VERSION,
    StripeFailure,
    checkout_page,
    form_decode,
    new_id,
    portal_page,
)

if TYPE_CHECKING:
    from tests.standins.stripe import StripeStandin


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    params: dict[str, Any]
    api_key: str
    stripe_version: str
    idempotency_key: str
    status: int


class StripeHandler(BaseHTTPRequestHandler):
    """One HTTP request: the API under /v1/ (key, faults, idempotency, then the stand-in's
    answer), or a hosted page."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        standin: StripeStandin = self.server.standin  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        pairs = parse_qsl(raw if method == "POST" else parts.query, keep_blank_values=True)
        if parts.path.startswith("/v1/"):
            self._api(standin, method, parts.path, form_decode(pairs))
        else:
            self._page(standin, method, parts.path, dict(pairs))

    def _api(self, standin: "StripeStandin", method: str, path: str, params: dict[str, Any]) -> None:
        key = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        version = self.headers.get("Stripe-Version") or API_VERSION
        idempotency_key = self.headers.get("Idempotency-Key") or ""
        headers = {"Stripe-Version": version, "Request-Id": new_id("req")}
        events: list[dict] = []
        with standin._lock:
            stored = (
                standin._idempotent.get(idempotency_key) if method == "POST" and idempotency_key else None
            )
            fault = next((f for f in standin._faults if path.startswith(f.path_prefix)), None)
            if fault is not None:
                standin._faults.remove(fault)
            try:
                if key != standin.secret_key:
                    shown = f"{key[:8]}{'*' * 12}{key[-4:]}" if key else ""
                    message = (
                        f"Invalid API Key provided: {shown}" if key else "You did not provide an API key."
                    )
                    raise StripeFailure(401, message)
                if fault is not None:
                    kind = "api_error" if fault.status >= 500 else "invalid_request_error"
                    raise StripeFailure(fault.status, fault.message, type_=kind)
                if stored is not None:
                    if stored[:2] != (path, params):
                        raise StripeFailure(
                            400,
                            "Keys for idempotent requests can only be used with the same parameters they were "
                            f"first used with. Try using a key other than '{idempotency_key}' if you meant to "
                            "execute a different request.",
                            type_="idempotency_error",
                        )
                    status, body = stored[2], stored[3]
                    headers["Idempotent-Replayed"] = "true"
                else:
                    status, body, events = standin.answer(method, path, params)
            except StripeFailure as failure:
                status, body = failure.status, failure.body
            if method == "POST" and idempotency_key and stored is None and status < 500 and status != 401:
                standin._idempotent[idempotency_key] = (path, params, status, body)
            if status < 500:
                headers["Idempotency-Key"] = idempotency_key
            standin._seen.append(SeenRequest(method, path, params, key, version, idempotency_key, status))
        self._send(status, json.dumps(body).encode(), "application/json", headers)
        standin._send_all(events)

    def _page(self, standin: "StripeStandin", method: str, path: str, form: dict[str, str]) -> None:
        object_id = path.rstrip("/").rsplit("/", 1)[-1]
        with standin._lock:
            found = standin.objects.get(object_id)
        if path.startswith("/c/pay/") and found is not None:
            if method == "POST":
                pay = form.get("action") == "pay"
                target = standin.checkout_pay(object_id) if pay else standin.checkout_cancel(object_id)
                self._send(303, b"", "text/plain", {"Location": target})
            else:
                page = checkout_page(found, found["_description"])
                self._send(200, page.encode(), "text/html; charset=utf-8", {})
        elif path.startswith("/p/session/") and found is not None:
            self._send(200, portal_page(found).encode(), "text/html; charset=utf-8", {})
        else:
            self._send(404, b"Not found", "text/plain", {})

    def _send(self, status: int, data: bytes, content_type: str, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

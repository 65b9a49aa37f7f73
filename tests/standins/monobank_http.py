"""The HTTP side of the monobank stand-in (tests/standins/monobank.py): its request handler,
the hosted payment page's HTML, and the records of what was asked."""

import html
import json
import re
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

SINK_PATH = "/_test/webhook-sink"
PAGE_PATH = re.compile(r"^/pay/([A-Za-z0-9_]+)$")


@dataclass(frozen=True)
class Fault:
    path_prefix: str
    status: int = 200  # 200: answer normally, after `delay`
    delay: float = 0.0


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict | None
    token_ok: bool
    status: int


def page_html(payment_id: str, *, minor: int, ccy: int, title: str, is_done: bool) -> str:
    """monobank's payment page, reduced to what a payer sees: what, how much, Pay or Decline."""
    amount = f"{minor // 100}.{minor % 100:02d} {'UAH' if ccy == 980 else 'USD'}"
    buttons = (
        '<p data-testid="monobank-done">Оплачено</p>'
        if is_done
        else (
            f'<form method="post" action="/pay/{payment_id}">'
            '<button type="submit" name="outcome" value="success" data-testid="monobank-pay">Pay</button>'
            '<button type="submit" name="outcome" value="failure" data-testid="monobank-decline">Decline</button>'
            "</form>"
        )
    )
    return (
        '<!doctype html><html lang="uk"><head><meta charset="utf-8"><title>plata by mono</title></head>'
        f'<body><h1 data-testid="monobank-title">{html.escape(title)}</h1>'
        f'<p data-testid="monobank-amount">{amount}</p>{buttons}</body></html>'
    )


class MonobankHandler(BaseHTTPRequestHandler):
    """Routes a request to the stand-in (`server.standin`): the hosted page, the sink, the API."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    @property
    def standin(self) -> Any:
        return self.server.standin  # type: ignore[attr-defined]

    def _read(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self._handle("GET", b"")

    def do_POST(self) -> None:
        self._handle("POST", self._read())

    def _handle(self, method: str, raw: bytes) -> None:
        parts = urlsplit(self.path)
        if parts.path == SINK_PATH:
            self._send(200, b"", "text/plain")
            return
        if match := PAGE_PATH.match(parts.path):
            self._page(method, match[1], raw)
            return
        query = parse_qs(parts.query)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        token_ok = self.headers.get("X-Token") == self.standin.token
        if not token_ok:
            status, answer = 403, {"errCode": "FORBIDDEN", "errText": "invalid 'X-Token'"}
        else:
            fault = self.standin._fault_take(parts.path)
            if fault is not None and fault.delay:
                self.standin.stopping.wait(fault.delay)
            if fault is not None and fault.status != 200:
                status, answer = fault.status, {"errCode": "INTERNAL_ERROR", "errText": "stand-in fault"}
            else:
                status, answer = self.standin.answer(method, parts.path, query, body)
        self.standin._record(SeenRequest(method, parts.path, query, body, token_ok, status))
        self._send(
            status, json.dumps(answer, ensure_ascii=False).encode() if answer else b"", "application/json"
        )

    def _page(self, method: str, payment_id: str, raw: bytes) -> None:
        if method == "POST":
            outcome = parse_qs(raw.decode()).get("outcome", ["success"])[0]
            redirect = self.standin.page_pay(payment_id, succeed=outcome == "success")
            self.send_response(303)
            self.send_header("Location", redirect or f"/pay/{payment_id}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        page = self.standin.page(payment_id)
        if page is None:
            self._send(404, b"not found", "text/plain")
        else:
            self._send(200, page.encode(), "text/html; charset=utf-8")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout)

"""Stripe's wire format, for the Stripe stand-in (tests/standins/stripe.py): form bodies with
bracket keys, error bodies, ids, webhook signatures and the hosted pages' HTML.

Shapes follow Stripe's API reference for the current API version (2025-03-31 "basil" and
later): a subscription's period lives on its items, an invoice names its subscription under
`parent.subscription_details`, and a charge names neither invoice nor subscription.
"""

import hashlib
import hmac
import html
import itertools
import json
import re
import secrets
from decimal import Decimal
from typing import Any

API_VERSION = "2026-10-28.endive"
SECRET_KEY = "sk_test_51CinestreamStandin0000000000000000000000000000000000000000000000000000"
WEBHOOK_SECRET = "whsec_cinestreamstandin0123456789abcdef"
# What Stripe Checkout accepts as `locale` (docs.stripe.com/js/appendix/supported_locales).
CHECKOUT_LOCALES = frozenset(
    [
        "auto",
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "en-GB",
        "es",
        "es-419",
        "et",
        "fi",
        "fil",
        "fr",
        "fr-CA",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "ms",
        "mt",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sl",
        "sv",
        "th",
        "tr",
        "vi",
        "zh",
        "zh-HK",
        "zh-TW",
    ]
)
CURRENCIES = frozenset({"usd", "uah", "eur", "gbp", "pln"})
INTERVAL_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_KEY_PART = re.compile(r"\[([^\]]*)\]")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class StripeFailure(Exception):
    """An error answer: HTTP status and Stripe's `{"error": {...}}` body."""

    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error", **extra: Any):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": type_, **extra}}


def missing(kind: str, object_id: str, param: str = "id") -> StripeFailure:
    return StripeFailure(
        404 if param == "id" else 400,
        f"No such {kind}: '{object_id}'",
        code="resource_missing",
        param=param,
        doc_url="https://stripe.com/docs/error-codes/resource-missing",
    )


def invalid(param: str, message: str, code: str = "parameter_invalid") -> StripeFailure:
    return StripeFailure(400, message, code=code, param=param)


def form_decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """`line_items[0][price_data][unit_amount]=499` → {"line_items": [{"price_data": {...}}]}.
    Numeric parts become list indexes, as Stripe reads them; every leaf stays a string."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head = key.split("[", 1)[0]
        path = [head, *_KEY_PART.findall(key[len(head) :])]
        node: Any = root
        for part, following in itertools.pairwise(path):
            child = [] if following.isdigit() else {}
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                node[index] = node[index] if node[index] is not None else child
                node = node[index]
            else:
                node = node.setdefault(part, child)
        if isinstance(node, list):
            index = int(path[-1])
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[path[-1]] = value
    return root


def whole(value: Any, param: str) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise invalid(param, f"Invalid integer: {value}")
    return int(value)


def signature_header(body: str, *, secret: str, timestamp: int) -> str:
    """Stripe's `Stripe-Signature`: t=<unix>,v1=<hex HMAC-SHA256 of "t.body" with the secret>."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event_body(event: dict[str, Any]) -> str:
    return json.dumps(event, indent=2)


def amount_text(minor: int, currency: str) -> str:
    return f"{Decimal(minor).scaleb(-2):.2f} {currency.upper()}"


def checkout_page(session: dict[str, Any], description: str) -> str:
    """The hosted Checkout page: what is paid, and Pay / Cancel as one form."""
    interval = session.get("_interval")
    per = f" / {interval}" if interval else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Stripe Checkout (stand-in)</title></head>
<body>
<main data-testid="stripe-checkout">
<h1>{html.escape(description)}</h1>
<p data-testid="stripe-amount">{amount_text(session["amount_total"], session["currency"])}{per}</p>
<form method="post" action="/c/pay/{session["id"]}">
<button type="submit" name="action" value="pay" data-testid="stripe-pay">Pay</button>
<button type="submit" name="action" value="cancel" data-testid="stripe-cancel">Cancel</button>
</form>
</main></body></html>"""


def portal_page(portal: dict[str, Any]) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stripe customer portal (stand-in)</title></head>
<body><main data-testid="stripe-portal"><p>{html.escape(portal["customer"])}</p>
<a href="{html.escape(portal["return_url"])}" data-testid="stripe-portal-return">Return</a></main></body></html>"""

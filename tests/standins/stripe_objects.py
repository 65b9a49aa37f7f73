"""The objects the Stripe stand-in (tests/standins/stripe.py) makes, shaped as Stripe's API
reference shows them for the current API version (2025-03-31 "basil" and later): a
subscription's period lives on its items, an invoice names its subscription under
`parent.subscription_details`, and a charge names neither invoice nor subscription. Keys that
start with "_" are the stand-in's own and never leave it.
"""

import time
from typing import Any

from tests.standins.stripe_wire import (
    CHECKOUT_LOCALES,
    CURRENCIES,
    INTERVAL_DAYS,
    invalid,
    missing,
    new_id,
    whole,
)

DAY = 86_400


def customer(email: str) -> dict[str, Any]:
    return {"id": new_id("cus"), "object": "customer", "email": email, "created": int(time.time())}


def payment(
    customer_id: str, amount: int, currency: str, for_: str, base_url: str, *, paid: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A PaymentIntent and its charge; `for_` (a subscription or session id) is kept on the charge."""
    now = int(time.time())
    intent_id, charge_id = new_id("pi"), new_id("ch")
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "currency": currency,
        "customer": customer_id,
        "latest_charge": charge_id,
        "status": "succeeded" if paid else "requires_payment_method",
        "created": now,
    }
    charge = {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if paid else 0,
        "amount_refunded": 0,
        "currency": currency,
        "customer": customer_id,
        "payment_intent": intent_id,
        "paid": paid,
        "refunded": False,
        "status": "succeeded" if paid else "failed",
        "failure_code": None if paid else "card_declined",
        "failure_message": None if paid else "Your card was declined.",
        "receipt_url": f"{base_url}/receipts/{charge_id}",
        "created": now,
        "_for": for_,
    }
    return intent, charge


def subscription(session: dict[str, Any], customer_id: str, now: int) -> dict[str, Any]:
    """What paying a subscription-mode Checkout Session starts: one item, one period."""
    interval = session["_interval"]
    subscription_id = new_id("sub")
    return {
        "id": subscription_id,
        "object": "subscription",
        "customer": customer_id,
        "status": "active",
        "metadata": dict(session["_subscription_metadata"]),
        "cancel_at_period_end": False,
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
        "created": now,
        "start_date": now,
        "billing_cycle_anchor": now,
        "currency": session["currency"],
        "items": {
            "object": "list",
            "data": [
                {
                    "id": new_id("si"),
                    "object": "subscription_item",
                    "subscription": subscription_id,
                    "quantity": 1,
                    "current_period_start": now,
                    "current_period_end": now + INTERVAL_DAYS[interval] * DAY,
                    "price": {
                        "id": new_id("price"),
                        "object": "price",
                        "currency": session["currency"],
                        "unit_amount": session["amount_total"],
                        "product": new_id("prod"),
                        "recurring": {"interval": interval, "interval_count": 1},
                    },
                }
            ],
            "has_more": False,
        },
    }


def invoice(
    subscription: dict[str, Any], reason: str, intent_id: str, base_url: str, *, paid: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The invoice for the subscription's current period and the invoice payment linking it
    to its PaymentIntent (the only link the current API keeps)."""
    now = int(time.time())
    item = subscription["items"]["data"][0]
    amount, currency = item["price"]["unit_amount"], item["price"]["currency"]
    invoice_id = new_id("in")
    found = {
        "id": invoice_id,
        "object": "invoice",
        "customer": subscription["customer"],
        "currency": currency,
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "attempt_count": 1,
        "attempted": True,
        "billing_reason": reason,
        "status": "paid" if paid else "open",
        "created": now,
        "period_start": now,
        "period_end": now,
        "hosted_invoice_url": f"{base_url}/i/{invoice_id}",
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(subscription["metadata"]),
                "subscription": subscription["id"],
            },
        },
        "lines": {
            "object": "list",
            "data": [
                {
                    "id": new_id("il"),
                    "object": "line_item",
                    "amount": amount,
                    "currency": currency,
                    "period": {"start": item["current_period_start"], "end": item["current_period_end"]},
                }
            ],
            "has_more": False,
        },
    }
    invoice_payment = {
        "id": new_id("inpay"),
        "object": "invoice_payment",
        "invoice": invoice_id,
        "amount_paid": amount if paid else None,
        "amount_requested": amount,
        "currency": currency,
        "is_default": True,
        "status": "paid" if paid else "open",
        "payment": {"type": "payment_intent", "payment_intent": intent_id},
        "created": now,
    }
    return found, invoice_payment


def session(params: dict[str, Any], base_url: str, known: dict[str, Any]) -> dict[str, Any]:
    """A Checkout Session from the create request's parameters, refused as Stripe refuses them."""
    mode = params.get("mode")
    if mode not in ("payment", "subscription"):
        raise invalid(
            "mode", f"Invalid mode: {mode}", "parameter_missing" if mode is None else "parameter_invalid"
        )
    for required in ("success_url", "line_items"):
        if not params.get(required):
            raise invalid(required, f"Missing required param: {required}.", "parameter_missing")
    locale = params.get("locale", "auto")
    if locale not in CHECKOUT_LOCALES:
        raise invalid(
            "locale", f"Invalid locale: {locale}. Must be one of {', '.join(sorted(CHECKOUT_LOCALES))}."
        )
    if params.get("customer") and params.get("customer_email"):
        raise invalid(
            "customer_email", "You may only specify one of these parameters: customer, customer_email."
        )
    if params.get("customer") and params["customer"] not in known:
        raise missing("customer", params["customer"], param="customer")
    total, currency, interval = 0, None, None
    for index, line in enumerate(params["line_items"]):
        price = line.get("price_data") or {}
        where = f"line_items[{index}][price_data]"
        currency = price.get("currency")
        if currency not in CURRENCIES:
            raise invalid(f"{where}[currency]", f"Invalid currency: {currency}.")
        if not (price.get("product_data") or {}).get("name"):
            raise invalid(f"{where}[product_data][name]", "Missing required param: product_data[name].")
        recurring = price.get("recurring")
        if mode == "payment" and recurring:
            raise invalid(where, "You specified `payment` mode but passed a recurring price.")
        if mode == "subscription":
            interval = (recurring or {}).get("interval")
            if interval not in INTERVAL_DAYS:
                raise invalid(f"{where}[recurring][interval]", "`subscription` mode needs a recurring price.")
        unit = whole(price.get("unit_amount"), f"{where}[unit_amount]")
        total += unit * whole(line.get("quantity", "1"), f"line_items[{index}][quantity]")
    session_id = new_id("cs_test")
    return {
        "id": session_id,
        "object": "checkout.session",
        "mode": mode,
        "status": "open",
        "payment_status": "unpaid",
        "amount_subtotal": total,
        "amount_total": total,
        "currency": currency,
        "client_reference_id": params.get("client_reference_id"),
        "metadata": params.get("metadata") or {},
        "customer": params.get("customer"),
        "customer_email": params.get("customer_email"),
        "customer_details": None,
        "locale": locale,
        "success_url": params["success_url"],
        "cancel_url": params.get("cancel_url"),
        "subscription": None,
        "payment_intent": None,
        "invoice": None,
        "url": f"{base_url}/c/pay/{session_id}",
        "created": int(time.time()),
        "expires_at": int(time.time()) + DAY,
        "livemode": False,
        "_interval": interval,
        "_description": params["line_items"][0]["price_data"]["product_data"]["name"],
        "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata") or {},
    }

"""Money at the providers' wire edge: both Stripe and monobank count in minor units (cents,
kopiyky) as integers. Inside CineStream amounts stay Decimals in major units."""

from decimal import ROUND_HALF_UP, Decimal

from .providers.base import Currency, Money

# ISO 4217: both currencies have two decimal places; monobank names them by number.
MINOR_DIGITS: dict[str, int] = {"UAH": 2, "USD": 2}
ISO_NUMERIC: dict[str, int] = {"UAH": 980, "USD": 840}


class MoneyError(ValueError):
    """An amount that cannot be charged: negative, too precise, or in an unknown currency."""


def money(amount: Decimal | str | int, currency: Currency) -> Money:
    """A Money from what a form or the admin holds; strings and ints only, never floats."""
    if isinstance(amount, float):
        raise MoneyError("amounts are never floats")
    value = Decimal(amount)
    if currency not in MINOR_DIGITS:
        raise MoneyError(f"unknown currency {currency!r}")
    if not value.is_finite() or value < 0:
        raise MoneyError(f"not a chargeable amount: {amount!r}")
    step = Decimal(1).scaleb(-MINOR_DIGITS[currency])
    if value != value.quantize(step):
        raise MoneyError(f"{currency} has {MINOR_DIGITS[currency]} decimal places at most: {amount!r}")
    return Money(amount=value.quantize(step), currency=currency)


def to_minor(value: Money) -> int:
    """Decimal("4.99") USD → 499."""
    scaled = value.amount.scaleb(MINOR_DIGITS[value.currency])
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{value.amount} {value.currency} is not a whole number of minor units")
    return int(scaled)


def from_minor(minor: int, currency: Currency) -> Money:
    """499, "USD" → Decimal("4.99") USD; what a provider's body or webhook says."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise MoneyError(f"minor units must be an integer, got {minor!r}")
    if currency not in MINOR_DIGITS:
        raise MoneyError(f"unknown currency {currency!r}")
    step = Decimal(1).scaleb(-MINOR_DIGITS[currency])
    return Money(
        amount=(Decimal(minor).scaleb(-MINOR_DIGITS[currency])).quantize(step, ROUND_HALF_UP),
        currency=currency,
    )


def currency_from_iso_numeric(code: int) -> Currency:
    for name, number in ISO_NUMERIC.items():
        if number == code:
            return name  # type: ignore[return-value]
    raise MoneyError(f"unknown ISO 4217 currency number {code!r}")

"""Money never passes through a float: Decimal inside, integer minor units at the wire."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.memberships.errors import DonationAmountInvalid
from apps.memberships.money import MoneyError, from_minor, money, to_minor
from apps.memberships.providers.base import Money
from apps.memberships.services import DONATION_LIMITS, donation_amount_parse

currencies = st.sampled_from(["UAH", "USD"])
minor_units = st.integers(min_value=0, max_value=10**12)
amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(minor=minor_units, currency=currencies)
def test_minor_units_round_trip_exactly(minor, currency):
    assert to_minor(from_minor(minor, currency)) == minor


@given(amount=amounts, currency=currencies)
def test_amounts_round_trip_through_minor_units(amount, currency):
    value = money(amount, currency)

    back = from_minor(to_minor(value), currency)

    assert back == value
    assert isinstance(back.amount, Decimal)


@given(a=amounts, b=amounts, currency=currencies)
def test_sums_in_minor_units_equal_sums_of_decimals(a, b, currency):
    total = to_minor(money(a, currency)) + to_minor(money(b, currency))

    assert from_minor(total, currency).amount == a + b


@given(amount=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False), currency=currencies)
def test_a_third_decimal_place_is_refused_never_rounded(amount, currency):
    if amount == amount.quantize(Decimal("0.01")):
        assert money(amount, currency).amount == amount
    else:
        with pytest.raises(MoneyError):
            money(amount, currency)


def test_floats_and_unknown_currencies_are_refused():
    with pytest.raises(MoneyError):
        money(4.99, "USD")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        money("1", "EUR")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        from_minor(4.99, "USD")  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        to_minor(Money(amount=Decimal("0.001"), currency="USD"))


@given(minor=st.integers(min_value=100, max_value=10_000_000), currency=currencies)
def test_donations_accept_any_two_place_amount_within_limits(minor, currency):
    typed = str(from_minor(minor, currency).amount)
    low, high = DONATION_LIMITS[currency]
    expected = Decimal(typed)

    if low <= expected <= high:
        assert donation_amount_parse(amount=typed, currency=currency) == expected
        assert donation_amount_parse(amount=typed.replace(".", ","), currency=currency) == expected
    else:
        with pytest.raises(DonationAmountInvalid):
            donation_amount_parse(amount=typed, currency=currency)


@pytest.mark.parametrize("typed", ["", "abc", "1e3", "NaN", "-50", "50.001", "0", "100001", "Infinity"])
def test_donations_refuse_what_is_not_a_chargeable_amount(typed):
    with pytest.raises(DonationAmountInvalid):
        donation_amount_parse(amount=typed, currency="UAH")

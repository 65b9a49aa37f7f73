"""The plans page's and donation page's forms: they parse, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Currency, Interval

DONATION_PRESETS_UAH = ("50", "100", "200")


class CheckoutForm(forms.Form):
    plan = forms.SlugField(max_length=32)
    interval = forms.ChoiceField(choices=Interval.choices)
    currency = forms.ChoiceField(choices=Currency.choices)
    provider = forms.SlugField(max_length=16)


class DonationForm(forms.Form):
    # Text, not a number input: the amount is parsed as a Decimal by the services, and a
    # comma is a decimal separator in uk and ru.
    amount = forms.CharField(label=_("Amount"), max_length=12)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial="UAH")
    email = forms.EmailField(label=_("E-mail for the receipt (optional)"), required=False)
    provider = forms.SlugField(max_length=16)

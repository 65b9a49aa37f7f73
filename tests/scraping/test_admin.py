from decimal import Decimal

import pytest
from django.test import override_settings

from apps.scraping.models import GeminiCall

pytestmark = pytest.mark.django_db


@override_settings(GEMINI_DAILY_TOKEN_BUDGET=10000, GEMINI_DAILY_COST_BUDGET_USD=Decimal("5.00"))
def test_the_gemini_ledger_shows_the_totals_of_the_filtered_calls_and_todays_spend(admin_client):
    GeminiCall.objects.create(
        purpose="cinemas",
        city="Kyiv",
        model="gemini-3.5-flash",
        outcome="ok",
        total_tokens=900,
        cost_usd=Decimal("0.020000"),
    )
    GeminiCall.objects.create(
        purpose="sessions",
        city="Lviv",
        model="gemini-3.5-flash",
        outcome="unavailable",
        total_tokens=0,
    )

    # The header's switch: a signed-in person's language is their profile's, not only a cookie.
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    everything = admin_client.get("/admin/scraping/geminicall/").content.decode()
    only_ok = admin_client.get("/admin/scraping/geminicall/", {"outcome__exact": "ok"}).content.decode()

    assert 'data-testid="gemini-totals"' in everything
    assert "2 calls" in everything
    assert "900 of 10000 tokens" in everything
    assert "$0.0200 of $5.00" in everything
    assert "1 call<" in only_ok
    assert "Lviv" not in only_ok

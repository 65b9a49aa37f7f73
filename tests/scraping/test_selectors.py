import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.scraping.models import GeminiCall
from apps.scraping.selectors import gemini_spend_on, gemini_spend_today

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def call_at(at: dt.datetime, *, tokens: int, cost: str, outcome: str = "ok") -> GeminiCall:
    return GeminiCall.objects.create(
        purpose="sessions",
        model="gemini-3.5-flash",
        outcome=outcome,
        total_tokens=tokens,
        cost_usd=Decimal(cost),
        created_at=at,
    )


def test_a_days_spend_counts_the_kyiv_calendar_day_and_every_outcome():
    # Kyiv is UTC+2 in December: 2026-12-04 runs from 22:00 UTC on the 3rd to 22:00 UTC on the 4th.
    call_at(dt.datetime(2026, 12, 3, 21, 59, tzinfo=UTC), tokens=1000, cost="0.5")  # the 3rd in Kyiv
    call_at(dt.datetime(2026, 12, 3, 22, 0, tzinfo=UTC), tokens=100, cost="0.010000")
    call_at(dt.datetime(2026, 12, 4, 21, 59, tzinfo=UTC), tokens=20, cost="0.002", outcome="rejected")
    call_at(dt.datetime(2026, 12, 4, 22, 0, tzinfo=UTC), tokens=3000, cost="1")  # the 5th in Kyiv

    spend = gemini_spend_on(day=dt.date(2026, 12, 4))

    assert (spend.calls, spend.tokens, spend.cost_usd) == (2, 120, Decimal("0.012"))


def test_todays_spend_is_zero_without_calls_and_counts_todays_calls():
    assert gemini_spend_today().tokens == 0
    assert gemini_spend_today().cost_usd == 0

    call_at(timezone.now(), tokens=500, cost="0.25")

    spend = gemini_spend_today()
    assert spend.day == timezone.localdate()
    assert (spend.calls, spend.tokens, spend.cost_usd) == (1, 500, Decimal("0.25"))

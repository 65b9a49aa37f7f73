"""The staff's analytics dashboard: visits, pages, titles, cities, what Gemini and TMDB cost."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from apps.analytics.services import page_view_count, visits_flush
from apps.scraping.models import GeminiCall
from apps.scraping.tmdb_ledger import tmdb_call_record
from apps.trends.models import TitleViews
from apps.trends.services import views_day
from tests.analytics.test_visits import BROWSER
from tests.factories.catalog import TitleFactory


@pytest.mark.django_db
def test_the_dashboard_is_for_staff_who_passed_totp(client):
    answer = client.get("/admin/analytics/dashboard/")
    assert answer.status_code == 302
    assert "/admin/login/" in answer["Location"]

    user_model = get_user_model()
    staff = user_model.objects.create_superuser(email="ops@example.com", password="a long pass phrase")
    client.force_login(staff)  # signed in, but not with TOTP in this session
    answer = client.get("/admin/analytics/dashboard/")
    assert answer.status_code == 302
    assert "/admin/login/" in answer["Location"]


@pytest.mark.django_db
def test_staff_see_visits_pages_titles_cities_and_spend(admin_client):
    for path in (
        "/",
        "/",
        "/showtimes/kyiv/",
        "/showtimes/kyiv/tt0133093/",
        "/showtimes/lviv/",
        "/showtimes/pick/",
    ):
        page_view_count(path=path, address="203.0.113.9", user_agent=BROWSER)
    visits_flush()
    matrix = TitleFactory(imdb_id="tt0133093", primary_title="The Matrix")
    TitleViews.objects.create(title=matrix, day=views_day(), views=42)
    GeminiCall.objects.create(
        purpose=GeminiCall.Purpose.SESSIONS,
        model="gemini-3-flash",
        outcome=GeminiCall.Outcome.OK,
        total_tokens=1200,
        cost_usd=Decimal("0.0123"),
    )
    tmdb_call_record(endpoint="find", ok=True)
    tmdb_call_record(endpoint="movie", ok=False)

    page = admin_client.get("/admin/analytics/dashboard/", HTTP_USER_AGENT=BROWSER)

    assert page.status_code == 200
    html = page.content.decode()
    chart_bars = [bar for bar in page.context["chart"].bars if bar.views]
    assert [bar.views for bar in chart_bars] == [6]
    assert 'data-testid="visits-chart"' in html
    assert [(row.path, row.views) for row in page.context["pages"]][:1] == [("/", 2)]
    assert [(row.path, row.views) for row in page.context["cities"]] == [("kyiv", 2), ("lviv", 1)]
    assert [(row.name, row.views) for row in page.context["titles"]] == [("The Matrix", 42)]
    assert page.context["gemini_total"] == Decimal("0.0123")
    assert (page.context["tmdb_calls"], page.context["tmdb_failed"]) == (2, 1)
    assert "0.0123" in html or "0,0123" in html

"""Reads the dashboard and the API will build on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.trends.models import TrendSnapshot
from apps.trends.selectors import title_trend_history
from apps.trends.services import view_count, views_flush
from tests.factories.catalog import TitleFactory

pytestmark = pytest.mark.django_db


def test_a_titles_history_is_its_daily_score_and_views_oldest_first():
    title = TitleFactory(tmdb_popularity=10.0)
    today = timezone.now().date()
    TrendSnapshot.objects.create(title=title, day=today - timedelta(days=40), score=1.0, views=1)
    TrendSnapshot.objects.create(title=title, day=today - timedelta(days=2), score=2.0, views=5)
    for _ in range(3):
        view_count(title_id=title.pk)
    views_flush()

    history = title_trend_history(title_id=title.pk, days=30)

    assert [(point.day, point.views) for point in history] == [(today - timedelta(days=2), 5), (today, 3)]
    assert history[-1].score > 0

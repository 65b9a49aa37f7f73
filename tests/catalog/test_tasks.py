"""The catalog's Celery tasks (apps/catalog/tasks.py): IMDb scrapes while IMDb keeps blocking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.catalog.tasks import (
    scrape_chart_task,
    scrape_daily_refresh_task,
    scrape_titles_task,
    scrape_url_task,
)
from apps.scraping.models import ScrapeCircuit, ScrapeRun

pytestmark = pytest.mark.embedded


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "args"),
    [
        (scrape_titles_task, [["tt0111161"]]),
        (scrape_chart_task, ["top"]),
        (scrape_url_task, ["https://www.imdb.com/search/title/?genres=drama"]),
        (scrape_daily_refresh_task, []),
    ],
    ids=["titles", "chart", "url", "daily"],
)
def test_a_scrape_task_pauses_without_asking_imdb_while_the_circuit_is_open(task, args):
    ScrapeCircuit.objects.create(
        name="imdb",
        consecutive_blocks=5,
        reason="captcha on /title/tt0111161/",
        opened_at=timezone.now(),
        reopens_at=timezone.now() + timedelta(hours=1),
    )

    result = task.apply(args=args).get()

    assert result["circuit_open"] is True
    assert set(result) == {"circuit_open", "message"}
    assert "captcha on /title/tt0111161/" in result["message"]
    assert ScrapeRun.objects.count() == 0  # no run started: no browser, no page asked for

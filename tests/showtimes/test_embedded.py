"""Embedded mode: the visitor's request answers at once and the run fills the city in a thread."""

import pytest
from django.test import override_settings

from apps.showtimes.models import Location, Session
from tests.factories.showtimes import LocationFactory
from tests.showtimes.conftest import catalog_of
from tests.support.scraping import eventually


@pytest.mark.embedded
def test_a_request_answers_before_the_run_it_queued_fills_the_city(client, standin, transactional_db):
    catalog_of(standin.city)
    LocationFactory(city="Kyiv")
    standin.delay = 0.05  # each answer takes a while, as Gemini's do

    with override_settings(SHOWTIMES_RUN_IN_THREAD=True, SHOWTIMES_HORIZON_DAYS=2):
        reply = client.post("/api/cities/kyiv/scrape")

        assert reply.status_code == 202
        assert reply.json()["is_queued"] is True
        assert reply.json()["status"] in ("queued", "scraping")  # the thread may have started already
        eventually(lambda: Location.objects.get(slug="kyiv").status == Location.Status.READY, timeout=60)

    assert Session.objects.exists()

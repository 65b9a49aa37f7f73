"""Fixtures for the scraping clients: the IMDb stand-in and the real IMDb pages kept as data."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

from tests.standins.imdb_site import ImdbSite, imdb_site_serve


@pytest.fixture
def imdb_site() -> Iterator[ImdbSite]:
    """The IMDb stand-in on a loopback port, with settings.IMDB_BASE_URL pointing at it.

    Its WAF challenge is on, as on IMDb: a browser passes it, a plain HTTP client gets 202.
    """
    with imdb_site_serve() as site, override_settings(IMDB_BASE_URL=site.base_url):
        yield site

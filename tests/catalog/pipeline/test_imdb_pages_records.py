"""Records the IMDb page parser yields go through the catalog pipeline as they are."""

from collections.abc import Iterator

import pytest
import requests

from apps.catalog.models import Title
from apps.catalog.services import record_prepare, titles_ingest
from apps.scraping.imdb_pages import chart_page_parse, title_page_parse
from tests.standins.imdb_site import ImdbSite, imdb_site_serve


@pytest.fixture(scope="module")
def site() -> Iterator[ImdbSite]:
    with imdb_site_serve(challenge=False) as standin:
        yield standin


def page(site: ImdbSite, path: str, language: str = "en") -> str:
    return requests.get(site.url(path, language=language), timeout=10).text


@pytest.mark.parametrize(
    "imdb_id", ["tt1375666", "tt0095327", "tt0903747", "tt0110912", "tt31234567", "tt0211915"]
)
def test_title_records_validate_without_rescue(site: ImdbSite, imdb_id: str) -> None:
    raw = title_page_parse(page(site, f"/title/{imdb_id}/")).record

    record = record_prepare(raw)

    assert record.source == "imdb_page"
    assert set(record.rescued) == {"imdb_page"}  # only the parser's own notes, no rejected value
    assert record.primary_title == site.title(imdb_id).display_title()
    assert record.start_year == site.title(imdb_id).year


def test_chart_records_validate_without_rescue(site: ImdbSite) -> None:
    records = [record_prepare(raw) for raw in chart_page_parse(page(site, "/chart/toptv/"))]

    assert len(records) == 250
    assert all(record.rescued == {} for record in records)
    assert {record.title_type for record in records} == {"tvSeries"}


@pytest.mark.django_db
def test_scraped_title_lands_in_the_catalog_with_its_people(site: ImdbSite) -> None:
    raw = title_page_parse(page(site, "/title/tt6710474/"), url=site.url("/title/tt6710474/")).record

    report = titles_ingest([raw])

    title = Title.objects.get(imdb_id="tt6710474")
    assert report.inserted == 1
    assert title.primary_title == "Everything Everywhere All at Once"
    assert float(title.rating) == 7.8
    assert title.rescued_data["imdb_page"]["sources"]["rating"] == "json_ld"
    directors = (
        title.credits.filter(role="director").order_by("ordering").values_list("person__name", flat=True)
    )
    assert list(directors) == ["Daniel Kwan", "Daniel Scheinert"]

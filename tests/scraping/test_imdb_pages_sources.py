"""Where each title-page field comes from: `FIELD_SOURCES`' order, and the provenance the
record carries (`rescued["imdb_page"]["sources"]`), over the stand-in's pages with parts
taken away."""

from collections.abc import Iterator
from itertools import combinations

import pytest
import requests
from lxml import html as lxml_html

from apps.scraping.imdb_pages import FIELD_SOURCES, TITLE_PAGE_FIELDS, TitlePage, title_page_parse
from tests.standins.imdb_site import ImdbSite, imdb_site_serve

PARTS = ("json_ld", "next_data", "dom")
_XPATHS = {
    "json_ld": '//script[@type="application/ld+json"]',
    "next_data": '//script[@id="__NEXT_DATA__"]',
    "dom": '//div[@id="__next"] | //meta[@property="imdb:pageConst"] | //link[@rel="canonical"]',
}


@pytest.fixture(scope="module")
def site() -> Iterator[ImdbSite]:
    with imdb_site_serve(challenge=False) as standin:
        yield standin


def keeping(html: str, parts: tuple[str, ...]) -> str:
    """The page with only `parts` left of JSON-LD, __NEXT_DATA__ and the DOM."""
    document = lxml_html.document_fromstring(html)
    for part, xpath in _XPATHS.items():
        if part not in parts:
            for element in document.xpath(xpath):
                element.getparent().remove(element)
    return lxml_html.tostring(document, encoding="unicode")


def parse(site: ImdbSite, imdb_id: str, parts: tuple[str, ...]) -> TitlePage:
    url = site.url(f"/title/{imdb_id}/")
    html = requests.get(url, timeout=10).text
    return title_page_parse(keeping(html, parts), url=url)


def test_every_expected_field_has_a_stated_source_order() -> None:
    orders = {field: [part for part, _ in sources] for field, sources in FIELD_SOURCES.items()}

    assert set(TITLE_PAGE_FIELDS) <= set(orders)
    assert orders["plot"] == ["json_ld", "next_data", "dom"]
    # People are missing from 2025 JSON-LD; its release date is the visitor's country's.
    assert orders["directors"] == orders["writers"] == orders["stars"] == ["next_data", "dom", "json_ld"]
    assert "json_ld" not in orders["start_year"]
    # A localized page's display title is its hero's: JSON-LD's name only as a last resort.
    assert orders["primary_title"][-1] == "json_ld"


@pytest.mark.parametrize("imdb_id", ["tt1375666", "tt0903747", "tt6710474"])
def test_each_field_comes_from_the_first_part_in_its_order_that_has_it(site: ImdbSite, imdb_id: str) -> None:
    alone = {part: parse(site, imdb_id, (part,)) for part in PARTS}

    for kept in [PARTS, *combinations(PARTS, 2)]:
        parsed = parse(site, imdb_id, kept)

        for field, sources in FIELD_SOURCES.items():
            order = [part for part in dict.fromkeys(part for part, _ in sources) if part in kept]
            having = [part for part in order if field in alone[part].sources]
            assert parsed.sources.get(field) == (having[0] if having else None), (kept, field)
            if having:
                assert parsed.record[field] == alone[having[0]].record[field], (kept, field)
        assert parsed.record["rescued"]["imdb_page"]["sources"] == parsed.sources

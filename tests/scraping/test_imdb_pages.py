"""The IMDb page parser over the stand-in's pages as IMDb's server sends them (plain HTTP).

Browser-rendered pages (chart rows past 25, "50 more") are in test_imdb_standin_browser.py;
IMDb's own saved pages in test_imdb_pages_real.py.
"""

from collections.abc import Iterator
from datetime import date

import pytest
import requests
from lxml import html as lxml_html

from apps.scraping.imdb_pages import (
    ImdbLayoutChanged,
    ImdbPageBlocked,
    chart_page_parse,
    count_parse,
    date_parse,
    duration_minutes,
    list_page_parse,
    listing_total,
    page_blocked,
    rating_parse,
    title_page_parse,
)
from tests.standins.imdb_site import ImdbSite, imdb_site_serve
from tests.standins.imdb_site.titles import StandinTitle

PARTS = ("json_ld", "next_data", "dom")


@pytest.fixture(scope="module")
def site() -> Iterator[ImdbSite]:
    """The stand-in without its WAF challenge, for plain HTTP reads of the server's HTML."""
    with imdb_site_serve(challenge=False) as standin:
        yield standin


def fetch(site: ImdbSite, path: str, *, language: str = "en") -> str:
    reply = requests.get(site.url(path, language=language), timeout=10)
    assert reply.status_code == 200, reply.status_code
    return reply.text


def only(html: str, part: str) -> str:
    """The page with every part but `part` removed (json_ld, next_data or dom)."""
    document = lxml_html.document_fromstring(html)
    removals = {
        "json_ld": '//script[@type="application/ld+json"]',
        "next_data": '//script[@id="__NEXT_DATA__"]',
        "dom": '//div[@id="__next"] | //meta[@property="imdb:pageConst"] | //link[@rel="canonical"]',
    }
    for name, xpath in removals.items():
        if name != part:
            for element in document.xpath(xpath):
                element.getparent().remove(element)
    return lxml_html.tostring(document, encoding="unicode")


def names(credits: list[dict] | None) -> list[str]:
    return [credit["name"] for credit in credits or []]


def assert_matches(record: dict, title: StandinTitle, language: str = "en") -> None:
    assert record["imdb_id"] == title.imdb_id
    assert record["source"] == "imdb_page"
    assert record["primary_title"] == title.display_title(language)
    assert record["original_title"] == title.original_title
    assert record["title_type"] == title.title_type
    assert record.get("start_year") == title.year
    assert record.get("runtime_minutes") == title.runtime_minutes
    assert record.get("rating") == title.rating
    assert record.get("certificate") == title.certificate
    assert record.get("release_date") == (title.release_date.isoformat() if title.release_date else None)
    assert record.get("poster_url") == title.poster_url
    assert record["genres"] == list(title.genres)
    assert names(record.get("directors")) == [person.name for person in title.directors]
    assert names(record.get("writers")) == [person.name for person in (*title.creators, *title.writers)]
    assert names(record.get("stars")) == [person.name for person in title.stars]


# ---------------------------------------------------------------- title pages, whole


@pytest.mark.parametrize(
    "imdb_id",
    ["tt1375666", "tt0095327", "tt6710474", "tt0079944", "tt0211915", "tt0058642", "tt0903747", "tt0083987"],
)
def test_title_page_reads_every_field(site: ImdbSite, imdb_id: str) -> None:
    title = site.title(imdb_id)

    parsed = title_page_parse(fetch(site, f"/title/{imdb_id}/"), url=site.url(f"/title/{imdb_id}/"))

    assert_matches(parsed.record, title)
    assert parsed.record["votes"] == title.votes
    assert parsed.record["plot"] == title.plot()
    assert parsed.record["keywords"] == list(title.keywords)
    assert parsed.parts == {"json_ld": "ok", "next_data": "ok", "dom": "ok"}


def test_original_title_is_json_ld_name_and_display_title_the_hero(site: ImdbSite) -> None:
    record = title_page_parse(fetch(site, "/title/tt0095327/")).record

    assert record["primary_title"] == "Grave of the Fireflies"
    assert record["original_title"] == "Hotaru no haka"


def test_entities_inside_json_ld_strings_are_unescaped(site: ImdbSite) -> None:
    parsed = title_page_parse(fetch(site, "/title/tt0211915/"))

    assert parsed.record["original_title"] == "Le fabuleux destin d'Amélie Poulain"
    assert parsed.sources["original_title"] == "json_ld"


def test_whole_rating_sent_as_integer_reads_as_rating(site: ImdbSite) -> None:
    parsed = title_page_parse(fetch(site, "/title/tt0083987/"))

    assert parsed.record["rating"] == 8.0
    assert parsed.sources["rating"] == "json_ld"
    assert "&amp;" not in parsed.record["plot"]
    assert "&" in parsed.record["plot"]


def test_several_directors_each_once_though_the_page_lists_them_twice(site: ImdbSite) -> None:
    html = fetch(site, "/title/tt6710474/")

    record = title_page_parse(only(html, "dom")).record

    assert html.count('data-testid="title-pc-principal-credit"') == 6  # three groups, twice
    assert [(credit["imdb_id"], credit["name"]) for credit in record["directors"]] == [
        ("nm3215397", "Daniel Kwan"),
        ("nm3215391", "Daniel Scheinert"),
    ]
    assert [credit["ordering"] for credit in record["stars"]] == [0, 1, 2]


def test_series_has_years_creators_and_no_director(site: ImdbSite) -> None:
    parsed = title_page_parse(fetch(site, "/title/tt0903747/"))

    assert parsed.record["title_type"] == "tvSeries"
    assert (parsed.record["start_year"], parsed.record["end_year"]) == (2008, 2013)
    assert names(parsed.record["writers"]) == ["Vince Gilligan"]
    assert "directors" not in parsed.record
    assert "directors" not in parsed.missing


def test_missing_rating_plot_and_poster_are_reported_not_invented(site: ImdbSite) -> None:
    parsed = title_page_parse(fetch(site, "/title/tt31234567/"))

    for field in ("rating", "votes", "plot", "poster_url", "runtime_minutes", "certificate", "release_date"):
        assert field not in parsed.record
        assert field in parsed.missing
    assert parsed.record["rescued"]["imdb_page"]["missing"] == list(parsed.missing)
    assert parsed.record["primary_title"] == "The Untitled Harbour Project"


def test_broken_json_ld_falls_back_to_next_data_and_dom(site: ImdbSite) -> None:
    title = site.title("tt0110912")

    parsed = title_page_parse(fetch(site, "/title/tt0110912/"))

    assert parsed.parts["json_ld"] == "broken"
    assert_matches(parsed.record, title)
    assert parsed.missing == ()
    assert set(parsed.sources.values()) <= {"next_data", "dom"}


def test_class_names_change_with_every_build_and_parsing_does_not(site: ImdbSite) -> None:
    before = fetch(site, "/title/tt1375666/")
    site.rebuild()
    after = fetch(site, "/title/tt1375666/")

    assert before != after
    assert only(before, "dom") != only(after, "dom")
    assert title_page_parse(only(before, "dom")).record == title_page_parse(only(after, "dom")).record


# ---------------------------------------------------------------- each part alone


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("imdb_id", ["tt1375666", "tt0095327", "tt6710474", "tt0079944", "tt0903747"])
def test_any_one_part_alone_yields_a_record(site: ImdbSite, imdb_id: str, part: str) -> None:
    title = site.title(imdb_id)

    parsed = title_page_parse(
        only(fetch(site, f"/title/{imdb_id}/"), part), url=site.url(f"/title/{imdb_id}/")
    )

    assert parsed.record["imdb_id"] == imdb_id
    assert set(parsed.sources.values()) == {part}
    assert parsed.parts[part] == "ok"
    assert all(parsed.parts[other] == "absent" for other in PARTS if other != part)
    assert parsed.record["original_title"] == title.original_title
    assert parsed.record["rating"] == title.rating
    assert parsed.record["runtime_minutes"] == title.runtime_minutes
    assert parsed.record["genres"] == list(title.genres)
    if part == "json_ld":
        # 2025 JSON-LD has no people and no year; the record says so.
        assert parsed.record["primary_title"] == title.display_title()
        assert {"stars", "start_year"} <= set(parsed.missing)
    else:
        assert_matches(parsed.record, title)
        assert parsed.record["start_year"] == title.year


def test_dom_alone_reads_rounded_votes_and_the_longest_plot(site: ImdbSite) -> None:
    parsed = title_page_parse(only(fetch(site, "/title/tt1375666/"), "dom"))

    assert parsed.record["votes"] == 2_800_000  # "2.8M" is all the DOM shows
    assert parsed.record["plot"] == site.title("tt1375666").plot()
    assert parsed.record["keywords"][:2] == ["dream", "ambiguous ending"]


def test_page_without_any_part_is_a_layout_change() -> None:
    with pytest.raises(ImdbLayoutChanged, match="JSON-LD"):
        title_page_parse("<html><head><title>IMDb</title></head><body><p>Hello</p></body></html>")


# ---------------------------------------------------------------- localized pages


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_localized_page_gives_the_display_title_in_its_language(site: ImdbSite, language: str) -> None:
    title = site.title("tt1375666")

    parsed = title_page_parse(fetch(site, "/title/tt1375666/", language=language), language=language)

    assert parsed.record["primary_title"] == title.display_title(language)
    assert parsed.record["original_title"] == "Inception"
    assert parsed.record["rescued"]["imdb_page"]["language"] == language


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_localized_dom_reads_localized_numbers_labels_and_genres(site: ImdbSite, language: str) -> None:
    title = site.title("tt0095327")
    html = fetch(site, "/title/tt0095327/", language=language)

    parsed = title_page_parse(only(html, "dom"), language=language)

    assert "8,5" in html
    assert "тис." in html or "тыс." in html
    assert_matches(parsed.record, title, language)
    assert parsed.record["votes"] == 369_000
    assert parsed.record["genres"] == ["Animation", "Drama", "War"]


def test_language_follows_accept_language_without_a_prefix(site: ImdbSite) -> None:
    reply = requests.get(
        site.url("/title/tt0903747/"), headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}, timeout=10
    )

    assert title_page_parse(reply.text, language="ru").record["primary_title"] == "Во все тяжкие"


# ---------------------------------------------------------------- charts, searches, lists


@pytest.mark.parametrize(("chart", "size"), [("top", 250), ("moviemeter", 100), ("toptv", 250)])
def test_chart_has_every_row_though_the_html_renders_25(site: ImdbSite, chart: str, size: int) -> None:
    html = fetch(site, f"/chart/{chart}/")

    records = chart_page_parse(html, url=site.url(f"/chart/{chart}/"))

    assert html.count("ipc-metadata-list-summary-item ") == 25
    assert [record["imdb_id"] for record in records] == [title.imdb_id for title in site.chart(chart)]
    assert len(records) == size
    first = site.chart(chart)[0]
    assert records[0]["primary_title"] == first.display_title()  # "1. " stripped
    assert records[0]["votes"] == first.votes  # exact, from __NEXT_DATA__
    assert all(record["source"] == "imdb_page" for record in records)


def test_chart_rows_read_from_the_dom_alone(site: ImdbSite) -> None:
    records = chart_page_parse(only(fetch(site, "/chart/toptv/"), "dom"))

    first = site.chart("toptv")[0]
    assert len(records) == 25
    assert records[0] == {
        "imdb_id": first.imdb_id,
        "primary_title": first.display_title(),
        "start_year": first.year,
        "end_year": first.end_year,
        "runtime_minutes": first.runtime_minutes,
        "certificate": first.certificate,
        "rating": first.rating,
        "votes": 2_300_000,  # "2.3M": rounded, as the DOM shows it
        "poster_url": first.poster_url,
        "source": "imdb_page",
        "source_url": None,
    }


def test_search_page_reads_its_50_rows_and_total(site: ImdbSite) -> None:
    html = fetch(site, "/search/title/?title_type=feature&genres=action")
    expected = site.search_results("title_type=feature&genres=action")

    records = list_page_parse(html)

    assert [record["imdb_id"] for record in records] == [title.imdb_id for title in expected[:50]]
    assert records[0]["plot"] == expected[0].plot()
    assert listing_total(html) == 230


def test_list_page_reads_like_a_search(site: ImdbSite) -> None:
    html = fetch(site, "/list/ls055592025/")

    records = list_page_parse(html)

    assert len(records) == 50
    assert records[0]["genres"] == list(site.search_results("ls055592025")[0].genres)
    assert listing_total(html) == 230


# ---------------------------------------------------------------- blocks


def test_challenge_for_a_plain_client_is_a_block_not_an_empty_page(site: ImdbSite) -> None:
    with imdb_site_serve() as guarded:
        reply = requests.get(guarded.url("/title/tt1375666/"), timeout=10)

    assert reply.status_code == 202
    assert page_blocked(status=202, headers=reply.headers, html=reply.text) == "waf challenge (HTTP 202)"
    assert page_blocked(html=reply.text) == "waf challenge page"
    with pytest.raises(ImdbPageBlocked):
        title_page_parse(reply.text)
    with pytest.raises(ImdbPageBlocked):
        chart_page_parse(reply.text)


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/title/tt9990403/", 403, "forbidden (HTTP 403)"),
        ("/title/tt9990405/", 405, "waf captcha (HTTP 405)"),
    ],
)
def test_hard_blocks_are_recognized(site: ImdbSite, path: str, status: int, reason: str) -> None:
    reply = requests.get(site.url(path), timeout=10)

    assert reply.status_code == status
    assert page_blocked(status=reply.status_code, headers=reply.headers, html=reply.text) == reason


def test_a_real_page_is_not_a_block(site: ImdbSite) -> None:
    html = fetch(site, "/title/tt1375666/")

    assert page_blocked(status=200, headers={"Content-Type": "text/html"}, html=html) is None


# ---------------------------------------------------------------- value readers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (2753539, 2753539),
        ("2.8M", 2_800_000),
        ("2,8 млн", 2_800_000),
        ("2M", 2_000_000),
        ("646K", 646_000),
        ("369 тис.", 369_000),
        ("369 тыс.", 369_000),
        ("646.623", 646_623),
        ("1,234,567", 1_234_567),
        ("1 234", 1_234),
        ("\xa0(2.9M)", 2_900_000),
        ("207", 207),
        ("", None),
        ("many", None),
    ],
)
def test_count_parse(text: object, expected: int | None) -> None:
    assert count_parse(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(8, 8.0), ("8", 8.0), (8.8, 8.8), ("8,7", 8.7), ("8.7/10", 8.7), (0, None), ("", None)],
)
def test_rating_parse(value: object, expected: float | None) -> None:
    assert rating_parse(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT2H28M", 148),
        ("PT45M", 45),
        ("PT3H", 180),
        ("2h 28m", 148),
        ("2h 28m (148 min)", 148),
        ("2 год 28 хв", 148),
        ("2 ч 28 мин", 148),
        ("1 hour", 60),
        ("49m", 49),
        ("TV-MA", None),
        ("1994", None),
    ],
)
def test_duration_minutes(text: str, expected: int | None) -> None:
    assert duration_minutes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 16, 2010 (United States)", date(2010, 7, 16)),
        ("16 липня 2010 р. (США)", date(2010, 7, 16)),
        ("16 июля 2010 г. (США)", date(2010, 7, 16)),
        ("2010-07-16", date(2010, 7, 16)),
        ("2010", None),
        ("February 30, 2010", None),
    ],
)
def test_date_parse(text: str, expected: date | None) -> None:
    assert date_parse(text) == expected

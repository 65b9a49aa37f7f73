"""The IMDb page parser over IMDb's own pages, saved as test data (tests/fixtures/imdb/)."""

import gzip
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from apps.scraping.imdb_pages import list_page_parse, listing_total, page_blocked, title_page_parse
from tests.scraping.test_imdb_pages import only

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imdb"
JSON_LD = json.loads((FIXTURES / "title_jsonld_raw_22-movies_2025-11-20.json").read_text(encoding="utf-8"))


def page(name: str) -> str:
    return gzip.decompress((FIXTURES / f"{name}.html.gz").read_bytes()).decode("utf-8")


def json_ld_page(imdb_id: str) -> str:
    """A page holding only that title's real JSON-LD block, as the 2025 server sent it."""
    return f'<html><head><script type="application/ld+json">{JSON_LD[imdb_id]["ld_json_raw"]}</script></head><body></body></html>'


def strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings(item)]
    return []


@pytest.mark.parametrize("imdb_id", sorted(JSON_LD))
def test_every_2025_json_ld_block_yields_a_record(imdb_id: str) -> None:
    raw = JSON_LD[imdb_id]["ld_json_raw"]

    parsed = title_page_parse(json_ld_page(imdb_id), url=f"https://www.imdb.com/title/{imdb_id}/")
    record = parsed.record

    assert record["imdb_id"] == imdb_id
    assert record["title_type"] == "movie"
    assert record["primary_title"]
    assert record["original_title"]
    assert 1 <= record["rating"] <= 10
    assert record["votes"] > 100_000
    assert 60 <= record["runtime_minutes"] <= 210
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["release_date"])
    assert record["genres"]
    assert record["poster_url"].startswith("https://m.media-amazon.com/")
    # No people in 2025 JSON-LD: reported missing, never guessed.
    assert {"directors", "writers", "stars", "start_year"} <= set(parsed.missing)
    assert set(parsed.sources.values()) == {"json_ld"}
    # Entities are unescaped in every string the record keeps.
    assert "&apos;" in raw or "&quot;" in raw or "&amp;" in raw
    assert not [text for text in strings(record) if re.search(r"&(apos|quot|amp|#\d+);", text)]


def test_2025_json_ld_name_is_the_original_title() -> None:
    record = title_page_parse(json_ld_page("tt0095327")).record

    assert record["primary_title"] == "Grave of the Fireflies"
    assert record["original_title"] == "Hotaru no haka"
    assert record["keywords"] == ["food", "orphan", "studio ghibli", "2d animation", "anime animation"]
    assert record["certificate"] == "Not Rated"


def test_2025_json_ld_whole_rating_is_an_integer() -> None:
    assert '"ratingValue":8}' in JSON_LD["tt0083987"]["ld_json_raw"]

    assert title_page_parse(json_ld_page("tt0083987")).record["rating"] == 8.0


def test_2024_series_page_reads_whole() -> None:
    parsed = title_page_parse(
        page("title_tt0106062_matrix-tv-series_2024-03-17"), url="https://www.imdb.com/title/tt0106062/"
    )
    record = parsed.record

    assert parsed.parts == {"json_ld": "ok", "next_data": "ok", "dom": "ok"}
    assert record["imdb_id"] == "tt0106062"
    assert record["title_type"] == "tvSeries"
    assert (record["primary_title"], record["original_title"]) == ("Matrix", "Matrix")
    assert (record["start_year"], record["end_year"]) == (1993, 1993)
    assert record["rating"] == 7.5
    assert record["votes"] == 207
    assert record["runtime_minutes"] == 60
    assert record["release_date"] == "1993-03-01"
    # The JSON-LD description is cut short ("where he is ..."): the full plot comes next.
    assert record["plot"].endswith("but he gets the job done.")
    assert parsed.sources["plot"] == "next_data"
    assert [(c["imdb_id"], c["name"]) for c in record["writers"]] == [("nm0143211", "Grenville Case")]
    assert [c["name"] for c in record["stars"]] == ["Nick Mancuso", "Phillip Jarrett", "Carrie-Anne Moss"]
    assert "Action" in record["genres"]
    assert parsed.missing == ("certificate",)


@pytest.mark.parametrize("part", ["json_ld", "next_data", "dom"])
def test_2024_series_page_any_part_alone(part: str) -> None:
    parsed = title_page_parse(only(page("title_tt0106062_matrix-tv-series_2024-03-17"), part))

    assert parsed.record["imdb_id"] == "tt0106062"
    assert parsed.record["primary_title"] == "Matrix"
    assert parsed.record["title_type"] == "tvSeries"
    assert parsed.record["rating"] == 7.5
    assert set(parsed.sources.values()) == {part}
    # 2024 pages still had people in JSON-LD; every part names the stars.
    assert "Nick Mancuso" in [credit["name"] for credit in parsed.record["stars"]]


def test_2024_dom_genres_come_from_the_genres_chips() -> None:
    parsed = title_page_parse(only(page("title_tt0106062_matrix-tv-series_2024-03-17"), "dom"))

    assert parsed.record["genres"] == ["Action", "Drama", "Fantasy"]  # the chips show three
    assert parsed.record["runtime_minutes"] == 60
    assert parsed.record["votes"] == 207
    assert parsed.record["writers"][0]["name"] == "Grenville Case"


def test_search_page_reads_50_rows_and_the_total() -> None:
    html = page("search_title_title-matrix_2024-03-17")

    records = list_page_parse(html, url="https://www.imdb.com/search/title/?title=matrix")

    assert len(records) == 50
    assert listing_total(html) == 2222
    first = records[0]
    assert (first["imdb_id"], first["primary_title"], first["start_year"]) == (
        "tt0133093",
        "The Matrix",
        1999,
    )
    assert (first["rating"], first["votes"], first["runtime_minutes"]) == (8.7, 2_040_518, 136)
    assert first["genres"] == ["Action", "Sci-Fi"]
    assert first["plot"].startswith("When a beautiful stranger leads computer hacker Neo")
    assert len({record["imdb_id"] for record in records}) == 50


def test_search_rows_from_the_dom_alone() -> None:
    document = lxml_html.document_fromstring(page("search_title_title-matrix_2024-03-17"))
    for script in document.xpath('//script[@id="__NEXT_DATA__"]'):
        script.getparent().remove(script)

    records = list_page_parse(lxml_html.tostring(document, encoding="unicode"))

    assert len(records) == 50
    assert records[0] == {
        "imdb_id": "tt0133093",
        "primary_title": "The Matrix",
        "start_year": 1999,
        "runtime_minutes": 136,
        "certificate": "A",
        "rating": 8.7,
        "votes": 2_000_000,  # "2M"
        "plot": records[0]["plot"],
        "poster_url": records[0]["poster_url"],
        "source": "imdb_page",
        "source_url": None,
    }
    assert records[0]["poster_url"].endswith("._V1_.jpg")


def test_real_pages_are_not_blocks() -> None:
    for name in ("title_tt0106062_matrix-tv-series_2024-03-17", "search_title_title-matrix_2024-03-17"):
        assert page_blocked(status=200, headers={}, html=page(name)) is None

"""`manage.py export_catalog` (apps/catalog/lake/export.py): partitions, the schema, the manifest.

The catalog is filled through the ETL pipeline, so exports carry what real ingests leave:
credits, localized titles, rescued values, derived fields, two sources and their history.
"""

import json
from datetime import UTC, datetime, timedelta

import duckdb
import jsonschema
import pytest
from django.urls import reverse

from apps.catalog.lake import (
    RECORD_FIELDS,
    SCHEMA_ID,
    SCHEMA_PATH,
    CatalogLine,
    catalog_export,
)
from apps.catalog.models import Title
from apps.catalog.pipeline import limits
from apps.catalog.services import titles_ingest
from tests.catalog.lake.support import (
    EPOCH,
    lines_of,
    lines_of_file,
    manifest_of,
    run_export,
)

pytestmark = pytest.mark.embedded


def test_export_writes_one_partition_per_scrape_date_with_schema_and_manifest(catalog, tmp_path):
    summary = run_export(tmp_path)

    never_scraped = Title.objects.get(imdb_id="tt0000001").updated_at.astimezone(UTC).date()
    merged = Title.objects.get(imdb_id="tt0903747").scraped_at.astimezone(UTC).date()
    manifest = manifest_of(tmp_path)
    assert manifest["schema_version"] == 2
    assert manifest["schema_path"] == SCHEMA_PATH == "_schema/v2.json"
    assert manifest["lines"] == 5
    by_path = {file["path"]: file["lines"] for file in manifest["files"]}
    assert by_path["scrape_date=2024-05-01/part-0000.jsonl.gz"] == 1  # The Green Mile: UTC dates
    assert by_path["scrape_date=2024-05-02/part-0000.jsonl.gz"] == 1  # Stalker
    assert by_path["scrape_date=2024-05-03/part-0000.jsonl.gz"] == 1  # Shawshank, rating refreshed
    assert sum(by_path.values()) == 5
    assert f"scrape_date={never_scraped}/part-0000.jsonl.gz" in by_path
    assert f"scrape_date={merged}/part-0000.jsonl.gz" in by_path
    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*.jsonl.gz")) == sorted(
        by_path
    )
    assert "exported 5 titles" in summary

    shawshank = next(line for line in lines_of(tmp_path) if line["imdb_id"] == "tt0111161")
    assert shawshank["title"] == shawshank["primary_title"] == "The Shawshank Redemption"
    assert shawshank["year"] == shawshank["start_year"] == 1994
    assert shawshank["rating"] == 9.2
    assert shawshank["votes"] == 3_000_000
    assert shawshank["page"] == reverse("catalog:detail", kwargs={"imdb_id": "tt0111161"})
    assert shawshank["source"] == "imdb_datasets"
    assert shawshank["source_url"] == "https://www.imdb.com/title/tt0111161/"
    assert shawshank["scraped_at_utc"] == "2024-05-03T06:00:00Z"
    assert shawshank["release_date"] == "1994-10-14"
    assert shawshank["keywords"] == ["prison", "friendship"]
    assert shawshank["genres"] == ["Drama"]
    assert shawshank["directors"] == [
        {"imdb_id": "nm0001104", "name": "Frank Darabont", "ordering": 1, "characters": []}
    ]
    assert [star["characters"] for star in shawshank["stars"]] == [["Andy Dufresne"], ["Red"]]
    assert shawshank["akas"][1] == {
        "name": "Втеча з Шоушенка",
        "region": "UA",
        "language": "uk",
        "is_original": False,
        "ordering": 2,
    }
    assert shawshank["rescued_data"] == {"budget": "$25,000,000"}
    assert shawshank["decade_category"] == "1990s"
    assert "Prison" in shawshank["genre_categories"]
    assert shawshank["director_stats"] == {"total_movies": 2, "average_rating": 8.9}
    assert shawshank["sentiment_analysis"] == {
        "plot_tone": "Hopeful",
        "keyword_score": 0.75,
    }  # bond, hope, redemption; prison
    assert shawshank["recommendations"][0] == "tt0120689"  # same director, same genre


def test_every_line_follows_the_published_json_schema(catalog, tmp_path):
    run_export(tmp_path)

    schema = json.loads((tmp_path / SCHEMA_PATH).read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert "v2" in schema["$id"]
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    lines = lines_of(tmp_path)
    for line in lines:
        validator.validate(line)
        assert set(line) == set(schema["required"])
    # Partitions in date order, and by imdb_id inside each.
    assert [file["scrape_date"] for file in manifest_of(tmp_path)["files"]] == sorted(
        file["scrape_date"] for file in manifest_of(tmp_path)["files"]
    )
    for file in manifest_of(tmp_path)["files"]:
        ids = [line["imdb_id"] for line in lines_of_file(tmp_path / file["path"])]
        assert ids == sorted(ids)


def test_every_field_the_pipeline_takes_has_a_line_field():
    assert set(RECORD_FIELDS) <= set(CatalogLine.model_fields)


def test_parts_rotate_and_a_reexport_removes_what_it_no_longer_writes(catalog, tmp_path):
    titles_ingest(
        [
            {"imdb_id": f"tt990000{n}", "primary_title": f"Short {n}", "scraped_at": "2024-06-01T00:00:00Z"}
            for n in range(5)
        ],
        source="imdb_page",
    )
    run_export(tmp_path, "--lines-per-part", "2")
    rotated = {
        file["path"]: file["lines"] for file in manifest_of(tmp_path)["files"] if "2024-06-01" in file["path"]
    }
    assert rotated == {
        "scrape_date=2024-06-01/part-0000.jsonl.gz": 2,
        "scrape_date=2024-06-01/part-0001.jsonl.gz": 2,
        "scrape_date=2024-06-01/part-0002.jsonl.gz": 1,
    }

    run_export(tmp_path)

    june = sorted(path.name for path in (tmp_path / "scrape_date=2024-06-01").iterdir())
    assert june == ["part-0000.jsonl.gz"]
    assert manifest_of(tmp_path)["lines"] == len(lines_of(tmp_path)) == 10


def test_exporting_an_unchanged_catalog_gives_the_same_bytes(catalog, tmp_path):
    run_export(tmp_path / "first")
    run_export(tmp_path / "second")

    assert manifest_of(tmp_path / "first") == manifest_of(tmp_path / "second")
    for file in manifest_of(tmp_path / "first")["files"]:
        assert (tmp_path / "first" / file["path"]).read_bytes() == (
            tmp_path / "second" / file["path"]
        ).read_bytes()


def test_export_reads_the_catalog_chunk_by_chunk(catalog, tmp_path, django_assert_num_queries):
    # A count for the progress bar, the titles, then genres, credits and names once per chunk of 2.
    with django_assert_num_queries(2 + 3 * 3):
        catalog_export(destination=str(tmp_path), chunk_size=2)


def test_the_published_schema_states_the_limits():
    schema = CatalogLine.model_json_schema(mode="serialization")

    assert schema["properties"]["plot"]["maxLength"] == limits.TEXT["plot"]
    assert schema["properties"]["keywords"]["maxItems"] == limits.KEYWORDS
    assert schema["properties"]["keywords"]["items"]["maxLength"] == limits.KEYWORD
    assert schema["properties"]["stars"]["maxItems"] == limits.CREDITS["stars"]
    assert schema["$defs"]["CatalogCredit"]["properties"]["name"]["maxLength"] == limits.PERSON_NAME


def test_duckdb_reads_the_export_with_its_partitions(catalog, tmp_path):
    run_export(tmp_path)
    lines = {line["imdb_id"]: line for line in lines_of(tmp_path)}
    dates = {
        line["imdb_id"]: file["scrape_date"]
        for file in manifest_of(tmp_path)["files"]
        for line in lines_of_file(tmp_path / file["path"])
    }

    rows = duckdb.sql(
        f"""
        SELECT imdb_id, title, year, rating, votes, source, genres, directors, akas,
               epoch_us(scraped_at_utc) AS scraped_at_us,
               CAST(scrape_date AS VARCHAR) AS scrape_date
        FROM read_json_auto('{tmp_path}/scrape_date=*/*.jsonl.gz', hive_partitioning = true)
        ORDER BY imdb_id
        """
    )
    found = [dict(zip(rows.columns, row, strict=True)) for row in rows.fetchall()]

    assert [row["imdb_id"] for row in found] == sorted(lines)
    for row in found:
        line = lines[row["imdb_id"]]
        assert row["scrape_date"] == dates[row["imdb_id"]]
        for name in ("title", "year", "rating", "votes", "source", "genres"):
            assert row[name] == line[name], name
        assert [director["name"] for director in row["directors"] or []] == [
            director["name"] for director in line["directors"]
        ]
        assert [aka["name"] for aka in row["akas"] or []] == [aka["name"] for aka in line["akas"]]
        scraped_at = line["scraped_at_utc"] and datetime.fromisoformat(line["scraped_at_utc"])
        assert row["scraped_at_us"] == (scraped_at and (scraped_at - EPOCH) // timedelta(microseconds=1))

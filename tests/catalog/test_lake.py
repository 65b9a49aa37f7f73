"""The data lake: `manage.py export_catalog` and `import_catalog` (apps/catalog/lake.py).

The catalog is filled through the ETL pipeline, so exports carry what real ingests leave:
credits, localized titles, rescued values, derived fields, two sources and their history.
"""

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.catalog.lake import (
    MANIFEST_PATH,
    RECORD_FIELDS,
    SCHEMA_ID,
    SCHEMA_PATH,
    CatalogLine,
    catalog_export,
    catalog_import,
    catalog_line_parse,
    line_records,
)
from apps.catalog.models import Credit, Genre, LocalizedTitle, Person, Title
from apps.catalog.pipeline import limits
from apps.catalog.services import imdb_datasets_import, titles_ingest
from apps.scraping.imdb_datasets import DatasetFiles
from apps.stream.models import Event
from tests.standins.datasets import datasets_write_sample
from tests.standins.s3 import S3Standin, s3_serve

pytestmark = pytest.mark.embedded

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

SHAWSHANK = {
    "imdb_id": "tt0111161",
    "title_type": "movie",
    "primary_title": "The Shawshank Redemption",
    "original_title": "The Shawshank Redemption",
    "start_year": 1994,
    "release_date": "1994-10-14",
    "runtime_minutes": 142,
    "rating": 9.3,
    "votes": 2_900_000,
    "plot": "Two imprisoned men bond over years, finding hope and redemption in prison.",
    "poster_url": "https://m.media-amazon.com/images/M/shawshank.jpg",
    "certificate": "R",
    "keywords": ["prison", "Friendship"],
    "genres": ["Drama"],
    "directors": [{"imdb_id": "nm0001104", "name": "Frank Darabont", "ordering": 1}],
    "writers": [{"imdb_id": "nm0000175", "name": "Stephen King", "ordering": 2}],
    "stars": [
        {"imdb_id": "nm0000209", "name": "Tim Robbins", "ordering": 3, "characters": ["Andy Dufresne"]},
        {"imdb_id": "nm0000151", "name": "Morgan Freeman", "ordering": 4, "characters": ["Red"]},
    ],
    "akas": [
        {"name": "The Shawshank Redemption", "region": "US", "ordering": 1},
        {"name": "Втеча з Шоушенка", "region": "UA", "language": "uk", "ordering": 2},
    ],
    "source_url": "https://www.imdb.com/title/tt0111161/",
    "scraped_at": "2024-05-01T21:30:00+00:00",
    "budget": "$25,000,000",  # unknown to the pipeline: rescued
}
GREEN_MILE = {
    "imdb_id": "tt0120689",
    "title_type": "movie",
    "primary_title": "The Green Mile",
    "start_year": 1999,
    "runtime_minutes": 189,
    "rating": 8.6,
    "votes": "lots",  # the wrong type: rescued
    "plot": "A death row guard meets an inmate with a mysterious gift.",
    "genres": ["Crime", "Drama", "Fantasy"],
    "directors": [{"imdb_id": "nm0001104", "name": "Frank Darabont", "ordering": 1}],
    "stars": [{"imdb_id": "nm0000158", "name": "Tom Hanks", "ordering": 1, "characters": ["Paul Edgecomb"]}],
    "source_url": "https://www.imdb.com/title/tt0120689/",
    "scraped_at": "2024-05-01T22:30:00+00:00",  # already May 2nd in Kyiv
}
STALKER = {
    "imdb_id": "tt0079944",
    "title_type": "movie",
    "primary_title": "Stalker",
    "original_title": "Сталкер",
    "start_year": 1979,
    "runtime_minutes": 162,
    "rating": 8.0,
    "votes": 150_000,
    "genres": ["Drama", "Sci-Fi", "Art House"],  # not an IMDb genre: becomes a keyword
    "directors": [{"imdb_id": "nm0001789", "name": "Andrei Tarkovsky", "ordering": 1}],
    "akas": [{"name": "Сталкер", "region": "SU", "language": "ru", "is_original": True, "ordering": 1}],
    "scraped_at": "2024-05-02T08:00:00+00:00",
}
BREAKING_BAD = {  # no scraped_at: the pipeline stamps the time it merged
    "imdb_id": "tt0903747",
    "title_type": "tvSeries",
    "primary_title": "Breaking Bad",
    "start_year": 2008,
    "end_year": 2013,
    "rating": 9.5,
    "votes": 2_000_000,
    "genres": ["Crime", "Drama", "Thriller"],
}
BARE = {"imdb_id": "tt0000001"}  # an id and nothing else: never scraped


@pytest.fixture
def catalog(db: None) -> list[str]:
    """Five titles from two sources, then a fresher rating: the catalog's imdb ids, sorted."""
    titles_ingest([SHAWSHANK, GREEN_MILE], source="imdb_page")
    titles_ingest([STALKER, BREAKING_BAD, BARE], source="imdb_datasets")
    titles_ingest(
        [{"imdb_id": "tt0111161", "rating": 9.2, "votes": 3_000_000, "scraped_at": "2024-05-03T06:00:00Z"}],
        source="imdb_datasets",
    )
    return sorted(Title.objects.values_list("imdb_id", flat=True))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Standin]:
    yield from s3_serve()


@pytest.fixture
def s3_bucket(s3_server: S3Standin, settings: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty bucket on the stand-in, with the AWS_* settings pointing at it."""
    settings.AWS_ENDPOINT_URL = s3_server.endpoint_url
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = "standin", "standin-secret"
    settings.AWS_DEFAULT_REGION, settings.AWS_S3_ADDRESSING_STYLE = "us-east-1", "path"
    for name in ("NO_PROXY", "no_proxy"):  # a proxy in the environment must not see loopback calls
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return s3_server.bucket_create()


def run_export(out: Path | str, *args: str) -> str:
    output = StringIO()
    call_command("export_catalog", "--out", str(out), *args, stdout=output, verbosity=0)
    return output.getvalue()


def run_import(*paths: Path | str) -> str:
    output = StringIO()
    call_command("import_catalog", *map(str, paths), stdout=output, verbosity=0)
    return output.getvalue()


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_PATH).read_text())


def lines_of_file(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as part:
        return [json.loads(text) for text in part]


def lines_of(folder: Path) -> list[dict]:
    """Every line of an export, in the manifest's order."""
    return [line for file in manifest_of(folder)["files"] for line in lines_of_file(folder / file["path"])]


def title_rows() -> list[dict]:
    """Every stored title field but the database's own (id, timestamps)."""
    fields = [
        field.attname
        for field in Title._meta.concrete_fields
        if field.attname not in ("id", "created_at", "updated_at")
    ]
    return list(Title.objects.order_by("imdb_id").values(*fields))


def catalog_empty() -> None:
    Title.objects.all().delete()
    Person.objects.all().delete()
    Genre.objects.all().delete()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    content = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(content) if path.suffix == ".gz" else content)
    return path


def test_export_writes_one_partition_per_scrape_date_with_schema_and_manifest(catalog, tmp_path):
    summary = run_export(tmp_path)

    never_scraped = Title.objects.get(imdb_id="tt0000001").updated_at.astimezone(UTC).date()
    merged = Title.objects.get(imdb_id="tt0903747").scraped_at.astimezone(UTC).date()
    manifest = manifest_of(tmp_path)
    assert manifest["schema_version"] == 1
    assert manifest["schema_path"] == SCHEMA_PATH == "_schema/v1.json"
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
    assert shawshank["sentiment_analysis"] == {"plot_tone": "Hopeful", "keyword_score": 0.67}
    assert shawshank["recommendations"][0] == "tt0120689"  # same director, same genre


def test_every_line_follows_the_published_json_schema(catalog, tmp_path):
    run_export(tmp_path)

    schema = json.loads((tmp_path / SCHEMA_PATH).read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert "v1" in schema["$id"]
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


def test_export_then_import_into_an_emptied_database_gives_the_same_rows(catalog, tmp_path):
    run_export(tmp_path / "before")
    rows = title_rows()
    counts = (Credit.objects.count(), LocalizedTitle.objects.count(), Person.objects.count())
    catalog_empty()

    summary = run_import(tmp_path / "before")
    run_export(tmp_path / "after")

    # The bare title is stored but, as when it was first ingested, has nothing to change.
    assert "titles read 5, inserted 4, updated 0, unchanged 1" in summary
    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")
    assert title_rows() == rows  # provenance per field included, so later merges decide alike
    assert (Credit.objects.count(), LocalizedTitle.objects.count(), Person.objects.count()) == counts


@pytest.fixture
def datasets_catalog(db: None, tmp_path: Path) -> None:
    """The IMDb datasets sample imported as `import_imdb_datasets` does."""
    (tmp_path / "datasets").mkdir()
    datasets_write_sample(tmp_path / "datasets")
    imdb_datasets_import(DatasetFiles(folder=tmp_path / "datasets"), types=None, min_votes=0)


def test_an_imdb_datasets_catalog_survives_the_round_trip(datasets_catalog, tmp_path):
    catalog_export(destination=str(tmp_path / "before"))
    rows = title_rows()
    catalog_empty()

    catalog_import(locations=[str(tmp_path / "before")])
    catalog_export(destination=str(tmp_path / "after"))

    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")
    assert title_rows() == rows


def test_the_round_trip_does_not_depend_on_the_import_batch_size(datasets_catalog, tmp_path):
    catalog_export(destination=str(tmp_path / "before"))
    catalog_empty()

    catalog_import(locations=[str(tmp_path / "before")], batch_size=2)
    catalog_export(destination=str(tmp_path / "after"))

    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")


def test_reimporting_an_export_changes_nothing_and_publishes_nothing(catalog, tmp_path):
    run_export(tmp_path)
    rows = list(Title.objects.order_by("imdb_id").values())
    events = Event.objects.count()

    summary = run_import(tmp_path)

    assert "inserted 0, updated 0, unchanged 5" in summary
    assert Event.objects.count() == events
    assert list(Title.objects.order_by("imdb_id").values()) == rows


FOREIGN = [
    # Written by another tool: its own names for some fields, fields of its own, odd types.
    json.dumps(
        {
            "imdb_id": "tt0133093",
            "title": "The Matrix",
            "year": "1999",
            "rating": 8.7,
            "votes": "many",
            "genres": ["Action", "Sci-Fi"],
            "budget_usd": 63_000_000,
            "page": "https://elsewhere.example/matrix",
            "recommendations": "none",
            "field_sources": "ours",
            "source": "tmdb",
            "scraped_at": "2024-04-30T10:00:00",
        }
    ),
    '{"imdb_id": "tt0133094", "title": "Broken',  # cut short
    "[1, 2, 3]",
    "",
    '{"title": "No id"}',
    '{"imdb_id": "nm0000206", "title": "A person"}',
    '{"imdb_id": "tt0234215", "primary_title": "The Matrix Reloaded", "rating": NaN}',
    json.dumps({"imdb_id": "tt0242653", "primary_title": "The Matrix Revolutions", "start_year": 2003}),
]


def test_import_rescues_unknown_fields_and_wrong_types_and_reports_broken_lines(db, tmp_path):
    write_lines(tmp_path / "drop" / "2024" / "titles.jsonl.gz", FOREIGN)
    write_lines(tmp_path / "drop" / "more.jsonl", [json.dumps({"imdb_id": "tt0234215", "title": "Reloaded"})])
    (tmp_path / "drop" / "notes.txt").write_text("not a lake file")
    events = Event.objects.count()

    summary = run_import(tmp_path / "drop")

    assert "files 2; lines 8; titles read 3, inserted 3" in summary
    assert "malformed lines 5" in summary
    name = tmp_path / "drop" / "2024" / "titles.jsonl.gz"
    assert f"{name}:2: not JSON" in summary
    assert f"{name}:3: not a JSON object (list)" in summary
    assert f"{name}:5: no imdb_id" in summary
    assert f"{name}:6: imdb_id: expected tt followed by 7 or 8 digits, got 'nm0000206'" in summary
    assert f"{name}:7: not JSON (NaN is not JSON)" in summary
    matrix = Title.objects.get(imdb_id="tt0133093")
    assert (matrix.primary_title, matrix.start_year, float(matrix.rating)) == ("The Matrix", 1999, 8.7)
    assert matrix.scraped_at == datetime(2024, 4, 30, 10, tzinfo=UTC)  # no zone: UTC
    assert matrix.source == "lake_import"
    assert sorted(matrix.genres.values_list("name", flat=True)) == ["Action", "Sci-Fi"]
    assert matrix.rescued_data == {
        "budget_usd": 63_000_000,
        "votes": {
            "value": "many",
            "error": "Input should be a valid integer, unable to parse string as an integer",
        },
        "source": {"value": "tmdb", "error": "unknown source"},
    }  # page, recommendations and field_sources are the site's own: dropped, not rescued
    assert Title.objects.get(imdb_id="tt0242653").start_year == 2003
    assert Title.objects.get(imdb_id="tt0234215").primary_title == "Reloaded"
    assert Event.objects.count() == events + 3


def test_a_nested_value_that_does_not_fit_rescues_its_whole_field():
    line, misfits = catalog_line_parse(
        json.dumps(
            {
                "imdb_id": "tt0133093",
                "akas": [{"name": "Матриця", "region": "UKRAINE"}, {"name": "Matrix", "ordering": -1}],
                "stars": [{"imdb_id": "nm0000206", "name": "Keanu Reeves"}],
            }
        )
    )

    assert line.akas is None
    assert misfits["akas"]["value"][0] == {"name": "Матриця", "region": "UKRAINE"}
    assert misfits["akas"]["error"] == "0.region: String should have at most 4 characters"
    assert [star.name for star in line.stars] == ["Keanu Reeves"]


def test_a_line_replays_field_by_field_from_the_sources_it_records():
    line, misfits = catalog_line_parse(
        json.dumps(
            {
                "imdb_id": "tt0133093",
                "primary_title": "The Matrix",
                "plot": "A hacker learns the truth.",
                "rating": 8.7,
                "akas": [{"name": "Матриця", "region": "UA"}],
                "source": "imdb_datasets",
                "scraped_at_utc": "2024-05-03T00:00:00Z",
                "field_sources": {
                    "primary_title": ["imdb_page", "2024-05-01T00:00:00+00:00"],
                    "rating": ["imdb_datasets", "2024-05-03T00:00:00+00:00"],
                    "plot": ["tmdb", "2024-05-02T00:00:00+00:00"],  # not ours: comes with the line
                },
            }
        )
    )

    records = line_records(line, misfits)

    assert [(record["source"], record["scraped_at"].day) for record in records] == [
        ("imdb_page", 1),
        ("imdb_datasets", 3),
    ]
    assert records[0].keys() == {"imdb_id", "source", "scraped_at", "primary_title"}
    assert records[1].keys() == {"imdb_id", "source", "scraped_at", "rating", "plot", "akas", "rescued"}


def test_reimporting_a_foreign_file_changes_nothing(db, tmp_path):
    path = write_lines(tmp_path / "titles.jsonl", FOREIGN)
    run_import(path)
    rows = list(Title.objects.order_by("imdb_id").values())
    events = Event.objects.count()

    summary = run_import(path)

    assert "inserted 0, updated 0, unchanged 2" in summary
    assert Event.objects.count() == events
    assert list(Title.objects.order_by("imdb_id").values()) == rows


def run_import_exiting(*paths: Path | str) -> tuple[int, str, list[str]]:
    """Run an import that may exit non-zero: its exit code, summary and error lines."""
    output, errors, code = StringIO(), StringIO(), 0
    try:
        call_command("import_catalog", *map(str, paths), stdout=output, stderr=errors, verbosity=0)
    except SystemExit as exit_:
        code = exit_.code
    return code, output.getvalue(), errors.getvalue().splitlines()


WORDS = [
    "hope",
    "prison",
    "escape",
    "friendship",
    "letter",
    "warden",
    "library",
    "rock",
    "hammer",
    "poster",
    "rain",
    "sewer",
    "years",
]


@pytest.fixture
def exported_part(db: None, tmp_path: Path) -> Path:
    """A real export of 150 titles (one gzip part of ~20 KB), the catalog emptied after."""
    titles_ingest(
        (
            {
                "imdb_id": f"tt{1_000_000 + n:07d}",
                "title_type": "movie",
                "primary_title": f"Film {n}",
                "start_year": 1950 + n % 70,
                "rating": 5 + n % 50 / 10,
                "votes": 1000 + n,
                "plot": " ".join(WORDS[(n * k) % len(WORDS)] for k in range(1, 120)),
                "genres": ["Drama"],
                "directors": [{"imdb_id": f"nm{2_000_000 + n % 40:07d}", "name": f"Director {n % 40}"}],
                "scraped_at": "2024-05-01T12:00:00Z",
            }
            for n in range(150)
        ),
        source="imdb_page",
    )
    run_export(tmp_path / "export")
    (part,) = (tmp_path / "export").rglob("part-*.jsonl.gz")
    catalog_empty()
    return part


@pytest.mark.parametrize("damage", ["corrupted", "truncated"])
def test_a_broken_gzip_file_imports_nothing_and_the_other_files_still_import(exported_part, tmp_path, damage):
    data = bytearray(exported_part.read_bytes())
    middle = len(data) // 2
    if damage == "corrupted":
        data[middle : middle + 8] = bytes(byte ^ 0x55 for byte in data[middle : middle + 8])
    else:
        del data[middle:]
    bad = tmp_path / "lake" / "part-0001.jsonl.gz"
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))
    write_lines(
        tmp_path / "lake" / "part-0002.jsonl.gz",
        [json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"})],
    )
    last_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    code, summary, errors = run_import_exiting(tmp_path / "lake")

    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093"]
    assert list(Event.objects.filter(id__gt=last_event).values_list("payload__id", flat=True)) == [
        "tt0133093"
    ]
    assert code == 1
    assert len(errors) == 1
    assert errors[0].startswith(f"import_catalog: {bad}: not a complete gzip file (")
    assert errors[0].endswith("); nothing imported from it")
    assert "files 2 (1 not imported); lines 1; titles read 1, inserted 1" in summary


def test_a_file_named_gzip_that_is_not_is_not_imported(db, tmp_path):
    write_lines(tmp_path / "a.jsonl", [json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"})]).rename(
        tmp_path / "a.jsonl.gz"
    )

    code, _summary, errors = run_import_exiting(tmp_path)

    assert not Title.objects.exists()
    assert code == 1
    assert errors == [f"import_catalog: {tmp_path / 'a.jsonl.gz'}: not a gzip file; nothing imported from it"]


def test_a_line_over_1_mb_is_refused_with_its_place_and_the_others_import(db, tmp_path):
    huge = json.dumps({"imdb_id": "tt0111161", "title": "Big", "budget": "x" * (1 << 20)})
    path = write_lines(
        tmp_path / "lines.jsonl.gz",
        [
            json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"}),
            huge,
            json.dumps({"imdb_id": "tt0234215", "title": "The Matrix Reloaded"}),
        ],
    )

    summary = run_import(path)

    assert f"malformed: {path}:2: line over 1 MB" in summary
    assert sorted(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093", "tt0234215"]


def catalog_state() -> tuple[list[dict], list[int]]:
    return title_rows(), list(Event.objects.order_by("id").values_list("id", flat=True))


def test_a_50_mb_line_changes_nothing_and_the_next_line_still_imports(catalog, tmp_path):
    before = catalog_state()
    path = tmp_path / "huge.jsonl.gz"
    plot = "x" * (50 << 20)
    huge = json.dumps({"imdb_id": "tt0111161", "title": "Changed", "plot": plot})
    path.write_bytes(gzip.compress(f"{huge}\n{json.dumps(SHAWSHANK)}\n".encode(), compresslevel=1))

    summary = run_import(path)

    assert f"malformed: {path}:1: line over 1 MB" in summary
    assert "titles read 1" in summary  # the second line, already stored as it is
    assert catalog_state() == before


def test_a_line_with_text_far_beyond_its_limit_is_rejected_whole(catalog, tmp_path):
    run_export(tmp_path / "lake")
    before = catalog_state()
    (line,) = [line for line in lines_of(tmp_path / "lake") if line["imdb_id"] == "tt0111161"]
    assert line["field_sources"]  # replayed source by source, were it not rejected
    line.update(primary_title="Changed", rating=1.0, plot="x" * 20_000)
    path = write_lines(tmp_path / "far.jsonl", [json.dumps(line)])

    summary = run_import(path)

    assert "rejected 1;" in summary
    assert "rejected (plot): 1; first: plot: 20000 characters, at most 4000 (tt0111161)" in summary
    assert catalog_state() == before


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


def test_export_to_s3_and_import_from_it_into_an_emptied_database(catalog, tmp_path, s3_bucket, s3_server):
    run_export(tmp_path / "local")
    summary = run_export(f"s3://{s3_bucket}/lake/catalog", "--lines-per-part", "1")

    keys = s3_server.keys(s3_bucket)
    assert "lake/catalog/_manifest.json" in keys
    assert "lake/catalog/_schema/v1.json" in keys
    assert "lake/catalog/scrape_date=2024-05-01/part-0000.jsonl.gz" in keys
    assert sum(key.endswith(".jsonl.gz") for key in keys) == 5
    assert "exported 5 titles" in summary
    catalog_empty()

    summary = run_import(f"s3://{s3_bucket}/lake/catalog")
    run_export(tmp_path / "after")

    assert "files 5;" in summary
    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "local")
    events = Event.objects.count()
    assert "inserted 0, updated 0, unchanged 5" in run_import(f"s3://{s3_bucket}/lake/catalog")
    assert Event.objects.count() == events


def test_a_truncated_file_on_s3_imports_nothing_and_the_other_files_still_import(
    exported_part, s3_bucket, s3_server
):
    data = exported_part.read_bytes()
    client = s3_server.client()
    client.put_object(Bucket=s3_bucket, Key="lake/part-0001.jsonl.gz", Body=data[: len(data) // 2])
    good = json.dumps({"imdb_id": "tt0133093", "title": "The Matrix"}) + "\n"
    client.put_object(Bucket=s3_bucket, Key="lake/part-0002.jsonl.gz", Body=gzip.compress(good.encode()))

    code, _summary, errors = run_import_exiting(f"s3://{s3_bucket}/lake")

    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093"]
    assert code == 1
    assert errors == [
        f"import_catalog: s3://{s3_bucket}/lake/part-0001.jsonl.gz: not a complete gzip file (truncated); "
        "nothing imported from it"
    ]


def test_a_file_s3_fails_to_send_imports_nothing_and_the_other_files_still_import(db, s3_bucket, s3_server):
    client = s3_server.client()
    for number, imdb_id in ((1, "tt0133093"), (2, "tt0234215")):
        line = json.dumps({"imdb_id": imdb_id, "title": f"Matrix {number}"}) + "\n"
        client.put_object(
            Bucket=s3_bucket, Key=f"lake/part-000{number}.jsonl.gz", Body=gzip.compress(line.encode())
        )

    def progress(records: Iterator[dict]) -> Iterator[dict]:
        # Listed, then gone before it is read: S3 answers the download with an error.
        client.delete_object(Bucket=s3_bucket, Key="lake/part-0002.jsonl.gz")
        yield from records

    result = catalog_import(locations=[f"s3://{s3_bucket}/lake"], progress=progress)

    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0133093"]
    (failed,) = result.failed
    assert failed.startswith(f"s3://{s3_bucket}/lake/part-0002.jsonl.gz: could not be read (")
    assert failed.endswith("; nothing imported from it")


def test_a_reexport_to_s3_removes_the_parts_it_no_longer_writes(catalog, s3_bucket, s3_server):
    run_export(f"s3://{s3_bucket}/lake", "--lines-per-part", "1")
    titles_ingest(
        [{"imdb_id": "tt0120689", "scraped_at": "2024-05-02T00:00:00Z", "rating": 8.7}], source="imdb_page"
    )

    run_export(f"s3://{s3_bucket}/lake")

    today = Title.objects.get(imdb_id="tt0000001").updated_at.astimezone(UTC).date()
    parts = [key for key in s3_server.keys(s3_bucket) if key.endswith(".jsonl.gz")]
    assert parts == [  # The Green Mile moved to May 2nd; one part a day now
        "lake/scrape_date=2024-05-02/part-0000.jsonl.gz",
        "lake/scrape_date=2024-05-03/part-0000.jsonl.gz",
        f"lake/scrape_date={today}/part-0000.jsonl.gz",
    ]


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        (
            "export_catalog",
            ["--out", "{tmp}", "--lines-per-part", "0"],
            "--lines-per-part: expected a number >= 1",
        ),
        ("import_catalog", ["{tmp}/missing"], "missing: no such file or folder"),
        ("import_catalog", ["{tmp}"], "no .jsonl or .jsonl.gz file"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_are_clear_errors(tmp_path, command, args, message):
    with pytest.raises(CommandError, match=message):
        call_command(command, *[arg.format(tmp=tmp_path) for arg in args], stdout=StringIO(), verbosity=0)


@pytest.mark.django_db
def test_a_missing_bucket_is_a_clear_error(s3_bucket):
    with pytest.raises(CommandError, match="NoSuchBucket"):
        run_export("s3://no-such-bucket-here/lake")

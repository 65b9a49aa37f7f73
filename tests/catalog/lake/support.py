"""Titles the lake tests ingest, and helpers to run the commands and read what they wrote."""

import gzip
import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from apps.catalog.lake import (
    MANIFEST_PATH,
)
from apps.catalog.models import Genre, Person, Title
from apps.stream.models import Event

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


def run_import_exiting(*paths: Path | str) -> tuple[int, str, list[str]]:
    """Run an import that may exit non-zero: its exit code, summary and error lines."""
    output, errors, code = StringIO(), StringIO(), 0
    try:
        call_command("import_catalog", *map(str, paths), stdout=output, stderr=errors, verbosity=0)
    except SystemExit as exit_:
        code = exit_.code
    return code, output.getvalue(), errors.getvalue().splitlines()


def catalog_state() -> tuple[list[dict], list[int]]:
    return title_rows(), list(Event.objects.order_by("id").values_list("id", flat=True))

"""Fixtures for the lake tests: a catalog filled through the pipeline, an S3 stand-in, an export."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.catalog.models import Title
from apps.catalog.services import imdb_datasets_import, titles_ingest
from apps.scraping.imdb_datasets import DatasetFiles
from tests.catalog.lake.support import (
    BARE,
    BREAKING_BAD,
    GREEN_MILE,
    SHAWSHANK,
    STALKER,
    catalog_empty,
    run_export,
)
from tests.standins.datasets import datasets_write_sample
from tests.standins.s3 import S3Standin, s3_serve


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


@pytest.fixture
def datasets_catalog(db: None, tmp_path: Path) -> None:
    """The IMDb datasets sample imported as `import_imdb_datasets` does."""
    (tmp_path / "datasets").mkdir()
    datasets_write_sample(tmp_path / "datasets")
    imdb_datasets_import(DatasetFiles(folder=tmp_path / "datasets"), types=None, min_votes=0)


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

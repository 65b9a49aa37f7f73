"""Recommendations a person would accept: titles of the same kind, well rated and widely seen."""

import pytest

from apps.catalog.management.commands.catalog_sample_load import SAMPLE_DIR
from apps.catalog.models import Title
from apps.catalog.pipeline.enrich.neighbourhood import quality_of
from apps.catalog.services import imdb_datasets_import, titles_ingest
from apps.scraping.imdb_datasets import DatasetFiles

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]

NOW = "2026-11-01T00:00:00+00:00"


def record(imdb_id: str, title_type: str = "movie", **fields) -> dict:
    return {
        "imdb_id": imdb_id,
        "title_type": title_type,
        "primary_title": imdb_id,
        "start_year": 1999,
        "votes": 500_000,
        "rating": 7.5,
        "genres": ["Action", "Sci-Fi"],
        "directors": [{"imdb_id": "nm0905154", "name": "Lana Wachowski", "ordering": 0}],
        "scraped_at": NOW,
        **fields,
    }


def recommended(imdb_id: str) -> list[str]:
    return Title.objects.get(imdb_id=imdb_id).recommendations


def test_the_matrix_recommends_its_sequels_and_well_rated_science_fiction_not_videos_or_games():
    imdb_datasets_import(DatasetFiles(folder=SAMPLE_DIR), types=None, min_votes=0)

    matrix = recommended("tt0133093")

    # The sample credits no one on the sequels (2003): the Matrix's neighbours are the
    # 1990s' best-liked action and science fiction, Terminator 2 first.
    assert matrix[0] == "tt0103064"
    shown = Title.objects.filter(imdb_id__in=matrix)
    assert {title.title_type for title in shown} == {"movie"}  # no video, game or TV short of it
    assert all(
        title.rating >= 8 and title.votes >= 400_000 and 1990 <= title.start_year <= 1999 for title in shown
    )


def test_a_poorly_rated_title_never_beats_a_well_rated_popular_one_even_sharing_more():
    titles_ingest(
        [
            record("tt0133093"),
            # Shares the director, the genres and the decade: as close as a title gets, but 2.0.
            record("tt0000002", rating=2.0, votes=40),
            # Shares only a genre and the decade, but people liked it.
            record("tt0000003", rating=8.4, votes=900_000, genres=["Sci-Fi"], directors=[]),
        ],
        source="imdb_datasets",
    )

    assert recommended("tt0133093") == ["tt0000003"]


def test_each_type_is_recommended_its_own_kind_and_a_video_game_to_nobody():
    titles_ingest(
        [
            record("tt0133093"),
            record("tt0000011", "tvMovie"),
            record("tt0000012", "tvSeries"),
            record("tt0000013", "tvMiniSeries"),
            record("tt0000014", "video"),
            record("tt0000015", "video"),
            record("tt0000016", "videoGame"),
        ],
        source="imdb_datasets",
    )

    assert recommended("tt0133093") == ["tt0000011"]
    assert recommended("tt0000012") == ["tt0000013"]
    assert recommended("tt0000014") == ["tt0000015"]
    assert "tt0000016" not in {
        imdb_id
        for title in Title.objects.all()
        for imdb_id in title.recommendations
        if title.title_type != "videoGame"
    }


def test_quality_weighs_the_rating_by_its_votes():
    assert quality_of(2.0, 40) == quality_of(4.9, 1_000_000) == 0  # never recommended
    assert quality_of(9.8, 5) < quality_of(7.0, 200_000) < quality_of(8.5, 2_000_000)
    assert quality_of(None, 0) == quality_of(9.0, 0)  # unrated counts as the middling prior

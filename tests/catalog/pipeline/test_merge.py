"""The merge rule where TMDB meets IMDb (apps/catalog/pipeline/merge.py)."""

from decimal import Decimal

import pytest

from apps.catalog.models import Source, Title
from apps.catalog.services import titles_ingest

pytestmark = pytest.mark.django_db

IMDB = {"imdb_id": "tt0137523", "primary_title": "Fight Club", "rating": 8.8, "votes": 2_500_000}
TMDB = {
    "imdb_id": "tt0137523",
    "tmdb_id": 550,
    "poster_path": "/tmdb.jpg",
    "watch_providers": {"flatrate": [{"name": "Netflix"}]},
    "tmdb_vote_average": 8.44,
}


def stored() -> Title:
    return Title.objects.get(imdb_id="tt0137523")


def test_tmdb_never_replaces_imdbs_values_but_fills_what_imdb_left_empty():
    titles_ingest([{**IMDB, "plot": "IMDb's plot."}], source=Source.IMDB_PAGE)

    titles_ingest(
        [{**TMDB, "primary_title": "Бійцівський клуб", "rating": 6.0, "plot": "TMDB's."}], source=Source.TMDB
    )

    title = stored()
    assert (title.primary_title, title.rating, title.plot) == ("Fight Club", Decimal("8.8"), "IMDb's plot.")
    assert (title.poster_path, title.tmdb_vote_average) == ("/tmdb.jpg", Decimal("8.4"))


def test_imdbs_plot_replaces_the_overview_tmdb_filled_in():
    titles_ingest([IMDB], source=Source.IMDB_DATASETS)
    titles_ingest([{**TMDB, "plot": "TMDB's overview."}], source=Source.TMDB)
    assert stored().plot == "TMDB's overview."

    titles_ingest([{**IMDB, "plot": "IMDb's plot."}], source=Source.IMDB_PAGE)

    assert stored().plot == "IMDb's plot."


def test_a_title_leaving_every_service_loses_its_providers_but_keeps_its_poster_when_none_is_sent():
    titles_ingest([IMDB], source=Source.IMDB_DATASETS)
    titles_ingest([TMDB], source=Source.TMDB)

    titles_ingest([{"imdb_id": "tt0137523", "watch_providers": {}, "trailers": []}], source=Source.TMDB)

    title = stored()
    assert title.watch_providers == {}
    assert title.poster_path == "/tmdb.jpg"


def test_the_admins_age_rating_outranks_tmdbs():
    titles_ingest([{**IMDB, "age_rating": "16+"}], source=Source.ADMIN)

    titles_ingest([{**TMDB, "age_rating": "18+"}], source=Source.TMDB)

    assert stored().age_rating == "16+"

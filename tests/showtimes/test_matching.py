"""Movies found in a city matched to catalog titles (apps.catalog.selectors.title_match)."""

import pytest

from apps.catalog.selectors import title_match
from tests.factories.catalog import TitleFactory

pytestmark = pytest.mark.django_db


def test_a_movie_with_a_known_imdb_id_is_that_title():
    title = TitleFactory(imdb_id="tt15239678", primary_title="Dune: Part Two", start_year=2024)

    assert title_match(names=["Something else"], year=1990, imdb_id="tt15239678") == title


def test_a_movie_is_matched_by_its_ukrainian_aka_and_year():
    title = TitleFactory(
        primary_title="Dune: Part Two", start_year=2024, akas=[("Дюна: Частина друга", "UA", "uk")]
    )
    TitleFactory(primary_title="Dune: Part Two", start_year=1984)  # same name, another year

    assert title_match(names=["ДЮНА: частина ДРУГА"], year=2025) == title


def test_a_movie_is_matched_by_a_tmdb_translation_with_accents_folded():
    title = TitleFactory(
        primary_title="Le Fabuleux Destin d'Amélie Poulain",
        start_year=2001,
        tmdb_id=194,
        translations={"uk": {"title": "Амелі"}},
    )

    assert title_match(names=["Амелі"], year=2001) == title
    assert title_match(names=["le fabuleux destin d'amelie poulain"], year=2001) == title


def test_a_movie_matching_nothing_is_none():
    TitleFactory(primary_title="Dune: Part Two", start_year=2024)

    assert title_match(names=["Фільм, якого немає"], year=2024) is None
    assert title_match(names=["Dune: Part Two"], year=2010) is None

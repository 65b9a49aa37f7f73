"""The published formula, checked against numbers worked out by hand."""

import math

import pytest

from apps.trends.scoring import ScoreInputs, ScoreParameters, recent_views, score_compute, weighted_rating

PARAMETERS = ScoreParameters(
    half_life_days=3.0,
    rating_min_votes=1000,
    weight_views=1.0,
    weight_rating=0.5,
    weight_popularity=0.5,
    weight_sessions=0.5,
)


def test_a_view_counts_half_after_one_half_life():
    # 8 today + 8 three days ago (half) + 8 six days ago (a quarter) = 8 + 4 + 2
    assert recent_views({0: 8, 3: 8, 6: 8}, half_life_days=3.0) == pytest.approx(14.0)


def test_weighted_rating_is_imdbs_formula_over_both_sites_votes():
    # R = (8·3000 + 6·1000) / 4000 = 7.5; WR = 4000/5000·7.5 + 1000/5000·7.0 = 6.0 + 1.4
    found = weighted_rating(
        imdb_rating=8.0, imdb_votes=3000, tmdb_rating=6.0, tmdb_votes=1000, mean=7.0, min_votes=1000
    )
    assert found == pytest.approx(7.4)


def test_few_votes_are_pulled_to_the_catalog_mean():
    found = weighted_rating(
        imdb_rating=10.0, imdb_votes=10, tmdb_rating=None, tmdb_votes=0, mean=6.0, min_votes=990
    )
    assert found == pytest.approx(10 / 1000 * 10.0 + 990 / 1000 * 6.0)  # 6.04


def test_a_title_without_votes_gets_the_mean():
    assert (
        weighted_rating(
            imdb_rating=None, imdb_votes=0, tmdb_rating=None, tmdb_votes=5, mean=6.5, min_votes=1000
        )
        == 6.5
    )


def test_the_score_adds_the_four_weighted_terms():
    inputs = ScoreInputs(
        views_by_age={0: 8, 3: 8},  # V = 12
        imdb_rating=8.0,
        imdb_votes=3000,
        tmdb_rating=6.0,
        tmdb_votes=1000,  # WR = 7.4 (above)
        popularity=math.e**2 - 1,  # ln(1 + P) = 2
        sessions=0,
    )
    found = score_compute(inputs, mean=7.0, parameters=PARAMETERS)
    assert found.recent_views == pytest.approx(12.0)
    assert found.score == pytest.approx(math.log(13) + 0.5 * 7.4 + 0.5 * 2)  # 2.565 + 3.7 + 1 = 7.265


def test_sessions_this_week_raise_the_score():
    quiet = ScoreInputs({}, None, 0, None, 0, 0.0, sessions=0)
    playing = ScoreInputs({}, None, 0, None, 0, 0.0, sessions=20)
    difference = (
        score_compute(playing, mean=None, parameters=PARAMETERS).score
        - score_compute(quiet, mean=None, parameters=PARAMETERS).score
    )
    assert difference == pytest.approx(0.5 * math.log(21))

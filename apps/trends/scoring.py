"""The trend score: a pure function of a title's numbers, published at /trends/about.

    score = w_views · ln(1 + V) + w_rating · WR + w_popularity · ln(1 + P) + w_sessions · ln(1 + S)

V: internal views, each day's weighed by 0.5^(age in days / half-life).
WR: IMDb's Bayesian weighted rating over IMDb's, TMDB's and CineStream members' votes
    together, WR = v/(v+m)·R + m/(v+m)·C, with R the vote-weighted mean of the three ratings,
    v the three vote counts, C the catalog's mean rating and m TRENDS_RATING_MIN_VOTES. No votes
    anywhere: C. (A member marking a title "seen" counts as a view of it, once per member.)
P: TMDB popularity. S: sessions this week (in every city for the global and genre
    boards, in that city for a city's board).
Logarithms keep one runaway number (a viral day, a blockbuster's popularity) from
drowning the others. Changing the formula: bump VERSION and add a CHANGELOG line.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

VERSION = "2"
# (version, date, what changed): shown on /trends/about.
CHANGELOG = (
    ("1", "2026-12-03", _("First published formula.")),
    (
        "2",
        "2026-12-03",
        _(
            "CineStream members' ratings (1–10) join IMDb's and TMDB's votes in WR; a member "
            "marking a title seen counts as one view of it."
        ),
    ),
)


@dataclass(frozen=True)
class ScoreParameters:
    half_life_days: float
    rating_min_votes: int
    weight_views: float
    weight_rating: float
    weight_popularity: float
    weight_sessions: float

    @classmethod
    def from_settings(cls) -> "ScoreParameters":
        return cls(
            half_life_days=settings.TRENDS_VIEWS_HALF_LIFE_DAYS,
            rating_min_votes=settings.TRENDS_RATING_MIN_VOTES,
            weight_views=settings.TRENDS_WEIGHT_VIEWS,
            weight_rating=settings.TRENDS_WEIGHT_RATING,
            weight_popularity=settings.TRENDS_WEIGHT_POPULARITY,
            weight_sessions=settings.TRENDS_WEIGHT_SESSIONS,
        )


@dataclass(frozen=True)
class ScoreInputs:
    views_by_age: Mapping[int, int]  # age in days (0 = today) → views that day
    imdb_rating: float | None
    imdb_votes: int
    tmdb_rating: float | None
    tmdb_votes: int
    popularity: float
    sessions: int
    member_votes: int = 0
    member_total: int = 0  # the sum of the members' ratings


@dataclass(frozen=True)
class Score:
    score: float
    recent_views: float
    weighted_rating: float | None


def recent_views(views_by_age: Mapping[int, int], *, half_life_days: float) -> float:
    return sum(views * 0.5 ** (age / half_life_days) for age, views in views_by_age.items())


def weighted_rating(
    *,
    imdb_rating: float | None,
    imdb_votes: int,
    tmdb_rating: float | None,
    tmdb_votes: int,
    mean: float | None,
    min_votes: int,
    member_votes: int = 0,
    member_total: int = 0,
) -> float | None:
    """WR over the sites' and members' votes; None only when there is neither a vote nor a mean."""
    votes = (
        (imdb_votes if imdb_rating is not None else 0)
        + (tmdb_votes if tmdb_rating is not None else 0)
        + member_votes
    )
    if votes == 0:
        return mean
    rating = (
        ((imdb_rating or 0.0) * imdb_votes * (imdb_rating is not None))
        + ((tmdb_rating or 0.0) * tmdb_votes * (tmdb_rating is not None))
        + member_total
    )
    rating /= votes
    if mean is None:
        return rating
    return votes / (votes + min_votes) * rating + min_votes / (votes + min_votes) * mean


def sessions_term(sessions: int, parameters: ScoreParameters) -> float:
    return parameters.weight_sessions * math.log1p(sessions)


def score_compute(inputs: ScoreInputs, *, mean: float | None, parameters: ScoreParameters) -> Score:
    views = recent_views(inputs.views_by_age, half_life_days=parameters.half_life_days)
    rating = weighted_rating(
        imdb_rating=inputs.imdb_rating,
        imdb_votes=inputs.imdb_votes,
        tmdb_rating=inputs.tmdb_rating,
        tmdb_votes=inputs.tmdb_votes,
        mean=mean,
        min_votes=parameters.rating_min_votes,
        member_votes=inputs.member_votes,
        member_total=inputs.member_total,
    )
    total = (
        parameters.weight_views * math.log1p(views)
        + parameters.weight_rating * (rating or 0.0)
        + parameters.weight_popularity * math.log1p(max(inputs.popularity, 0.0))
        + sessions_term(inputs.sessions, parameters)
    )
    return Score(score=total, recent_views=views, weighted_rating=rating)

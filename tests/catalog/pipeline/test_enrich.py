"""Enrich's rules on their own: plot tone, themes, and the order recommendations break ties in."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.catalog.pipeline.enrich import _imdb_id, _order_key, _rank, plot_words, sentiment_of, themes_of

pytestmark = pytest.mark.embedded

imdb_ids = st.from_regex(r"\Att[0-9]{7,8}\Z")


@given(imdb_ids, imdb_ids)
def test_ties_between_recommendations_are_broken_by_imdb_id_as_text(first, second):
    assert (_order_key(first) < _order_key(second)) == (first < second)
    assert _imdb_id(_order_key(first)) == first


@given(imdb_ids, imdb_ids, st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500))
def test_a_higher_score_ranks_first_whatever_the_ids(first, second, score, other_score):
    ranked = sorted(
        [(_rank(score, _order_key(first)), first), (_rank(other_score, _order_key(second)), second)]
    )
    expected = sorted([(-score, first), (-other_score, second)])
    assert [imdb_id for _rank_value, imdb_id in ranked] == [imdb_id for _score, imdb_id in expected]


def test_an_id_outside_the_catalog_format_has_no_order():
    assert _order_key("nm0000209") == 0
    assert _order_key("tt１２３４５６７") == 0  # full-width digits are digits, but not ASCII


def test_a_plot_of_hope_and_friendship_is_hopeful_and_one_of_prison_and_murder_dark():
    hopeful = plot_words("Two imprisoned men bond over years, finding hope and friendship.")
    dark = plot_words("A banker is sent to prison for the murder of his wife.")

    assert sentiment_of(hopeful) == {"plot_tone": "Hopeful", "keyword_score": 1.0}
    assert sentiment_of(dark) == {"plot_tone": "Dark", "keyword_score": 0.0}
    assert sentiment_of([]) == {"plot_tone": "Balanced", "keyword_score": 0.5}


def test_themes_come_from_genres_keywords_and_plot_words():
    themes = themes_of(genres=["Romance"], keywords=["Based On Novel"], words=plot_words("A prison escape."))

    assert themes == ["Prison", "Adaptation", "Love"]

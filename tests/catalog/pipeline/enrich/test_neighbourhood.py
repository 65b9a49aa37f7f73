"""The order recommendations break ties in: one integer per candidate, score above, id below."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.catalog.pipeline.enrich.neighbourhood import imdb_id_of, order_key, rank

pytestmark = pytest.mark.embedded

imdb_ids = st.from_regex(r"\Att[0-9]{7,8}\Z")


@given(imdb_ids, imdb_ids)
def test_ties_between_recommendations_are_broken_by_imdb_id_as_text(first, second):
    assert (order_key(first) < order_key(second)) == (first < second)
    assert imdb_id_of(order_key(first)) == first


@given(imdb_ids, imdb_ids, st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=500))
def test_a_higher_score_ranks_first_whatever_the_ids(first, second, score, other_score):
    ranked = sorted([(rank(score, order_key(first)), first), (rank(other_score, order_key(second)), second)])
    expected = sorted([(-score, first), (-other_score, second)])
    assert [imdb_id for _rank_value, imdb_id in ranked] == [imdb_id for _score, imdb_id in expected]


def test_an_id_outside_the_catalog_format_has_no_order():
    assert order_key("nm0000209") == 0
    assert order_key("tt１２３４５６７") == 0  # full-width digits are digits, but not ASCII

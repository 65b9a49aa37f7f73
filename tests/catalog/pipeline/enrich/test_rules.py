"""Enrich's per-title rules on their own: plot tone and themes."""

import pytest

from apps.catalog.pipeline.enrich import plot_words, sentiment_of, themes_of

pytestmark = pytest.mark.embedded


def test_a_plot_of_hope_and_friendship_is_hopeful_and_one_of_prison_and_murder_dark():
    hopeful = plot_words("Two imprisoned men bond over years, finding hope and friendship.")
    dark = plot_words("A banker is sent to prison for the murder of his wife.")

    assert sentiment_of(hopeful) == {"plot_tone": "Hopeful", "keyword_score": 1.0}
    assert sentiment_of(dark) == {"plot_tone": "Dark", "keyword_score": 0.0}
    assert sentiment_of([]) == {"plot_tone": "Balanced", "keyword_score": 0.5}


def test_themes_come_from_genres_keywords_and_plot_words():
    themes = themes_of(genres=["Romance"], keywords=["Based On Novel"], words=plot_words("A prison escape."))

    assert themes == ["Prison", "Adaptation", "Love"]

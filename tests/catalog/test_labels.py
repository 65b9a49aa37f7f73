"""Genre labels: the site shows every IMDb genre in the visitor's language."""

import pytest
from django.utils import translation

from apps.catalog.labels import GENRE_LABELS, genre_label
from apps.scraping.imdb_vocabulary import GENRES

pytestmark = pytest.mark.embedded


def test_every_imdb_genre_has_a_label_and_no_label_names_another_genre():
    # The labels are literal gettext calls (for makemessages), so they cannot be generated
    # from the one genre list; this keeps the two from drifting apart.
    assert set(GENRE_LABELS) == set(GENRES)


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_genre_is_shown_translated(language):
    with translation.override(language):
        untranslated = [genre for genre in GENRES if genre_label(genre) == genre]
    assert untranslated == []

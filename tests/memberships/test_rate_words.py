"""A plan's API rate as a person reads it on the plans and billing pages."""

import pytest
from django.utils import translation

from apps.memberships.templatetags.memberships import rate_words


@pytest.mark.parametrize(
    ("language", "rate", "shown"),
    [
        ("uk", "600/minute", "600 на хвилину"),
        ("ru", "5000/hour", "5\xa0000 в час"),
        ("en", "20000/day", "20,000 a day"),
        ("uk", "not a rate", "not a rate"),
    ],
)
def test_a_rate_reads_as_words_in_the_visitors_language(language, rate, shown):
    with translation.override(language):
        assert rate_words(rate) == shown

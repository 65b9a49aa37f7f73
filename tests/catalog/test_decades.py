"""A decade: parsed from "1990s" or "1990", written back as "1990s", found from a year."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from apps.catalog.decades import Decade
from apps.catalog.models import EnrichPending, RecommendationBucket, Title
from apps.catalog.pipeline.enrich import pending_enrich, recommendations_buckets_refresh
from apps.catalog.selectors import decade_choices
from apps.catalog.templatetags.catalog import decade_label
from tests.factories.catalog import TitleFactory

pytestmark = pytest.mark.embedded


@pytest.mark.parametrize("text", ["1990s", "1990"])
def test_a_decade_reads_with_or_without_its_s_and_writes_with_it(text):
    decade = Decade.parse(text)

    assert (decade.start, decade.last_year, str(decade)) == (1990, 1999, "1990s")


@pytest.mark.parametrize("text", ["1994", "199s", "0s", "nineties", "19900s", "1990s\n", "١٩٩٠s", ""])
def test_text_that_is_no_decade_gets_an_error_naming_it(text):
    with pytest.raises(ValueError, match="expected a decade such as"):
        Decade.parse(text)


@given(st.integers(min_value=1000, max_value=9999))
def test_a_year_falls_in_the_decade_its_text_names(year):
    decade = Decade.of_year(year)

    assert decade.start <= year <= decade.last_year
    assert Decade.parse(str(decade)) == decade
    assert Decade.of_index(decade.index) is decade


def test_a_title_without_a_year_has_no_decade():
    assert Decade.of_year(None) is None
    assert Decade.of_year(0) is None
    assert Decade.of_year(999) is None  # a decade's text has four digits


def test_a_page_shows_a_stored_decade_translated_and_other_text_as_stored():
    with translation.override("uk"):
        assert decade_label("1990s") == "1990-ті"
        assert decade_label("unknown") == "unknown"


@pytest.mark.django_db
def test_a_title_an_admin_dated_before_year_1000_leaves_the_decade_filter_and_the_buckets_alone():
    TitleFactory(genres=["Drama"], start_year=1994, enrich_pending=EnrichPending.NEIGHBOURS)
    TitleFactory(genres=["Drama"], start_year=999, enrich_pending=EnrichPending.NEIGHBOURS)

    pending_enrich()
    recommendations_buckets_refresh()

    assert decade_choices() == [Decade(1990)]
    assert dict(Title.objects.values_list("start_year", "decade_category")) == {1994: "1990s", 999: ""}
    assert list(RecommendationBucket.objects.values_list("decade", "genre")) == [("1990s", "Drama")]

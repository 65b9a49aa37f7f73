"""Clean: text tidied, numbers kept in range; properties checked with hypothesis."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.catalog.pipeline import limits
from apps.catalog.pipeline.clean import record_clean, text_clean
from apps.catalog.pipeline.validate import record_validate
from apps.scraping.records import AkaRecord, CreditRecord, TitleRecord

pytestmark = pytest.mark.embedded


def title(**fields) -> TitleRecord:
    return TitleRecord(imdb_id="tt0111161", source="imdb_page", **fields)


def test_html_entities_and_whitespace_from_json_ld_are_cleaned():
    record = record_clean(title(primary_title="  Gandhi&apos;s   Umpteenth\nFast ", plot="Tom &amp; Jerry"))

    assert record.primary_title == "Gandhi's Umpteenth Fast"
    assert record.plot == "Tom & Jerry"


def test_text_is_nfc_so_cyrillic_and_accents_compare_equal():
    decomposed = unicodedata.normalize("NFD", "Амелі Пулен, Léon")

    assert text_clean(decomposed) == unicodedata.normalize("NFC", "Амелі Пулен, Léon")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rating", 11.0),
        ("rating", -1.0),
        ("votes", -5),
        ("runtime_minutes", 0),
        ("start_year", 1500),
        ("start_year", 3024),
    ],
)
def test_values_out_of_range_move_to_rescued(field, value):
    record = record_clean(title(**{field: value}))

    assert getattr(record, field) is None
    assert record.rescued[field]["value"] == value


def test_an_end_year_before_the_start_year_is_rescued():
    record = record_clean(title(start_year=2010, end_year=2008))

    assert (record.start_year, record.end_year) == (2010, None)
    assert "before start_year" in record.rescued["end_year"]["error"]


def test_blank_names_in_credits_and_akas_are_dropped():
    record = record_clean(
        title(
            directors=(CreditRecord(name="  "), CreditRecord(name=" Frank  Darabont ", imdb_id="nm0001104")),
            akas=(AkaRecord(name=" "), AkaRecord(name="Втеча з Шоушенка", region="UA")),
        )
    )

    assert [credit.name for credit in record.directors] == ["Frank Darabont"]
    assert [aka.name for aka in record.akas] == ["Втеча з Шоушенка"]


@given(st.text())
def test_cleaned_text_is_stripped_nfc_single_spaced_and_stable(value):
    cleaned = text_clean(value)

    if cleaned is not None:
        assert cleaned == cleaned.strip()
        assert "  " not in cleaned
        assert unicodedata.is_normalized("NFC", cleaned)
        assert text_clean(cleaned) == cleaned or "&" in cleaned


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(min_value=-10, max_value=10**11))
def test_a_cleaned_rating_and_vote_count_are_in_range_or_rescued(rating, votes):
    record = record_clean(title(rating=rating, votes=votes))

    assert record.rating is None or 0 <= record.rating <= 10
    assert record.votes is None or record.votes >= 0
    assert (record.rating is None) == ("rating" in record.rescued)


def test_tmdb_texts_are_cut_to_their_limits_and_bad_codes_dropped():
    record = record_validate(
        {
            "imdb_id": "tt0137523",
            "release_region": "Ukraine",
            "countries": ["us", "Germany", "DE"],
            "translations": {
                "uk": {"title": "  Бійцівський   клуб ", "tagline": "x" * 400},
                "ru": {"overview": " "},
            },
        },
        source="tmdb",
    )

    cleaned = record_clean(record)

    assert cleaned.release_region is None
    assert cleaned.rescued["release_region"]["value"] == "Ukraine"
    assert cleaned.countries == ("US", "DE")
    assert cleaned.translations["uk"].title == "Бійцівський клуб"
    assert len(cleaned.translations["uk"].tagline) == limits.TRANSLATION["tagline"]
    assert "ru" not in cleaned.translations  # nothing left in it

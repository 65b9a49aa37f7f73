"""Normalize: one spelling per genre, type, region and person."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.catalog.pipeline.normalize import GENRES, genre_normalize, record_normalize, title_type_normalize
from apps.scraping import imdb_vocabulary
from apps.scraping.imdb_pages import genre_name
from apps.scraping.records import AkaRecord, CreditRecord, TitleRecord

pytestmark = pytest.mark.embedded


def title(**fields) -> TitleRecord:
    return TitleRecord(imdb_id="tt1375666", source="imdb_page", **fields)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("sci-fi", "Sci-Fi"), ("Science Fiction", "Sci-Fi"), ("FILM NOIR", "Film-Noir"), ("sports", "Sport")],
)
def test_genre_aliases_map_to_imdb_genres(raw, canonical):
    assert genre_normalize(raw) == canonical


def test_sub_genres_become_keywords_and_genres_never_repeat():
    record = record_normalize(
        title(genres=("Action", "action", "Action Epic", "Sci-Fi"), keywords=("dream",))
    )

    assert record.genres == ("Action", "Sci-Fi")
    assert record.keywords == ("dream", "action epic")


@pytest.mark.parametrize(
    ("raw", "canonical"), [("Movie", "movie"), ("TVSeries", "tvSeries"), ("tv mini-series", "tvMiniSeries")]
)
def test_title_types_from_schema_org_and_prose_are_understood(raw, canonical):
    assert title_type_normalize(raw) == canonical


def test_unknown_title_type_is_rescued():
    record = record_normalize(title(title_type="hologram"))

    assert record.title_type is None
    assert record.rescued["title_type"]["value"] == "hologram"


def test_principal_credits_listed_twice_are_kept_once_in_credit_order():
    nolan = CreditRecord(imdb_id="nm0634240", name="Christopher Nolan", ordering=0)
    record = record_normalize(
        title(
            stars=(
                CreditRecord(name="Elliot Page", ordering=2),
                nolan,
                nolan,
                CreditRecord(name="elliot page", ordering=3),
            )
        )
    )

    assert [credit.name for credit in record.stars] == ["Christopher Nolan", "Elliot Page"]


def test_aka_regions_and_languages_are_normalized():
    record = record_normalize(title(akas=(AkaRecord(name="Початок", region="ua", language="UK"),)))

    assert record.akas[0].region == "UA"
    assert record.akas[0].language == "uk"


def test_non_http_poster_url_is_rescued():
    record = record_normalize(title(poster_url="javascript:alert(1)"))

    assert record.poster_url is None
    assert "http" in record.rescued["poster_url"]["error"]


@given(st.lists(st.sampled_from([*GENRES, *[genre.lower() for genre in GENRES], "Action Epic", "biopic"])))
def test_normalized_genres_are_canonical_unique_and_idempotent(names):
    once = record_normalize(title(genres=tuple(names)))
    twice = record_normalize(once)

    assert set(once.genres) <= set(GENRES)
    assert len(once.genres) == len(set(once.genres))
    assert twice.genres == once.genres


def test_every_genre_the_page_parser_reads_stays_a_genre():
    chips = [*imdb_vocabulary.GENRES, *imdb_vocabulary.GENRE_TRANSLATIONS]  # "Drama", "бойовик", "триллер"…

    record = record_normalize(title(genres=tuple(genre_name(chip) for chip in chips)))

    assert GENRES is imdb_vocabulary.GENRES
    assert set(record.genres) == set(GENRES)
    assert not record.keywords

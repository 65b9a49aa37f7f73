"""Validate: typed records, rescued oddities, rejected records without an id."""

import pytest

from apps.catalog.pipeline.errors import RecordRejected
from apps.catalog.pipeline.validate import record_validate

pytestmark = pytest.mark.embedded


def test_known_fields_are_typed_from_strings():
    record = record_validate(
        {
            "imdb_id": "tt0111161",
            "start_year": "1994",
            "rating": "9.3",
            "votes": 2_900_000,
            "genres": ["Drama"],
        },
        source="imdb_datasets",
    )

    assert record.start_year == 1994
    assert record.rating == 9.3
    assert record.genres == ("Drama",)
    assert record.rescued == {}


def test_unknown_fields_and_wrongly_typed_values_are_rescued_not_dropped():
    record = record_validate(
        {"imdb_id": "tt0111161", "source": "lake_import", "start_year": "nineteen", "box_office": "$58M"}
    )

    assert record.start_year is None
    assert record.rescued["box_office"] == "$58M"
    assert record.rescued["start_year"]["value"] == "nineteen"
    assert "integer" in record.rescued["start_year"]["error"]


@pytest.mark.parametrize("imdb_id", [None, "", "tt123", "nm0000209", "tt012345678", " tt 0111161"])
def test_a_record_without_a_valid_imdb_id_is_rejected_with_the_reason(imdb_id):
    with pytest.raises(RecordRejected, match="imdb_id: expected tt followed by 7 or 8 digits"):
        record_validate({"imdb_id": imdb_id, "primary_title": "No id"}, source="imdb_page")

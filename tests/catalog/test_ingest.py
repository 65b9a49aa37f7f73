"""titles_ingest over many batches: read and prepared in a background process, merged here."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from apps.catalog.models import Credit, Person, Title
from apps.catalog.pipeline import limits
from apps.catalog.services import titles_ingest
from apps.stream.models import Event

pytestmark = pytest.mark.embedded

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def raw(number: int, **fields) -> dict:
    return {
        "imdb_id": f"tt{number:07d}",
        "title_type": "movie",
        "primary_title": f"Title {number}",
        "start_year": 1990 + number % 20,
        "genres": ["Drama", "Crime"][: 1 + number % 2],
        "plot": f"Read by process {os.getpid()}.",
        "directors": [{"imdb_id": f"nm{number % 3:07d}", "name": f"Director {number % 3}"}],
        "stars": [{"imdb_id": f"nm{100 + number:07d}", "name": f"Star {number}"}],
        "scraped_at": NOW.isoformat(),
        **fields,
    }


@pytest.mark.django_db
def test_records_of_many_batches_are_prepared_in_another_process_and_all_stored():
    def records() -> Iterator[dict]:
        for number in range(1, 12):
            yield raw(number)

    report = titles_ingest(records(), source="imdb_datasets", batch_size=3)

    assert (report.read, report.inserted, report.events) == (11, 11, 11)
    assert Title.objects.count() == 11
    assert Credit.objects.count() == 22
    readers = {plot.removeprefix("Read by process ") for plot in Title.objects.values_list("plot", flat=True)}
    assert readers != {f"{os.getpid()}."}  # read and prepared beside the merge, not before it


@pytest.mark.django_db
def test_one_batch_or_less_is_prepared_in_this_process():
    report = titles_ingest([raw(1), raw(2)], source="imdb_datasets", batch_size=3)

    assert report.inserted == 2
    assert set(Title.objects.values_list("plot", flat=True)) == {f"Read by process {os.getpid()}."}


@pytest.mark.django_db
def test_what_the_reader_noted_comes_back_from_the_background_process():
    noted = {"lines": 0}

    def records() -> Iterator[dict]:
        for number in range(1, 8):
            noted["lines"] += 1
            yield raw(number)

    report = titles_ingest(
        records(), source="imdb_datasets", batch_size=2, read_state=lambda: {**noted, "pid": os.getpid()}
    )

    assert report.read_state["lines"] == 7
    assert report.inserted == 7


@pytest.mark.django_db
def test_rejections_in_the_background_are_reported_and_the_rest_stored():
    far_beyond = "x" * (limits.FAR_BEYOND * limits.TEXT["plot"] + 1)
    records = (raw(number, plot=far_beyond) if number == 5 else raw(number) for number in range(1, 9))

    report = titles_ingest(records, source="imdb_page", batch_size=2)

    assert report.rejected == {"plot": 1}
    assert report.rejected_first["plot"].endswith("(tt0000005)")
    assert (report.read, report.inserted) == (8, 7)
    assert not Title.objects.filter(imdb_id="tt0000005").exists()


class ReaderBroke(Exception):
    pass


@pytest.mark.django_db
def test_a_reader_failing_in_the_background_fails_the_ingest_with_its_error_after_the_batches_before():
    def records() -> Iterator[dict]:
        yield from (raw(number) for number in range(1, 5))
        raise ReaderBroke("disk gone at line 5")

    with pytest.raises(ReaderBroke, match="disk gone at line 5"):
        titles_ingest(records(), source="imdb_datasets", batch_size=2)

    # Each batch commits on its own: the two whole batches read before the failure are stored.
    assert Title.objects.count() == 4
    assert not Event.objects.exists()  # enriched and announced only once the input is whole


@pytest.mark.django_db
def test_a_person_named_differently_is_renamed_and_one_named_alike_or_unnamed_is_kept():
    titles_ingest([raw(1), raw(2)], source="imdb_datasets")
    co_director = {"imdb_id": "nm0000050", "name": "Co Director", "ordering": 1}
    renamed = raw(1, directors=[{"imdb_id": "nm0000001", "name": "Director One"}, co_director])
    unnamed_and_alike = raw(
        2,
        stars=[
            {"imdb_id": "nm0000102", "ordering": 0},
            {"imdb_id": "nm0000101", "name": "Star 1", "ordering": 1},
        ],
    )

    titles_ingest([renamed, unnamed_and_alike], source="imdb_datasets")

    names = dict(Person.objects.values_list("imdb_id", "name"))
    assert names["nm0000001"] == "Director One"
    assert names["nm0000050"] == "Co Director"
    assert names["nm0000102"] == "Star 2"
    assert names["nm0000101"] == "Star 1"
    assert list(
        Credit.objects.filter(title__imdb_id="tt0000002", role="star")
        .order_by("ordering")
        .values_list("person__name", flat=True)
    ) == ["Star 2", "Star 1"]

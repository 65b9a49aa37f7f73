"""The catalog pipeline end to end: stored rows, the merge rule, enrichment and events."""

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from apps.catalog.models import Credit, Person, Title
from apps.catalog.pipeline import limits
from apps.catalog.pipeline.normalize import GENRES
from apps.catalog.services import imdb_pages_store, title_admin_saved, titles_ingest
from apps.stream.models import Event
from apps.stream.services import EVENT_PAYLOAD_MAX_BYTES

pytestmark = pytest.mark.embedded

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def shawshank(**fields) -> dict:
    return {
        "imdb_id": "tt0111161",
        "title_type": "movie",
        "primary_title": "The Shawshank Redemption",
        "start_year": 1994,
        "rating": 9.3,
        "votes": 2_900_000,
        "genres": ["Drama"],
        "plot": "Two imprisoned men bond over years, finding hope and redemption in prison.",
        "directors": [{"imdb_id": "nm0001104", "name": "Frank Darabont", "ordering": 0}],
        "stars": [
            {"imdb_id": "nm0000209", "name": "Tim Robbins", "ordering": 0},
            {"imdb_id": "nm0000151", "name": "Morgan Freeman", "ordering": 1},
        ],
        "akas": [{"name": "Втеча з Шоушенка", "region": "UA", "language": "uk"}],
        "scraped_at": NOW.isoformat(),
        **fields,
    }


@pytest.mark.django_db
def test_a_new_title_is_stored_enriched_and_announced_once():
    report = titles_ingest([shawshank()], source="imdb_datasets")

    title = Title.objects.get(imdb_id="tt0111161")
    assert (report.inserted, report.updated, report.events) == (1, 0, 1)
    assert title.rating == Decimal("9.3")
    assert [genre.name for genre in title.genres.all()] == ["Drama"]
    assert list(title.credits.filter(role="star").values_list("person__name", flat=True)) == [
        "Tim Robbins",
        "Morgan Freeman",
    ]
    assert "втеча з шоушенка" in title.search_text
    assert title.decade_category == "1990s"
    assert "Prison" in title.genre_categories
    assert title.sentiment_analysis["plot_tone"] == "Hopeful"
    assert title.director_stats == {"total_movies": 1, "average_rating": 9.3}
    payload = Event.objects.get().payload
    assert payload["id"] == "tt0111161"
    assert payload["director"] == ["Frank Darabont"]
    assert payload["stars"] == ["Tim Robbins", "Morgan Freeman"]
    assert payload["year"] == "1994"


@pytest.mark.django_db
def test_an_unchanged_reimport_changes_nothing_and_publishes_nothing():
    titles_ingest([shawshank()], source="imdb_datasets")
    before = Title.objects.values().get()

    report = titles_ingest([shawshank()], source="imdb_datasets")

    assert (report.inserted, report.updated, report.unchanged, report.events) == (0, 0, 1, 0)
    assert Event.objects.count() == 1
    after = Title.objects.values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


@pytest.mark.django_db
def test_a_page_outranks_the_datasets_but_a_fresher_rating_always_wins():
    titles_ingest([shawshank(plot=None)], source="imdb_datasets")
    titles_ingest(
        [shawshank(primary_title="Shawshank (page)", plot="A banker is jailed.", rating=9.2)],
        source="imdb_page",
    )
    later = (NOW + timedelta(days=1)).isoformat()

    titles_ingest(
        [shawshank(primary_title="The Shawshank Redemption", rating=9.4, scraped_at=later)],
        source="imdb_datasets",
    )

    title = Title.objects.get()
    assert title.primary_title == "Shawshank (page)"  # the page's title outranks the datasets'
    assert title.plot == "A banker is jailed."  # a missing value never erases one
    assert title.rating == Decimal("9.4")  # a measurement: the fresher one wins
    assert title.field_sources["rating"][0] == "imdb_datasets"


@pytest.mark.django_db
def test_unknown_fields_and_bad_values_are_rescued_and_bad_records_reported():
    report = titles_ingest(
        [shawshank(box_office="$58M", rating=11), {"imdb_id": "tt12", "primary_title": "Broken"}],
        source="imdb_datasets",
    )

    title = Title.objects.get()
    assert title.rescued_data["box_office"] == "$58M"
    assert title.rescued_data["rating"]["value"] == 11
    assert title.rating is None
    assert report.rejected == {"imdb_id": 1}
    assert report.read == 2


@pytest.mark.django_db
def test_a_title_with_twelve_directors_keeps_them_all_in_order():
    directors = [{"imdb_id": f"nm{n:07d}", "name": f"Director {n}", "ordering": n} for n in range(12)]

    titles_ingest([shawshank(directors=directors)], source="imdb_datasets")

    names = list(
        Credit.objects.filter(role="director").order_by("ordering").values_list("person__name", flat=True)
    )
    assert names == [f"Director {n}" for n in range(12)]


@pytest.mark.django_db
def test_a_new_title_by_the_same_director_updates_stats_and_recommendations():
    titles_ingest([shawshank()], source="imdb_datasets")
    green_mile = shawshank(
        imdb_id="tt0120689", primary_title="The Green Mile", start_year=1999, rating=8.6, akas=[], stars=[]
    )

    report = titles_ingest([green_mile], source="imdb_datasets")

    shawshank_row = Title.objects.get(imdb_id="tt0111161")
    assert shawshank_row.director_stats == {"total_movies": 2, "average_rating": 9.0}
    assert shawshank_row.recommendations == ["tt0120689"]
    assert Title.objects.get(imdb_id="tt0120689").recommendations == ["tt0111161"]
    assert report.events == 2  # the new title, and the old one whose stats changed


@pytest.mark.django_db(transaction=True)
def test_two_workers_upserting_the_same_title_at_once_make_one_row(postgres):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(rating: float) -> None:
        try:
            barrier.wait(10)
            titles_ingest([shawshank(rating=rating)], source="imdb_datasets")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(rating,)) for rating in (9.1, 9.2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert Title.objects.filter(imdb_id="tt0111161").count() == 1
    assert Credit.objects.filter(role="star").count() == 2


@pytest.mark.django_db
def test_an_admin_edit_is_not_overwritten_by_the_next_import():
    titles_ingest([shawshank()], source="imdb_datasets")
    title = Title.objects.get()
    title.primary_title = "The Shawshank Redemption (restored)"
    title.save()
    title_admin_saved(title=title, changed_fields=["primary_title"])

    later = (NOW + timedelta(days=2)).isoformat()
    titles_ingest([shawshank(scraped_at=later, votes=3_100_000)], source="imdb_page")

    title.refresh_from_db()
    assert title.primary_title == "The Shawshank Redemption (restored)"
    assert title.votes == 3_100_000


@pytest.mark.django_db
def test_a_new_rating_keeps_recommendations_and_a_new_credit_moves_them():
    green_mile = shawshank(
        imdb_id="tt0120689", primary_title="The Green Mile", start_year=1999, rating=8.6, akas=[], stars=[]
    )
    titles_ingest([shawshank(), green_mile], source="imdb_datasets")
    last_event = Event.objects.order_by("-id").first().id

    titles_ingest(
        [shawshank(rating=9.5, scraped_at=(NOW + timedelta(days=1)).isoformat())], source="imdb_datasets"
    )

    announced = {
        payload["id"]: payload
        for payload in Event.objects.filter(id__gt=last_event).values_list("payload", flat=True)
    }
    assert announced["tt0111161"]["rating"] == 9.5
    assert announced["tt0111161"]["recommendations"] == ["tt0120689"]  # kept, and still announced whole
    assert announced["tt0120689"]["director_stats"] == {"total_movies": 2, "average_rating": 9.1}
    assert Title.objects.get(imdb_id="tt0120689").recommendations == ["tt0111161"]

    the_mist = shawshank(
        imdb_id="tt0884328", primary_title="The Mist", start_year=2007, akas=[], stars=[], genres=["Horror"]
    )
    titles_ingest([the_mist], source="imdb_datasets")

    assert Title.objects.get(imdb_id="tt0111161").recommendations == ["tt0120689", "tt0884328"]


@pytest.mark.django_db
def test_text_longer_than_its_column_is_cut_to_fit_and_the_rest_kept_in_rescued_data():
    long_title = "The Shawshank Redemption " * 30  # 750 characters
    record = shawshank(
        primary_title=long_title,
        stars=[{"imdb_id": "nm9999999", "name": "Tim Robbins " * 40, "ordering": 0}],
        akas=[{"name": "Втеча з Шоушенка " * 40, "region": "UKRAINE", "language": "uk"}],
    )

    report = titles_ingest(
        [record, shawshank(imdb_id="tt0120689", primary_title="The Green Mile")], source="imdb_page"
    )

    assert (report.inserted, sum(report.rejected.values())) == (2, 0)
    title = Title.objects.get(imdb_id="tt0111161")
    assert len(title.primary_title) == 500
    assert title.primary_title + title.rescued_data["primary_title"]["value"] == long_title.strip()
    assert len(title.credits.get(role="star").person.name) == 300
    aka = title.localized_titles.get()
    assert (len(aka.name), aka.region, aka.language) == (500, "", "uk")


# Four bytes in UTF-8 each: the most a character of text can cost an event.
WIDE = "𝄞"


def event_bytes(event: Event) -> int:
    return len(json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")).encode())


def people(prefix: str, count: int) -> list[dict]:
    return [
        {"imdb_id": f"nm{prefix}{n:05d}", "name": WIDE * limits.PERSON_NAME, "ordering": n, "characters": []}
        for n in range(count)
    ]


@pytest.mark.django_db
def test_the_largest_title_the_limits_allow_is_announced_in_under_64_kb():
    largest = shawshank(
        primary_title=WIDE * limits.TEXT["primary_title"],
        original_title=WIDE * limits.TEXT["original_title"],
        plot=WIDE * limits.TEXT["plot"],
        keywords=[f"{n}{WIDE * (limits.KEYWORD - 3)}" for n in range(limits.KEYWORDS)],
        genres=list(GENRES),
        directors=people("10", limits.CREDITS["directors"]),
        writers=people("20", limits.CREDITS["writers"]),
        stars=people("30", limits.CREDITS["stars"]),
        akas=[{"name": f"{n}{WIDE * (limits.AKA_NAME - 3)}", "region": "UA"} for n in range(limits.AKAS)],
    )

    report = titles_ingest([largest], source="imdb_page")

    assert (report.inserted, sum(report.rejected.values())) == (1, 0)
    event = Event.objects.get()
    assert event.payload["plot"] == WIDE * limits.TEXT["plot"]  # whole: it is within its limit
    assert len(event.payload["director"]) == limits.EVENT_PEOPLE
    assert event_bytes(event) < EVENT_PAYLOAD_MAX_BYTES


@pytest.mark.django_db
def test_a_title_stored_beyond_the_limits_is_still_announced_in_under_64_kb():
    titles_ingest([shawshank()], source="imdb_page")
    title = Title.objects.get()
    # What the admin (a TextField) or name.basics could store: the limits are the pipeline's.
    title.plot = "\x01" * 1_000_000
    title.save()
    Person.objects.update(name="\x02" * 300)

    title_admin_saved(title=title, changed_fields=["plot"])

    event = Event.objects.order_by("-id").first()
    assert event.payload["id"] == "tt0111161"
    assert len(event.payload["plot"]) == limits.TEXT["plot"]
    assert event_bytes(event) < EVENT_PAYLOAD_MAX_BYTES


@pytest.mark.django_db
def test_text_far_beyond_its_limit_rejects_the_record_and_keeps_the_stored_title():
    titles_ingest([shawshank()], source="imdb_datasets")
    stored = list(Title.objects.values())
    events = Event.objects.count()
    far_beyond = limits.FAR_BEYOND * limits.TEXT["plot"] + 1

    report = titles_ingest(
        [shawshank(primary_title="Changed", plot="x" * far_beyond, rating=1.0)], source="imdb_page"
    )

    assert report.rejected == {"plot": 1}
    assert report.rejected_first["plot"] == f"plot: {far_beyond} characters, at most 4000 (tt0111161)"
    assert list(Title.objects.values()) == stored
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_text_a_little_over_its_limit_is_cut_and_rescued_data_stays_bounded():
    plot = "word " * 1000  # 5,000 characters: cut at 4,000
    report = titles_ingest(
        [shawshank(plot=plot, budget={"notes": "n" * 100_000}, **{f"extra_{n}": n for n in range(100)})],
        source="imdb_page",
    )

    assert report.inserted == 1
    title = Title.objects.get()
    assert len(title.plot) == limits.TEXT["plot"]
    assert title.plot + title.rescued_data["plot"]["value"] == plot.strip()
    assert len(title.rescued_data) <= limits.RESCUED_FIELDS + 1
    assert len(json.dumps(title.rescued_data)) < (limits.RESCUED_FIELDS + 1) * (
        limits.RESCUED_VALUE_CHARS + 200
    )


@pytest.mark.django_db
def test_lists_beyond_their_limits_keep_their_first_items():
    record = shawshank(
        keywords=[f"keyword {n}" for n in range(limits.KEYWORDS + 20)],
        stars=[{"imdb_id": f"nm{n:07d}", "name": f"Star {n}", "ordering": n} for n in range(60)],
    )

    titles_ingest([record], source="imdb_page")

    title = Title.objects.get()
    assert title.keywords == [f"keyword {n}" for n in range(limits.KEYWORDS)]
    stars = list(
        title.credits.filter(role="star").order_by("ordering").values_list("person__name", flat=True)
    )
    assert stars == [f"Star {n}" for n in range(limits.CREDITS["stars"])]
    assert title.rescued_data["stars"]["error"] == "60 items, at most 50: the rest left out"


@pytest.mark.django_db
def test_a_scraped_page_far_beyond_the_limits_is_rejected_like_any_source():
    report = imdb_pages_store([shawshank(source="imdb_page", plot="x" * 100_000)])

    assert report.rejected == 1
    assert not Title.objects.exists()

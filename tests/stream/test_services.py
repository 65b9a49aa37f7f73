"""Publishing: the transactional outbox, gapless ordered ids, pruning."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.stream.errors import UnknownEventType
from apps.stream.models import Event
from apps.stream.selectors import event_last_id, events_after
from apps.stream.services import (
    EVENT_PAYLOAD_MAX_BYTES,
    EventPayloadTooLarge,
    events_prune,
    publish,
    publish_many,
)

pytestmark = pytest.mark.embedded

MOVIE = {
    "id": "tt0111161",
    "title": "The Shawshank Redemption",
    "genre": ["Drama"],
    "decade_category": "1990s",
}


@pytest.mark.django_db
def test_published_events_get_consecutive_ids_in_order():
    first = publish("movie", MOVIE)
    batch = publish_many("movie", [{**MOVIE, "id": f"tt000000{n}"} for n in range(3)])

    assert [event.id for event in batch] == [first.id + 1, first.id + 2, first.id + 3]
    assert [event.payload["id"] for event in events_after(after_id=first.id, limit=10)] == [
        "tt0000000",
        "tt0000001",
        "tt0000002",
    ]
    assert event_last_id() == first.id + 3


@pytest.mark.django_db
def test_rolled_back_data_leaves_no_event_and_no_gap():
    before = event_last_id()

    def catalog_write_that_fails() -> None:
        with transaction.atomic():
            publish("movie", MOVIE)
            raise RuntimeError("the catalog write failed")

    with pytest.raises(RuntimeError):
        catalog_write_that_fails()

    assert Event.objects.count() == 0
    assert publish("movie", MOVIE).id == before + 1


@pytest.mark.django_db
def test_event_is_announced_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish("movie", MOVIE)

    assert len(callbacks) == 1


@pytest.mark.django_db
def test_unknown_event_type_is_refused():
    with pytest.raises(UnknownEventType, match="expected one of movie, showtimes, trend"):
        publish("film", MOVIE)
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_prune_removes_only_events_older_than_retention(settings):
    settings.STREAM_RETENTION_DAYS = 7
    old, recent = publish("movie", MOVIE), publish("movie", MOVIE)
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    assert events_prune() == 1
    assert list(Event.objects.values_list("id", flat=True)) == [recent.id]


@pytest.mark.django_db(transaction=True)
def test_a_later_publisher_waits_so_ids_commit_in_order():
    """Transaction A takes an id first; B, starting later, must not commit a higher id before A."""
    a_published, a_may_commit, b_done = threading.Event(), threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def writer_a() -> None:
        with transaction.atomic():
            ids["a"] = publish("movie", {**MOVIE, "id": "tt0000001"}).id
            a_published.set()
            a_may_commit.wait(10)
        connection.close()

    def writer_b() -> None:
        a_published.wait(10)
        with transaction.atomic():
            ids["b"] = publish("movie", {**MOVIE, "id": "tt0000002"}).id
        b_done.set()
        connection.close()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    a_published.wait(10)

    # While A is open, B cannot commit, and a reader sees neither event yet.
    assert not b_done.wait(1.0)
    assert events_after(after_id=0, limit=10) == []

    a_may_commit.set()
    for thread in threads:
        thread.join(10)
    assert ids["b"] == ids["a"] + 1
    assert [event.id for event in events_after(after_id=0, limit=10)] == [ids["a"], ids["b"]]


@pytest.mark.django_db
def test_a_payload_over_64_kb_is_refused_and_nothing_is_published():
    last = event_last_id()
    just_fits = {**MOVIE, "plot": "x" * (EVENT_PAYLOAD_MAX_BYTES - 200)}
    oversize = {**MOVIE, "plot": "я" * EVENT_PAYLOAD_MAX_BYTES}  # two bytes each in UTF-8

    with pytest.raises(
        EventPayloadTooLarge, match=r"movie event tt0111161: payload is \d+ bytes, at most 65536"
    ):
        publish_many("movie", [just_fits, oversize])

    assert event_last_id() == last
    assert publish("movie", just_fits).payload["plot"] == just_fits["plot"]

"""Counting views: the API, title pages, and flushing counts to the database."""

import pytest
from django.test import Client

from apps.trends.counters import ViewCounter, view_counter
from apps.trends.models import AppliedFlush, TitleViews, TrendScore
from apps.trends.services import views_day, views_flush
from core.counting import MemoryBatchCounter, RedisBatchCounter
from tests.factories.catalog import TitleFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def _view(client: Client, **body: object):
    return client.post("/api/movies/view", body, content_type="application/json")


def _flushed_views(title) -> int:
    return sum(TitleViews.objects.filter(title=title).values_list("views", flat=True))


def test_a_view_is_accepted_without_touching_the_database(client, django_assert_num_queries):
    title = TitleFactory(tmdb_id=27205, imdb_id="tt1375666")
    # The first view of each id looks the title up (a read); the process remembers it.
    assert _view(client, tmdb_id=27205).status_code == 202
    assert _view(client, imdb_id="tt1375666").status_code == 202

    with django_assert_num_queries(0):
        assert _view(client, tmdb_id=27205).status_code == 202
        assert _view(client, imdb_id="tt1375666").status_code == 202

    views_flush()
    assert _flushed_views(title) == 4


def test_views_reach_the_database_only_when_flushed(client):
    title = TitleFactory(tmdb_id=550)
    for _ in range(5):
        _view(client, tmdb_id=550)
    assert _flushed_views(title) == 0

    report = views_flush()

    assert (report.views, _flushed_views(title)) == (5, 5)
    assert TitleViews.objects.get(title=title).day == views_day()
    assert TrendScore.objects.get(title=title).recent_views == pytest.approx(5.0)


def test_a_second_flush_adds_only_new_views(client):
    title = TitleFactory(tmdb_id=550)
    _view(client, tmdb_id=550)
    views_flush()
    _view(client, tmdb_id=550)
    _view(client, tmdb_id=550)

    views_flush()
    assert views_flush().batches == 0

    assert _flushed_views(title) == 3


def test_an_unknown_id_is_404_with_a_clear_body(client):
    answer = _view(client, tmdb_id=424242)

    assert answer.status_code == 404
    assert answer.json()["code"] == "title_unknown"
    assert "424242" in answer.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tmdb_id": 0}, "tmdb_id"),
        ({"tmdb_id": "abc"}, "tmdb_id"),
        ({"imdb_id": "nm0000001"}, "imdb_id"),
        ({"tmdb_id": 550, "imdb_id": "tt0137523"}, "exactly one"),
        ({}, "exactly one"),
    ],
)
def test_a_bad_body_is_422_naming_the_field(client, body, field):
    for path in ("/api/movies/view", "/api/movies/register"):
        answer = client.post(path, body, content_type="application/json")
        assert answer.status_code == 422
        assert field in str(answer.json())


def test_a_flush_that_died_after_committing_is_not_applied_twice(client):
    title = TitleFactory(tmdb_id=550)
    for _ in range(4):
        _view(client, tmdb_id=550)
    counter = view_counter()

    class DiesBeforeDropping:
        """The counter as a flush sees it when the process dies between commit and drop."""

        def batches_take(self):
            return counter.batches_take()

        def batch_drop(self, key):
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        views_flush(counter=DiesBeforeDropping())
    assert _flushed_views(title) == 4
    _view(client, tmdb_id=550)

    report = views_flush()

    assert (report.skipped, report.applied, _flushed_views(title)) == (1, 1, 5)
    assert views_flush().batches == 0


def test_a_flush_that_died_before_committing_is_applied_by_the_next(client, django_db_blocker):
    title = TitleFactory(tmdb_id=550)
    for _ in range(3):
        _view(client, tmdb_id=550)
    counter = view_counter()
    batch = counter.batches_take()[0]
    # The process died with the batch taken but nothing written.

    views_flush()

    assert _flushed_views(title) == 3
    assert AppliedFlush.objects.filter(key=batch.key).exists()


def test_both_counters_keep_counts_apart_by_title_and_day(redis_url):
    for counter in (
        ViewCounter(MemoryBatchCounter()),
        ViewCounter(RedisBatchCounter(redis_url, prefix="test:trends:counter-both")),
    ):
        counter.add(1, day=views_day())
        counter.add(1, day=views_day())
        counter.add(2, day=views_day())
        taken = counter.batches_take()
        counter.add(2, day=views_day())

        assert [batch.counts for batch in taken] == [{(1, views_day()): 2, (2, views_day()): 1}]
        for batch in taken:
            counter.batch_drop(batch.key)
        rest = counter.batches_take()
        assert [batch.counts for batch in rest] == [{(2, views_day()): 1}]
        for batch in rest:
            counter.batch_drop(batch.key)


def test_a_title_page_counts_once_per_visitor_and_never_for_bots(client):
    title = TitleFactory()
    page = f"/catalog/{title.imdb_id}/"

    client.get(page, HTTP_USER_AGENT=BROWSER)
    client.get(page, HTTP_USER_AGENT=BROWSER)  # a reload
    client.get(page, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(page, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.0.0.2")  # another visitor
    views_flush()

    assert _flushed_views(title) == 2


@pytest.mark.django_db(transaction=True)
def test_a_title_page_served_by_the_async_stack_counts_too(async_client):
    from asgiref.sync import async_to_sync

    title = TitleFactory()

    answer = async_to_sync(async_client.get)(f"/catalog/{title.imdb_id}/", headers={"User-Agent": BROWSER})
    views_flush()

    assert answer.status_code == 200
    assert _flushed_views(title) == 1


def test_a_tmdb_id_shared_by_a_movie_and_a_series_counts_for_the_movie(client):
    TitleFactory(tmdb_id=1396, title_type="tvSeries")
    movie = TitleFactory(tmdb_id=1396, title_type="movie")

    _view(client, tmdb_id=1396)
    views_flush()

    assert _flushed_views(movie) == 1


def test_old_flush_records_are_pruned(client):
    from datetime import timedelta

    from django.utils import timezone

    old = AppliedFlush.objects.create(key="memory:old", views=1)
    AppliedFlush.objects.filter(pk=old.pk).update(applied_at=timezone.now() - timedelta(days=8))
    recent = AppliedFlush.objects.create(key="memory:recent", views=1)

    views_flush()

    assert list(AppliedFlush.objects.values_list("key", flat=True)) == [recent.key]

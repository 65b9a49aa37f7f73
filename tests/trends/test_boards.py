"""Leaderboards: Redis sorted sets with the database behind them, and the `trend` event."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.stream.models import Event
from apps.trends.boards import GLOBAL, boards, city_board, genre_board
from apps.trends.models import TrendScore
from apps.trends.selectors import board_titles, board_top
from apps.trends.services import scores_recompute, view_count, views_flush
from tests.factories.catalog import GenreFactory, TitleFactory
from tests.support.processes import free_port

pytestmark = pytest.mark.django_db


def _titles_with_popularity(*popularities: float):
    return [TitleFactory(tmdb_popularity=popularity, votes=0, rating=None) for popularity in popularities]


def _trend_events() -> list[dict]:
    return [event.payload for event in Event.objects.filter(type="trend").order_by("id")]


def test_the_global_board_ranks_by_score(redis_url):
    low, high, middle = _titles_with_popularity(1.0, 100.0, 10.0)

    scores_recompute(title_ids=[low.pk, high.pk, middle.pk])

    assert [entry.title_id for entry in board_top(board=GLOBAL)] == [high.pk, middle.pk, low.pk]
    assert boards().top(GLOBAL, 10) is not None  # kept in Redis


def test_with_redis_down_the_board_is_read_from_the_database(client, redis_url):
    low, high = _titles_with_popularity(1.0, 100.0)
    scores_recompute(title_ids=[low.pk, high.pk])

    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        ranked = board_titles(board=GLOBAL)
        page = client.get("/trends/")

    assert [entry.title.pk for entry in ranked] == [high.pk, low.pk]
    assert page.status_code == 200
    assert page.content.decode().index(high.imdb_id) < page.content.decode().index(low.imdb_id)


def test_scores_computed_while_redis_was_down_are_ranked(redis_url):
    low, high = _titles_with_popularity(1.0, 100.0)

    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        scores_recompute(title_ids=[low.pk, high.pk])
        assert [entry.title_id for entry in board_top(board=GLOBAL)] == [high.pk, low.pk]


def test_a_genre_board_holds_only_its_genre():
    drama = GenreFactory(name="Drama")
    in_drama, elsewhere = _titles_with_popularity(1.0, 100.0)
    in_drama.genres.add(drama)

    scores_recompute(title_ids=[in_drama.pk, elsewhere.pk])

    assert [entry.title_id for entry in board_top(board=genre_board("Drama"))] == [in_drama.pk]


def test_a_changed_top_10_sends_one_trend_event_per_board():
    drama = GenreFactory(name="Drama")
    first, second = _titles_with_popularity(10.0, 5.0)
    first.genres.add(drama)
    scores_recompute(title_ids=[first.pk, second.pk])
    assert {event["board"] for event in _trend_events()} == {GLOBAL, "genre:Drama"}
    Event.objects.all().delete()

    for _ in range(200):  # the second title's views lift it above the first
        view_count(title_id=second.pk)
    views_flush()

    events = _trend_events()
    assert [event["board"] for event in events] == [GLOBAL]
    assert [entry["imdb_id"] for entry in events[0]["top"]] == [second.imdb_id, first.imdb_id]
    assert Event.objects.get(type="trend").tags["board"] == ["global"]


def test_an_unchanged_top_10_sends_nothing():
    first, second = _titles_with_popularity(10.0, 5.0)
    scores_recompute(title_ids=[first.pk, second.pk])
    Event.objects.all().delete()

    view_count(title_id=first.pk)  # its score moves, the order does not
    views_flush()

    assert _trend_events() == []


def _sessions(title, city: str, count: int, *, days_ahead: int = 1) -> None:
    from apps.showtimes.models import CityMovie, Location, Session, Theater

    location, _ = Location.objects.get_or_create(slug=city, defaults={"city": city.title()})
    theater, _ = Theater.objects.get_or_create(location=location, name="Multiplex")
    movie = CityMovie.objects.create(location=location, title=title, name=title.primary_title)
    start = timezone.now() + timedelta(days=days_ahead)
    Session.objects.bulk_create(
        Session(movie=movie, theater=theater, starts_at=start + timedelta(minutes=10 * i))
        for i in range(count)
    )


def test_a_citys_board_ranks_what_plays_there_by_its_sessions():
    busy, quiet, elsewhere = _titles_with_popularity(5.0, 5.0, 50.0)
    _sessions(busy, "kyiv", 20)
    _sessions(quiet, "kyiv", 2)
    _sessions(elsewhere, "lviv", 1)

    scores_recompute(title_ids=[busy.pk, quiet.pk, elsewhere.pk])

    assert [entry.title_id for entry in board_top(board=city_board("kyiv"))] == [busy.pk, quiet.pk]
    assert TrendScore.objects.get(title=busy).sessions == 20


def test_sessions_beyond_this_week_do_not_count():
    title = TitleFactory()
    _sessions(title, "kyiv", 5, days_ahead=9)

    scores_recompute(title_ids=[title.pk])

    assert TrendScore.objects.get(title=title).sessions == 0


def test_a_title_deleted_from_the_catalog_leaves_the_board_at_the_next_recompute(redis_url):
    gone, stays, newcomer = _titles_with_popularity(100.0, 10.0, 1.0)
    scores_recompute(title_ids=[gone.pk, stays.pk])
    gone_id = gone.pk
    gone.delete()  # its score goes with it; Redis still ranks it

    scores_recompute(title_ids=[newcomer.pk])

    assert [entry.title_id for entry in board_top(board=GLOBAL)] == [stays.pk, newcomer.pk]
    assert gone_id not in [title_id for title_id, _score in boards().top(GLOBAL, 10)]
    latest = _trend_events()[-1]
    assert [entry["imdb_id"] for entry in latest["top"]] == [stays.imdb_id, newcomer.imdb_id]

"""Trends under /api/v1/: the leaderboards with scores, a title's history, registering and views."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.trends.models import TrendSnapshot
from apps.trends.services import scores_recompute
from tests.factories.catalog import GenreFactory, TitleFactory
from tests.trends.test_boards import _sessions, _titles_with_popularity

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _board(client, path: str = "/api/v1/trends") -> list[tuple[str, float]]:
    reply = client.get(path)
    assert reply.status_code == 200, reply.content
    return [(entry["title"]["imdb_id"], entry["score"]) for entry in reply.json()["titles"]]


def test_the_global_board_lists_titles_best_first_with_their_scores(client, django_assert_max_num_queries):
    low, high, middle = _titles_with_popularity(1.0, 100.0, 10.0)
    scores_recompute(title_ids=[low.pk, high.pk, middle.pk])

    # The board (Redis, else the database), the titles, their genres and display names.
    with django_assert_max_num_queries(4):
        reply = client.get("/api/v1/trends", {"lang": "en"})

    body = reply.json()
    assert body["board"] == "global"
    assert [entry["title"]["imdb_id"] for entry in body["titles"]] == [
        high.imdb_id,
        middle.imdb_id,
        low.imdb_id,
    ]
    assert [entry["rank"] for entry in body["titles"]] == [1, 2, 3]
    scores = [entry["score"] for entry in body["titles"]]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]
    assert body["titles"][0]["title"]["api_url"] == f"/api/v1/titles/{high.imdb_id}"


def test_a_genre_board_and_a_city_board_hold_only_their_titles(client):
    drama = GenreFactory(name="Drama")
    in_drama, in_kyiv, elsewhere = _titles_with_popularity(1.0, 5.0, 100.0)
    in_drama.genres.add(drama)
    _sessions(in_kyiv, "kyiv", 10)
    scores_recompute(title_ids=[in_drama.pk, in_kyiv.pk, elsewhere.pk])

    assert [imdb_id for imdb_id, _score in _board(client, "/api/v1/trends/genres/Drama")] == [
        in_drama.imdb_id
    ]
    assert [imdb_id for imdb_id, _score in _board(client, "/api/v1/trends/cities/kyiv")] == [in_kyiv.imdb_id]
    assert _board(client, "/api/v1/trends/genres/Western") == []
    assert client.get("/api/v1/trends/genres/Drama").json()["board"] == "genre:Drama"
    assert client.get("/api/v1/trends/cities/kyiv").json()["board"] == "city:kyiv"


def test_a_city_that_is_no_slug_is_named_in_a_422(client):
    reply = client.get("/api/v1/trends/cities/Not a slug")

    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "slug"


def test_a_titles_trend_has_its_score_and_daily_history(client):
    (title,) = _titles_with_popularity(40.0)
    scores_recompute(title_ids=[title.pk])
    today = timezone.now().date()
    TrendSnapshot.objects.update_or_create(
        title=title, day=today - dt.timedelta(days=1), defaults={"score": 1.5, "views": 7}
    )
    TrendSnapshot.objects.create(title=title, day=today - dt.timedelta(days=60), score=9.0, views=1)

    body = client.get(f"/api/v1/titles/{title.imdb_id}/trend", {"days": 30}).json()

    assert body["imdb_id"] == title.imdb_id
    assert body["score"] > 0
    assert body["computed_at"]
    days = [point["day"] for point in body["history"]]
    assert str(today - dt.timedelta(days=1)) in days
    assert str(today - dt.timedelta(days=60)) not in days  # older than asked for
    assert days == sorted(days)


def test_the_trend_of_a_title_the_catalog_lacks_is_a_404(client):
    reply = client.get("/api/v1/titles/tt0000001/trend")

    assert reply.status_code == 404
    assert reply.json()["code"] == "title_unknown"


def test_a_title_never_scored_has_no_score_and_no_history(client):
    title = TitleFactory()

    body = client.get(f"/api/v1/titles/{title.imdb_id}/trend").json()

    assert (body["score"], body["history"]) == (None, [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("tasks_in_process")
def test_registering_under_v1_points_at_v1s_status(client, tmdb_standin):
    from tests.standins.tmdb import FIGHT_CLUB_TMDB

    answer = client.post(
        "/api/v1/movies/register", {"tmdb_id": FIGHT_CLUB_TMDB}, content_type="application/json"
    )
    unversioned = client.post(
        "/api/movies/register", {"tmdb_id": FIGHT_CLUB_TMDB}, content_type="application/json"
    )

    registration_id = answer.json()["id"]
    assert answer.status_code == 202
    assert answer["Location"] == answer.json()["poll"] == f"/api/v1/movies/register/{registration_id}"
    assert unversioned.json()["poll"] == f"/api/movies/register/{registration_id}"
    assert client.get(answer["Location"]).json()["status"] == "ready"


def test_a_view_under_v1_is_counted_like_one_unversioned(client):
    title = TitleFactory()

    versioned = client.post(
        "/api/v1/movies/view", {"imdb_id": title.imdb_id}, content_type="application/json"
    )
    missing = client.post("/api/v1/movies/view", {"imdb_id": "tt0000001"}, content_type="application/json")

    assert versioned.status_code == 202
    assert versioned.json() == {"counted": True}
    assert missing.status_code == 404
    assert missing.json()["code"] == "title_unknown"

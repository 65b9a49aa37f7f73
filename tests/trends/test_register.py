"""Registering a title: TMDB asked by a task (in-process here), through the catalog's TMDB source."""

import pytest
from django.test import override_settings

from apps.catalog.models import Title
from apps.trends.models import Registration, TrendScore
from tests.factories.catalog import TitleFactory
from tests.standins.tmdb import FIGHT_CLUB_IMDB, FIGHT_CLUB_TMDB, SINNERS_IMDB, Fault

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_in_process")]


def _register(client, **body: object):
    return client.post("/api/movies/register", body, content_type="application/json")


def _poll(client, answer) -> dict:
    return client.get(answer["Location"]).json()


def test_registering_a_new_tmdb_id_creates_the_title_with_tmdbs_scores(client, tmdb_standin):
    answer = _register(client, tmdb_id=FIGHT_CLUB_TMDB)

    assert answer.status_code == 202
    status = _poll(client, answer)
    assert (status["status"], status["title_imdb_id"]) == ("ready", FIGHT_CLUB_IMDB)
    title = Title.objects.get(imdb_id=FIGHT_CLUB_IMDB)
    assert title.primary_title == "Fight Club"
    # Stored with one decimal, as the catalog keeps ratings.
    assert (float(title.tmdb_vote_average), title.tmdb_vote_count) == (8.4, 27917)
    assert title.tmdb_popularity == pytest.approx(93.958)
    assert TrendScore.objects.filter(title=title).exists()


def test_registering_an_imdb_id_links_the_stored_title(client, tmdb_standin):
    stored = TitleFactory(imdb_id=SINNERS_IMDB, primary_title="Sinners")

    answer = _register(client, imdb_id=SINNERS_IMDB)

    status = _poll(client, answer)
    assert status["status"] == "ready"
    registration = Registration.objects.get(pk=answer.json()["id"])
    assert registration.title_id == stored.pk
    assert registration.tmdb_id == Title.objects.get(pk=stored.pk).tmdb_id is not None
    # A title the catalog has costs TMDB one /find and one details call.
    assert len(tmdb_standin.requests_seen("/3/find/")) == 1
    assert len(tmdb_standin.requests_seen("/3/movie/")) == 1


def test_registering_twice_answers_with_the_same_registration(client, tmdb_standin):
    first = _register(client, tmdb_id=FIGHT_CLUB_TMDB).json()
    second = _register(client, tmdb_id=FIGHT_CLUB_TMDB).json()

    assert first["id"] == second["id"]
    assert Registration.objects.count() == 1
    # Fetched once: the second registration found it ready.
    assert len(tmdb_standin.requests_seen(f"/3/movie/{FIGHT_CLUB_TMDB}")) == 2  # resolve + enrich


def test_an_id_tmdb_does_not_know_is_kept_as_missing(client, tmdb_standin):
    answer = _register(client, tmdb_id=424242)

    status = _poll(client, answer)
    assert status["status"] == "missing"
    assert not Title.objects.exists()


def test_a_refused_key_is_reported_not_raised(client, tmdb_standin):
    with override_settings(TMDB_API_KEY="wrong-key"):
        answer = _register(client, tmdb_id=FIGHT_CLUB_TMDB)

    status = _poll(client, answer)
    assert status["status"] == "failed"
    assert "TMDB_API_KEY" in status["last_error"]


def test_a_429_storm_is_retried_then_reported(client, tmdb_standin):
    tmdb_standin.fault_add(Fault(f"/3/movie/{FIGHT_CLUB_TMDB}", status=429, retry_after="0"), count=20)

    answer = _register(client, tmdb_id=FIGHT_CLUB_TMDB)

    assert answer.status_code == 202
    status = _poll(client, answer)
    assert status["status"] == "failed"
    assert "429" in status["last_error"]
    assert len(tmdb_standin.requests_seen(f"/3/movie/{FIGHT_CLUB_TMDB}")) > 1  # the client retried


def test_a_few_429s_are_ridden_out(client, tmdb_standin):
    tmdb_standin.fault_add(Fault(f"/3/movie/{FIGHT_CLUB_TMDB}", status=429, retry_after="0"), count=2)

    answer = _register(client, tmdb_id=FIGHT_CLUB_TMDB)

    assert _poll(client, answer)["status"] == "ready"


def test_registering_again_after_a_failure_asks_again(client, tmdb_standin):
    with override_settings(TMDB_API_KEY="wrong-key"):
        first = _register(client, tmdb_id=FIGHT_CLUB_TMDB).json()

    second = _register(client, tmdb_id=FIGHT_CLUB_TMDB)

    assert second.json()["id"] == first["id"]
    assert _poll(client, second)["status"] == "ready"


def test_polling_an_unknown_registration_is_404(client):
    answer = client.get("/api/movies/register/999999")

    assert answer.status_code == 404
    assert answer.json()["code"] == "registration_not_found"


def test_the_admin_asks_tmdb_again(admin_client, tmdb_standin):
    registration = Registration.objects.create(tmdb_id=FIGHT_CLUB_TMDB, status=Registration.Status.FAILED)

    admin_client.post(
        "/admin/trends/registration/",
        {"action": "ask_again", "_selected_action": [registration.pk]},
    )

    assert Registration.objects.get(pk=registration.pk).status == "ready"


def test_a_title_deleted_at_tmdb_is_no_longer_followed(client, tmdb_standin):
    answer = _register(client, tmdb_id=FIGHT_CLUB_TMDB)
    assert _poll(client, answer)["status"] == "ready"
    del tmdb_standin.titles["movie", FIGHT_CLUB_TMDB]
    del tmdb_standin.found[FIGHT_CLUB_IMDB]
    registration = Registration.objects.get(pk=answer.json()["id"])

    from apps.trends.services import registration_refetch

    registration_refetch(registration=registration)

    status = _poll(client, answer)
    assert (status["status"], status["title_imdb_id"]) == ("missing", None)
    assert Title.objects.filter(imdb_id=FIGHT_CLUB_IMDB).exists()  # the catalog keeps its title

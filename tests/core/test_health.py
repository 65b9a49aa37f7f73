"""/healthz names every dependency and which one fails."""

from types import SimpleNamespace

import pytest
import requests
from django.conf import settings
from django.test import override_settings

from tests.stream.conftest import private_redis  # noqa: F401  (a fixture)
from tests.support.processes import daphne_start

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.embedded
@pytest.mark.django_db
def test_healthz_answers_200_naming_each_dependency(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    expected = {"database", "cache", "channel_layer"} | ({"broker"} if settings.REDIS_URL else set())
    assert set(body["checks"]) == expected
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.embedded
@pytest.mark.django_db
def test_healthz_answers_503_naming_a_dead_cache(client):
    dead_cache = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}
    }
    with override_settings(CACHES=dead_cache):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"]["ok"] is True
    assert "error" in body["checks"]["cache"]


@pytest.mark.django_db
def test_healthz_names_a_dead_broker(client, redis_url, settings):
    settings.REDIS_URL = redis_url
    from cinestream.celery import app

    app.conf.broker_url, working = DEAD_REDIS, app.conf.broker_url
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = working

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


@pytest.fixture
def health_server(private_redis, transactional_db):  # noqa: F811  (the imported fixture)
    """A Daphne whose cache, channel layer and broker all use a private Redis; yields both."""
    redis, port = private_redis()
    server, url = daphne_start(settings.DATABASES["default"], REDIS_URL=f"redis://127.0.0.1:{port}/0")
    yield SimpleNamespace(url=url, redis=redis, port=port, restart=private_redis)
    server.stop()


def healthz(url: str) -> tuple[int, list[str]]:
    reply = requests.get(url + "/healthz", timeout=30)
    return reply.status_code, reply.json()["failing"]


def test_healthz_fails_while_redis_is_down_and_is_ok_on_the_first_check_after(health_server):
    assert healthz(health_server.url) == (200, [])

    health_server.redis.stop()
    assert healthz(health_server.url) == (503, ["cache", "channel_layer", "broker"])

    health_server.restart(health_server.port)
    assert healthz(health_server.url) == (200, [])


def test_healthz_is_ok_on_the_first_check_after_a_redis_restart_it_did_not_see(health_server):
    assert healthz(health_server.url) == (200, [])  # every pool now holds a connection

    health_server.redis.stop()
    health_server.restart(health_server.port)

    assert healthz(health_server.url) == (200, [])

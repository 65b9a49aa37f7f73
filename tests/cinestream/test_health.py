"""/healthz names every dependency and which one fails."""

import pytest
from django.test import override_settings

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

"""The register → score flow through a real Celery worker, on Redis and on RabbitMQ.

A Daphne process takes the registration and enqueues the task on the broker; a worker
process fetches TMDB (the stand-in) and computes the score. Each test has its own queue:
the brokers on this machine are shared.
"""

import json
import socket
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from apps.trends.models import Registration, TrendScore
from tests.conftest import service_missing
from tests.standins.tmdb import FIGHT_CLUB_IMDB, FIGHT_CLUB_TMDB, V3_KEY
from tests.support.processes import VENV_BIN, WatchedProcess, daphne_start, server_environment
from tests.support.scraping import eventually

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 5672), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request, redis_url: str) -> str:
    if request.param == "redis":
        return redis_url
    if not _reachable(RABBITMQ_URL):
        service_missing(f"needs RabbitMQ at {RABBITMQ_URL} (.ci/run starts it)")
    return RABBITMQ_URL


@pytest.mark.django_db(transaction=True)
def test_a_registration_is_fetched_and_scored_by_a_worker(broker_url, tmdb_standin, trends_isolated):
    queue = f"test-trends-{uuid.uuid4().hex[:8]}"
    env = {
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "REDIS_URL": settings.REDIS_URL,
        "TMDB_BASE_URL": tmdb_standin.base_url,
        "TMDB_API_KEY": V3_KEY,
        "TMDB_REQUESTS_PER_SECOND": "0",
        "TRENDS_REDIS_PREFIX": trends_isolated,
    }
    database = settings.DATABASES["default"]
    worker = WatchedProcess(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "cinestream",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
        ],
        env=server_environment(database, **env),
        name=f"celery:{queue}",
    )
    server = None
    try:
        worker.wait_for_line(r"ready\.", timeout=60)
        server, url = daphne_start(database, **env)
        request = urllib.request.Request(
            f"{url}/api/movies/register",
            data=json.dumps({"tmdb_id": FIGHT_CLUB_TMDB}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 202
            registration_id = json.load(answer)["id"]

        eventually(lambda: Registration.objects.get(pk=registration_id).status == "ready", timeout=30)
        eventually(lambda: TrendScore.objects.filter(title__imdb_id=FIGHT_CLUB_IMDB).exists(), timeout=30)
        assert f"/3/movie/{FIGHT_CLUB_TMDB}" in {seen.path for seen in tmdb_standin.requests_seen()}
    finally:
        if server is not None:
            server.stop()
        worker.stop()
        _queue_delete(broker_url, queue)


def _queue_delete(broker_url: str, queue: str) -> None:
    from kombu import Connection

    with Connection(broker_url, connect_timeout=5) as connection:
        connection.default_channel.queue_delete(queue)

"""What a view counted survives: two server processes at once, a Redis restart."""

import http.client
import json
import signal
import sys
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import override_settings

from apps.trends.models import TitleViews
from apps.trends.services import view_count, views_flush
from tests.factories.catalog import TitleFactory
from tests.support.processes import WatchedProcess, clients_on_servers, free_port, server_environment
from tests.support.scraping import eventually

VIEWS = 10_000
CLIENTS = 20


def _flushed(title) -> int:
    return sum(TitleViews.objects.filter(title=title).values_list("views", flat=True))


def _post_views(url: str, count: int, body: bytes, accepted: list[int]) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    done = 0
    try:
        for number in range(1, count + 1):
            try:
                connection.request("POST", "/api/movies/view", body, headers)
                answer = connection.getresponse()
                answer.read()
            except OSError as exc:
                port = connection.sock.getsockname()[1] if connection.sock else None
                raise OSError(f"request {number} of {count}, from port {port}: {exc!r}") from exc
            done += answer.status == 202
    finally:
        connection.close()
        accepted.append(done)


@pytest.mark.django_db(transaction=True)
def test_views_from_parallel_clients_on_two_servers_are_all_counted(redis_url, trends_isolated):
    title = TitleFactory(tmdb_id=27205)
    env = {"REDIS_URL": redis_url, "TRENDS_REDIS_PREFIX": trends_isolated}
    body = json.dumps({"tmdb_id": 27205}).encode()
    accepted = clients_on_servers(
        lambda url, count, done: _post_views(url, count, body, done), total=VIEWS, clients=CLIENTS, env=env
    )

    views_flush()

    assert accepted == VIEWS
    assert _flushed(title) == VIEWS


def _redis_start(directory, port: int) -> WatchedProcess:
    server = WatchedProcess(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            str(directory),
        ],
        name=f"redis:{port}",
    )
    server.wait_for_line(r"Ready to accept connections", timeout=20)
    return server


@pytest.mark.django_db
def test_views_acknowledged_by_a_persisting_redis_survive_its_restart(tmp_path, client):
    """The guarantee of docs/architecture.md: with appendfsync always, an acknowledged view is on disk."""
    title = TitleFactory(tmdb_id=27205)
    port = free_port()
    redis_server = _redis_start(tmp_path, port)
    try:
        with override_settings(REDIS_URL=f"redis://127.0.0.1:{port}/0"):
            for _ in range(5):
                view_count(title_id=title.pk)
            redis_server.stop(signal.SIGKILL)  # no goodbye: only what was fsynced is left
            redis_server = _redis_start(tmp_path, port)

            views_flush()
    finally:
        redis_server.stop()

    assert _flushed(title) == 5


@pytest.mark.django_db
def test_a_view_redis_cannot_take_is_refused_not_acknowledged(client):
    TitleFactory(tmdb_id=27205)

    with override_settings(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0"):
        answer = client.post("/api/movies/view", {"tmdb_id": 27205}, content_type="application/json")

    assert answer.status_code == 503
    assert answer.json()["code"] == "views_unavailable"


@pytest.mark.django_db(transaction=True)
def test_a_flush_killed_midway_loses_and_doubles_nothing(redis_url, postgres, trends_isolated):
    """The flush process is killed (SIGKILL) after taking its batch, while its transaction waits."""
    import psycopg
    import redis

    title = TitleFactory()
    for _ in range(7):
        view_count(title_id=title.pk)
    database = settings.DATABASES["default"]
    env = server_environment(database, REDIS_URL=redis_url, TRENDS_REDIS_PREFIX=trends_isolated)
    client = redis.Redis.from_url(redis_url)
    dsn = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(dsn) as blocker, psycopg.connect(dsn, autocommit=True) as watcher:
        # The flush's first write (its batch key) waits behind this lock until the kill.
        blocker.execute("LOCK TABLE trends_appliedflush IN ACCESS EXCLUSIVE MODE")
        flusher = WatchedProcess(
            [sys.executable, "manage.py", "shell", "-c", FLUSH],
            env=env,
            name="flush",
        )
        try:
            eventually(lambda: list(client.scan_iter(match=f"{trends_isolated}:views:batch:*")), timeout=60)
            eventually(lambda: _waiting_on_lock(watcher), timeout=30)
        finally:
            flusher.stop(signal.SIGKILL)
        blocker.rollback()
    view_count(title_id=title.pk)  # a view after the crash, in a new live hash

    views_flush()
    views_flush()

    assert _flushed(title) == 8


FLUSH = "from apps.trends.services import views_flush; views_flush()"


def _waiting_on_lock(connection) -> bool:
    # Asked outside any transaction: pg_stat_activity is a snapshot within one.
    row = connection.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%appliedflush%'"
    ).fetchone()
    return row[0] > 0

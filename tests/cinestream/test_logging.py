"""Production logs: one JSON object per line, each request with an id its Celery tasks carry on."""

import json

import pytest
import requests
import structlog
from django.conf import settings

from apps.stream.tasks import events_prune_task
from tests.support.processes import VENV_BIN, WatchedProcess, daphne_start, server_environment


@pytest.mark.embedded
def test_web_requests_log_one_json_object_per_line_with_a_request_id(transactional_db):
    server, url = daphne_start(settings.DATABASES["default"], LOG_FORMAT="json")
    try:
        response = requests.get(url + "/catalog/", timeout=10)
        assert response.status_code == 200
        finished = server.wait_for_line(r'"event": "request_finished"')
    finally:
        server.stop()

    record = json.loads(finished.string)
    assert record["request"] == "GET /catalog/"
    assert record["code"] == 200
    assert len(record["request_id"]) >= 32
    assert record["level"] == "info"


def test_celery_task_started_by_a_request_logs_the_same_request_id(redis_url, transactional_db):
    worker = WatchedProcess(
        [str(VENV_BIN / "celery"), "-A", "cinestream", "worker", "--pool", "solo", "--loglevel", "INFO"],
        env=server_environment(settings.DATABASES["default"], LOG_FORMAT="json"),
        name="celery-worker",
    )
    try:
        worker.wait_for_line(r"ready", timeout=60)
        structlog.contextvars.bind_contextvars(request_id="req-3f2a9c")
        try:
            result = events_prune_task.delay()
        finally:
            structlog.contextvars.unbind_contextvars("request_id")

        assert result.get(timeout=30) == 0
        started = worker.wait_for_line(r'"event": "task_succeeded"', timeout=30)
    finally:
        worker.stop()

    assert json.loads(started.string)["request_id"] == "req-3f2a9c"


@pytest.mark.embedded
@pytest.mark.parametrize(
    "message",
    [
        "Retrying (Retry(total=2)) after connection broken: /3/find/tt0137523?api_key=0123abcd&external_source=imdb_id",
        "POST /v1beta/models/gemini-3.5-flash:generateContent?key=AIzaSyA-secret",
        "headers {'x-goog-api-key': 'AIzaSyA-secret', 'Authorization': 'Bearer eyJhbGciOi.secret.sig'}",
    ],
)
def test_api_keys_in_a_library_log_line_are_redacted(message):
    import logging

    formatter = logging.getLogger().handlers[0].formatter  # the configured LOGGING's
    record = logging.LogRecord("urllib3.connectionpool", logging.WARNING, __file__, 1, message, None, None)

    written = formatter.format(record)
    assert "[redacted]" in written
    for secret in ("0123abcd", "AIzaSyA-secret", "eyJhbGciOi.secret.sig"):
        assert secret not in written
    assert "external_source=imdb_id" in written or "api_key" not in message

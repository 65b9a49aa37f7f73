"""The published API schema says what the server does: schemathesis over every operation."""

import subprocess
import uuid
from pathlib import Path

import pytest
import requests
from django.conf import settings

from apps.catalog.pipeline.enrich import movie_payloads
from apps.stream.services import publish, publish_many
from tests.factories.catalog import TitleFactory
from tests.support.processes import VENV_BIN, daphne_start

pytestmark = pytest.mark.embedded

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def api_server(transactional_db):
    """Daphne over a log of real movie events, so replies and replays carry real payloads."""
    titles = [TitleFactory(genres=["Drama"], directors=["Frank Darabont"]) for _ in range(3)]
    publish_many("movie", movie_payloads([title.pk for title in titles]))
    publish("trend", {"window": "day", "titles": [titles[0].imdb_id]})
    server, url = daphne_start(
        settings.DATABASES["default"],
        # Every generated stream request must be answered, not refused as one too many.
        STREAM_MAX_PER_IP="1000",
        STREAM_REDIS_CHANNEL=f"cinestream-test-{uuid.uuid4().hex[:8]}",
    )
    yield url
    server.stop()


def test_schemathesis_finds_nothing_wrong_in_any_operation(api_server, tmp_path):
    operations = requests.get(api_server + "/api/openapi.json", timeout=10).json()["paths"]
    assert set(operations) == {"/api/events", "/api/movies/stream"}  # a new one is covered too

    run = subprocess.run(
        [
            str(VENV_BIN / "st"),
            "--config-file",
            str(CONFIG),
            "run",
            api_server + "/api/openapi.json",
            "--checks",
            "all",
            "--no-color",
        ],
        cwd=tmp_path,  # where it keeps its example database
        capture_output=True,
        text=True,
        timeout=240,
    )

    report = run.stdout[-8000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "2 selected / 2 total" in run.stdout, report
    assert "No issues found" in run.stdout, report

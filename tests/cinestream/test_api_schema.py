"""The published API schema says what the server does: schemathesis over every operation."""

import datetime as dt
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.test import override_settings

from apps.catalog.pipeline.enrich import movie_payloads
from apps.showtimes.models import Location
from apps.stream.services import publish, publish_many
from apps.trends import boards as trend_boards
from apps.trends.services import scores_recompute
from tests.factories.catalog import PersonFactory, TitleFactory
from tests.factories.showtimes import LocationFactory
from tests.support.processes import VENV_BIN, daphne_start

pytestmark = pytest.mark.embedded

CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def trend_boards_private() -> Iterator[str]:
    """Trend boards under a Redis prefix of this test's own, removed afterwards: boards left by
    another run name titles this test database never had."""
    prefix = f"test:trends:{uuid.uuid4().hex[:12]}"
    trend_boards._boards.clear()  # each is built with the prefix of its time
    with override_settings(TRENDS_REDIS_PREFIX=prefix):
        yield prefix
    trend_boards._boards.clear()
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


@pytest.fixture
def api_server(transactional_db, trend_boards_private):
    """Daphne over a log of real movie events, so replies and replays carry real payloads."""
    titles = [
        TitleFactory(
            imdb_id=f"tt011116{n}",
            genres=["Drama"],
            directors=[PersonFactory(imdb_id=f"nm000000{n}")],
            stars=[("Tim Robbins", ["Andy Dufresne"])],
            translations={"uk": {"title": f"Назва {n}", "overview": "Сюжет."}},
            recommendations=["tt0111162"],
            tmdb_id=27205 + n,
            sentiment_analysis={"plot_tone": "Dark", "keyword_score": 0.25},
            director_stats={"total_movies": 3, "average_rating": 8.1},
        )
        for n in range(1, 4)
    ]
    publish_many("movie", movie_payloads([title.pk for title in titles]))
    scores_recompute(title_ids=[title.pk for title in titles])
    LocationFactory(city="Kyiv", status=Location.Status.READY, covered_until=dt.date(2100, 1, 1))
    publish("trend", {"board": "global", "top": [{"imdb_id": titles[0].imdb_id, "score": 1.5}]})
    server, url = daphne_start(
        settings.DATABASES["default"],
        # Every generated stream request must be answered, not refused as one too many.
        STREAM_MAX_PER_IP="1000",
        STREAM_REDIS_CHANNEL=f"cinestream-test-{uuid.uuid4().hex[:8]}",
        TRENDS_REDIS_PREFIX=trend_boards_private,
    )
    yield url
    server.stop()


def test_schemathesis_finds_nothing_wrong_in_any_operation(api_server, tmp_path):
    operations = requests.get(api_server + "/api/openapi.json", timeout=10).json()["paths"]
    shared = {
        "/events",
        "/cities/{slug}",
        "/cities/{slug}/scrape",
        "/showtimes",
        "/movies/register",
        "/movies/register/{registration_id}",
        "/movies/view",
        "/search",
    }
    v1_only = {"/titles", "/titles/{imdb_id}", "/titles/{imdb_id}/trend", "/people/{imdb_id}", "/cities"}
    v1_only |= {"/trends", "/trends/genres/{genre}", "/trends/cities/{slug}"}
    assert set(operations) == {  # a new one is covered too
        "/api/movies/stream",
        *(f"/api{path}" for path in shared),
        *(f"/api/v1{path}" for path in shared | v1_only),
    }

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
    assert f"{len(operations)} selected / {len(operations)} total" in run.stdout, report
    assert "No issues found" in run.stdout, report

"""Many visitors asking for one uncovered city across two server processes start one run."""

from concurrent.futures import ThreadPoolExecutor

import requests
from django.conf import settings

from apps.showtimes.models import Location, ShowtimesRun
from tests.factories.showtimes import LocationFactory
from tests.showtimes.conftest import catalog_of
from tests.standins.gemini import FakeCity, gemini_serve
from tests.stream.conftest import private_redis  # noqa: F401  (a fixture)
from tests.support.processes import VENV_BIN, WatchedProcess, daphne_start, server_environment
from tests.support.scraping import eventually

REQUESTS = 120


def test_simultaneous_requests_across_two_processes_start_exactly_one_run(
    postgres,
    private_redis,  # noqa: F811  (the imported fixture)
    transactional_db,
):
    _redis, port = private_redis()
    city = FakeCity(cinemas=2, movies=3)
    catalog_of(city)
    LocationFactory(city="Kyiv", slug="kyiv")
    with gemini_serve(city=city, delay=0.05) as gemini:
        env = {
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "GEMINI_API_KEY": gemini.api_key,
            "GEMINI_BASE_URL": gemini.base_url,
            "SHOWTIMES_HORIZON_DAYS": "3",
        }
        database = settings.DATABASES["default"]
        servers = [daphne_start(database, **env) for _ in range(2)]
        worker = WatchedProcess(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "cinestream",
                "worker",
                "-c",
                "1",
                "-Q",
                "cinestream",
                "--without-mingle",
                "--without-gossip",
            ],
            env=server_environment(database, **env),
            name="celery-worker",
        )
        try:
            urls = [url for _server, url in servers]

            def ask(index: int) -> dict:
                reply = requests.post(f"{urls[index % 2]}/api/cities/kyiv/scrape", timeout=60)
                assert reply.status_code in (200, 202)
                return reply.json()

            with ThreadPoolExecutor(max_workers=32) as pool:
                try:
                    answers = list(pool.map(ask, range(REQUESTS)))
                except Exception as exc:  # with the servers' last words, which say why
                    tails = "\n".join(
                        f"--- {server.name}\n" + "\n".join(server.lines[-60:]) for server, _url in servers
                    )
                    raise AssertionError(f"{exc!r}\n{tails}") from exc

            assert sum(answer["is_queued"] for answer in answers) == 1
            eventually(lambda: Location.objects.get(slug="kyiv").status == Location.Status.READY, timeout=90)
            assert ShowtimesRun.objects.count() == 1
            assert ShowtimesRun.objects.get().sessions_added > 0
            for url in urls:
                assert requests.get(f"{url}/api/cities/kyiv", timeout=30).json()["status"] == "ready"
                assert requests.post(f"{url}/api/cities/kyiv/scrape", timeout=30).status_code == 200
        finally:
            worker.stop()
            for server, _url in servers:
                server.stop()

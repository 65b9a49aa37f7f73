"""The rendered deployment, live without systemd: 12 Daphne processes started with the units'
ExecStart lines, the Celery worker, and nginx with the rendered configuration on a loopback port."""

import json
import re
import signal
import socket
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import redis
import requests
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from websockets.sync.client import connect

from apps.catalog.models import EnrichPending, Title
from apps.showtimes.models import Location
from cinestream.celery import app as celery_app
from tests.cinestream.test_site_browser import _RECORD_CSP_VIOLATIONS
from tests.conftest import service_missing
from tests.deploy.live import Deployment, SourceAdapter, database_url, loopback_clients
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import SessionFactory
from tests.support.browser import visible
from tests.support.scraping import eventually
from tests.support.sse import SseClient

PREFIX = "/cinestream"
# Redis carries the events between the processes; CI's embedded run leaves these out.
pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None) -> Iterator[Deployment]:
    if not settings.REDIS_URL:
        service_missing("needs Redis (events between processes): set REDIS_URL=redis://127.0.0.1:6379/0")
    queue = f"deploy-test-{uuid.uuid4().hex[:8]}"
    deployment = Deployment(
        tmp_path_factory.mktemp("live") / "root",
        {
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "STREAM_REDIS_CHANNEL": queue,
            "STREAM_POLL_SECONDS": "60",  # events must come through Redis, not polling
            "TRENDS_REDIS_PREFIX": queue,
            "LOG_FORMAT": "console",
        },
    )
    try:
        deployment.render()
        deployment.daphne_start()
        deployment.worker_start()
        deployment.nginx_start()
        deployment.queue = queue
        yield deployment
    finally:
        deployment.stop()


@dataclass
class Shown:
    title: Title
    city: Location


@pytest.fixture
def shown(deployment: Deployment, transactional_db: None) -> Shown:
    """A title with a session in a covered city, committed so that the processes see it."""
    session = SessionFactory(movie__title=TitleFactory(primary_title="Deployed Dune"))
    return Shown(title=session.movie.title, city=session.movie.location)


def page(deployment: Deployment, path: str, source: str = "127.0.0.1", **kwargs) -> requests.Response:
    with requests.Session() as session:
        session.mount("http://", SourceAdapter(source))
        return session.get(deployment.base_url + path, timeout=30, **kwargs)


def local_paths(html: str) -> list[str]:
    return re.findall(r'(?:href|src|action|data-stream-url)="(/[^"]*)"', html)


def test_pages_links_static_files_and_admin_work_under_the_prefix(deployment, shown):
    root = page(deployment, "/", allow_redirects=False)
    assert root.status_code == 302
    assert root.headers["Location"].endswith("/cinestream/")

    home = page(deployment, f"{PREFIX}/")
    assert home.status_code == 200
    paths = local_paths(home.text)
    assert paths
    assert all(path.startswith(f"{PREFIX}/") for path in paths), paths
    assert f'data-stream-url="{PREFIX}/api/movies/stream"' in home.text

    title = page(deployment, f"{PREFIX}/catalog/{shown.title.imdb_id}/")
    assert title.status_code == 200
    assert "Deployed Dune" in title.text
    catalog = page(deployment, f"{PREFIX}/catalog/")
    assert catalog.status_code == 200
    assert "Deployed Dune" in catalog.text
    city = page(deployment, f"{PREFIX}/showtimes/{shown.city.slug}/")
    assert city.status_code == 200
    assert "Deployed Dune" in city.text
    assert all(path.startswith(f"{PREFIX}/") for path in local_paths(city.text))

    stylesheet = next(path for path in paths if path.endswith(".css"))
    static = page(deployment, stylesheet, headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200
    # nginx's own header (WhiteNoise would say max-age=315360000): served from disk by nginx.
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.headers["Content-Encoding"] == "gzip"

    admin = page(deployment, f"{PREFIX}/admin/", allow_redirects=False)
    assert admin.headers["Location"] == f"{PREFIX}/admin/login/?next={PREFIX}/admin/"
    # The admin's login sends staff to the site's sign-in (then TOTP), all under the prefix.
    login = page(deployment, admin.headers["Location"])
    assert login.status_code == 200
    assert login.url.startswith(f"{deployment.base_url}{PREFIX}/accounts/login/")
    assert 'name="login"' in login.text
    assert all(path.startswith(f"{PREFIX}/") for path in local_paths(login.text))
    assert page(deployment, f"{PREFIX}/static/admin/css/base.css").status_code == 200


def test_a_browser_gets_the_pages_and_the_live_feed_under_the_prefix_within_the_csp(
    deployment, shown, browser
):
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _RECORD_CSP_VIOLATIONS})
    pages = {
        f"{PREFIX}/catalog/": lambda: visible(browser, "page-title"),
        f"{PREFIX}/catalog/{shown.title.imdb_id}/": lambda: visible(browser, "brand"),
        f"{PREFIX}/showtimes/{shown.city.slug}/": lambda: visible(browser, "brand"),
        f"{PREFIX}/admin/login/": lambda: browser.find_element(By.ID, "id_login"),
        f"{PREFIX}/api/docs": lambda: WebDriverWait(browser, 15).until(
            ec.visibility_of_element_located((By.CSS_SELECTOR, ".opblock-summary"))
        ),
    }
    for path, ready in pages.items():
        browser.get(deployment.base_url + path)
        ready()
        assert browser.execute_script("return window.cspViolations") == [], path

    browser.get(deployment.base_url + f"{PREFIX}/")
    # The page's EventSource opened the prefixed stream through nginx.
    WebDriverWait(browser, 20).until(
        lambda driver: visible(driver, "live-feed-status").get_attribute("data-state") == "live"
    )
    assert browser.execute_script("return window.cspViolations") == []
    # The stylesheet came from /cinestream/static/ (its rules are readable: same origin, loaded).
    rules = browser.execute_script(
        "return [...document.styleSheets].map(sheet => [sheet.href, sheet.cssRules.length])"
    )
    assert rules
    assert all(
        href.startswith(f"{deployment.base_url}{PREFIX}/static/") and count > 0 for href, count in rules
    )


def test_one_client_keeps_hitting_one_backend_and_clients_spread(deployment, transactional_db):
    first, *others = loopback_clients(12)
    backends = {deployment.upstream_of(first) for _ in range(20)}
    assert len(backends) == 1

    spread = {deployment.upstream_of(source) for source in others}
    assert len(spread) >= 3, spread


def clients_on_two_backends(deployment: Deployment) -> tuple[tuple[str, int], tuple[str, int]]:
    seen: dict[int, str] = {}
    for source in loopback_clients(40):
        seen.setdefault(deployment.upstream_of(source), source)
        if len(seen) == 2:
            (port_a, a), (port_b, b) = seen.items()
            return (a, port_a), (b, port_b)
    raise AssertionError("every client went to one backend")


def websocket_from(deployment: Deployment, source: str):
    sock = socket.create_connection(("127.0.0.1", deployment.http_port), source_address=(source, 0))
    url = f"ws://127.0.0.1:{deployment.http_port}{PREFIX}/ws/movies/"
    return connect(url, sock=sock, open_timeout=10)


def worker_event(deployment: Deployment, title: Title) -> None:
    """The worker finishes a pending enrichment, which publishes the title's event."""
    Title.objects.filter(pk=title.pk).update(enrich_pending=EnrichPending.TITLE)
    celery_app.send_task("apps.catalog.tasks.pending_enrich_task", queue=deployment.queue)


def streams_listening(deployment: Deployment, count: int) -> None:
    """Wait until `count` Daphne processes listen for events on Redis (each does once it streams)."""
    probe = redis.Redis.from_url(settings.REDIS_URL)
    eventually(
        lambda: dict(probe.pubsub_numsub(deployment.queue))[deployment.queue.encode()] >= count, timeout=10
    )


def test_worker_events_reach_clients_on_different_backends_and_survive_one_process_dying(deployment, shown):
    (sse_source, sse_port), (ws_source, ws_port) = clients_on_two_backends(deployment)
    stream = SseClient(deployment.base_url, f"{PREFIX}/api/movies/stream", source_address=sse_source)
    replacement = None
    try:
        assert stream.status == 200
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        with websocket_from(deployment, ws_source) as websocket:
            websocket.send(json.dumps({"type": "subscribe"}))
            streams_listening(deployment, 2)
            assert deployment.last_upstream(sse_source) == sse_port
            assert sse_port != ws_port

            worker_event(deployment, shown.title)
            (event,) = stream.wait_for(1, timeout=60)
            assert event.data["id"] == shown.title.imdb_id
            assert json.loads(websocket.recv(timeout=30))["id"] == event.id

            # The SSE client's process dies: its stream ends, and nothing else notices.
            deployment.daphnes[sse_port].stop(signal.SIGKILL)
            stream.wait_for_end()
            with ThreadPoolExecutor(8) as pool:
                answers = list(
                    pool.map(lambda source: page(deployment, f"{PREFIX}/", source), loopback_clients(40))
                )
            assert [answer.status_code for answer in answers] == [200] * 40
            assert deployment.last_upstream(sse_source) != sse_port
            assert deployment.last_upstream(ws_source) == ws_port
            # The EventSource reconnects (to another process) and resumes after the last id.
            replacement = SseClient(
                deployment.base_url, f"{PREFIX}/api/movies/stream", event.id, source_address=sse_source
            )
            assert replacement.status == 200

            worker_event(deployment, shown.title)
            after = json.loads(websocket.recv(timeout=60))
            assert after["id"] > event.id
            assert replacement.wait_for(1, timeout=30)[0].id == after["id"]
    finally:
        stream.close()
        if replacement:
            replacement.close()

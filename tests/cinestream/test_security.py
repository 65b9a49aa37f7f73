"""Security headers on every kind of response, and the host checks of the stream and the socket."""

import json
import socket
import uuid
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support.processes import daphne_start
from tests.support.sse import SseClient

pytestmark = pytest.mark.embedded

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Daphne allowing one stream per client, so a second one gets the stream's 429."""
    with django_db_blocker.unblock():
        process, url = daphne_start(
            settings.DATABASES["default"],
            STREAM_MAX_PER_IP="1",
            STREAM_REDIS_CHANNEL=f"cinestream-test-{uuid.uuid4().hex[:8]}",
        )
    try:
        yield url
    finally:
        process.stop()


def assert_secured(headers) -> None:
    for name in SECURITY_HEADERS:
        assert name in headers, f"{name} missing"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "https://m.media-amazon.com" in policy
    assert "https://image.tmdb.org" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/catalog/", 200),
        ("/admin/login/", 200),
        ("/api/events", 200),
        ("/api/events?types=nonsense", 400),
        ("/api/openapi.json", 200),
        ("/api/docs", 200),
        ("/static/css/site.css", 200),
        ("/static/ninja/swagger-ui-bundle.js", 200),
        ("/no-such-page/", 404),
        ("/healthz", 200),
    ],
)
def test_every_response_carries_the_security_headers(server, transactional_db, path, status):
    reply = requests.get(server + path, timeout=10)

    assert reply.status_code == status
    assert_secured(reply.headers)


def test_the_streams_replies_carry_the_security_headers(server, transactional_db):
    stream = SseClient(server)
    try:
        assert stream.status == 200
        assert_secured(stream.headers)

        over_cap = requests.get(server + "/api/movies/stream", timeout=10)
        bad_filter = requests.get(server + "/api/movies/stream?decade=soon", timeout=10)
        wrong_method = requests.post(server + "/api/movies/stream", timeout=10)
    finally:
        stream.close()

    assert over_cap.status_code == 429
    assert bad_filter.status_code == 400
    assert wrong_method.status_code == 405
    for reply in (over_cap, bad_filter, wrong_method):
        assert_secured(reply.headers)


def test_the_stream_refuses_a_foreign_host_like_the_pages_do(server, transactional_db):
    foreign = {"Host": "evil.example"}

    page = requests.get(server + "/", headers=foreign, timeout=10)
    stream = requests.get(server + "/api/movies/stream", headers=foreign, timeout=10)

    assert page.status_code == 400
    assert stream.status_code == 400
    assert stream.json()["code"] == "disallowed_host"
    assert "evil.example" in stream.json()["message"]
    assert_secured(stream.headers)


def test_the_stream_serves_an_allowed_host(server, transactional_db):
    port = server.rsplit(":", 1)[1]
    stream = SseClient(server, path="/api/movies/stream")
    try:
        assert stream.status == 200
    finally:
        stream.close()
    named = requests.get(
        server + "/api/movies/stream?types=nonsense", headers={"Host": f"localhost:{port}"}, timeout=10
    )
    assert named.status_code == 400  # past the host check, refused for its filter
    assert named.json()["code"] != "disallowed_host"


def socket_url(server: str) -> str:
    return server.replace("http://", "ws://") + "/ws/movies/"


def test_the_socket_refuses_a_foreign_host(server, transactional_db):
    port = int(server.rsplit(":", 1)[1])
    # The server's own address, asked for under another name (as a rebinding DNS would).
    with pytest.raises(InvalidStatus) as refused:
        connect(
            f"ws://evil.example:{port}/ws/movies/",
            sock=socket.create_connection(("127.0.0.1", port)),
            open_timeout=10,
        )

    assert refused.value.response.status_code == 403


def test_the_socket_refuses_a_page_of_another_site(server, transactional_db):
    with pytest.raises(InvalidStatus) as refused:
        connect(socket_url(server), origin="http://evil.example", open_timeout=10)

    assert refused.value.response.status_code == 403


@pytest.mark.parametrize("origin", [None, "own"])
def test_the_socket_serves_its_own_pages_and_clients_without_an_origin(server, transactional_db, origin):
    own_origin = server if origin == "own" else None

    with connect(socket_url(server), origin=own_origin, open_timeout=10) as stream:
        stream.send(json.dumps({"type": "subscribe"}))

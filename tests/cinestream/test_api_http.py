"""What every /api/ reply shares: JSON errors, ETag/If-None-Match, the write limit, CORS."""

import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from ninja import NinjaAPI
from ninja.testing import TestClient

from cinestream import api_throttle
from cinestream.api_errors import handlers_install
from tests.factories.catalog import TitleFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def _address() -> str:
    """A client address of the test's own, so counts in a shared cache (Redis) never meet."""
    number = uuid.uuid4().int
    return f"10.{number % 250}.{number // 250 % 250}.{number // 62500 % 250 + 1}"


# --- Errors ------------------------------------------------------------------


def _length_is_the_bodys(reply) -> bool:
    """A client reads exactly Content-Length bytes: a longer one leaves it waiting for bytes
    that never come, a shorter one makes the rest of the body the next reply's start."""
    return int(reply["Content-Length"]) == len(reply.content)


@pytest.mark.parametrize(
    "path", ["/api/nothing-here", "/api/v1/", "/api/v1/titles/tt0111161/nope", "/api/v2/titles"]
)
def test_an_unknown_api_path_is_a_json_404(client, path):
    reply = client.get(path)

    assert reply.status_code == 404
    assert reply["Content-Type"].startswith("application/json")
    assert reply.json()["code"] == "not_found"
    assert reply.json()["message"]
    assert _length_is_the_bodys(reply)


def test_a_page_that_is_not_found_stays_html(client):
    reply = client.get("/no-such-page/")

    assert reply.status_code == 404
    assert reply["Content-Type"].startswith("text/html")


def test_a_method_a_path_does_not_take_is_a_json_405_naming_the_allowed_ones(client):
    reply = client.delete("/api/v1/titles")

    assert reply.status_code == 405
    assert reply.json()["code"] == "method_not_allowed"
    assert reply["Allow"] == "GET"
    assert _length_is_the_bodys(reply)


def test_a_body_that_is_not_json_is_a_json_400_in_the_clients_language(client):
    def post() -> dict:
        reply = client.post(
            "/api/v1/movies/view", "{not json", content_type="application/json", REMOTE_ADDR=_address()
        )
        assert reply.status_code == 400
        return reply.json()

    assert post() == {"code": "bad_request", "message": "Тіло запиту не є коректним JSON."}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert post() == {"code": "bad_request", "message": "The request body is not valid JSON."}


def test_a_body_field_that_fails_is_named_without_the_handlers_parameter(client):
    reply = client.post(
        "/api/v1/movies/view", {"imdb_id": "tt1"}, content_type="application/json", REMOTE_ADDR=_address()
    )

    assert reply.status_code == 422
    (problem,) = reply.json()["errors"]
    assert (problem["field"], problem["in"]) == ("imdb_id", "body")
    assert reply.json()["message"].startswith("imdb_id: ")


@override_settings(DEBUG=True)
def test_a_server_error_is_json_without_a_traceback_even_in_debug():
    api = NinjaAPI(urls_namespace=f"broken-{uuid.uuid4().hex}")
    handlers_install(api)

    @api.get("/broken")
    def broken(request):
        raise RuntimeError("secret detail of the failure")

    reply = TestClient(api).get("/broken")

    assert reply.status_code == 500
    assert reply.json()["code"] == "server_error"
    assert "secret detail" not in reply.content.decode()
    assert "Traceback" not in reply.content.decode()


def test_an_error_that_escapes_the_api_is_a_json_500_of_the_length_it_says(client, monkeypatch):
    """A failure before the handler runs (the write limit's check) reaches Django's own 500."""

    def failing(**_counter):
        raise RuntimeError("secret detail of the failure")

    monkeypatch.setattr(api_throttle, "writes_count", failing)
    client.raise_request_exception = False

    reply = client.post(
        "/api/v1/movies/view", {"tmdb_id": 1}, content_type="application/json", REMOTE_ADDR=_address()
    )

    assert reply.status_code == 500
    assert reply.json()["code"] == "server_error"
    assert "secret detail" not in reply.content.decode()
    assert _length_is_the_bodys(reply)


# --- ETag / If-None-Match ----------------------------------------------------


def test_a_read_sends_an_etag_and_answers_a_matching_if_none_match_with_304(client):
    TitleFactory(primary_title="Alpha")
    first = client.get("/api/v1/titles")
    etag = first["ETag"]

    again = client.get("/api/v1/titles", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_a_changed_reply_gets_a_new_etag_and_the_full_body(client):
    TitleFactory(primary_title="Alpha")
    etag = client.get("/api/v1/titles")["ETag"]
    TitleFactory(primary_title="Bravo")

    reply = client.get("/api/v1/titles", HTTP_IF_NONE_MATCH=etag)

    assert reply.status_code == 200
    assert reply["ETag"] != etag
    assert len(reply.json()["titles"]) == 2


def test_pages_outside_the_api_get_no_etag(client):
    assert not client.get("/catalog/").has_header("ETag")


# --- The write limit ---------------------------------------------------------


@override_settings(API_WRITE_RATE=(3, 60))
def test_writes_past_the_limit_get_429_with_retry_after_and_a_json_body(client):
    address = _address()
    body = {"imdb_id": TitleFactory().imdb_id}

    answers = [
        client.post("/api/v1/movies/view", body, content_type="application/json", REMOTE_ADDR=address)
        for _ in range(4)
    ]

    assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "rate_limited"
    # Both paths count alike: the same handler, the same limit.
    unversioned = client.post("/api/movies/view", body, content_type="application/json", REMOTE_ADDR=address)
    assert unversioned.status_code == 429


@override_settings(API_WRITE_RATE=(1, 60))
def test_the_limit_is_per_address_and_a_forwarded_for_header_does_not_escape_it(client):
    address, other = _address(), _address()
    body = {"imdb_id": TitleFactory().imdb_id}

    def post(remote: str, **headers: str) -> int:
        reply = client.post(
            "/api/v1/movies/view", body, content_type="application/json", REMOTE_ADDR=remote, **headers
        )
        return reply.status_code

    assert post(address) == 202
    assert post(address, HTTP_X_FORWARDED_FOR=_address()) == 429
    assert post(other) == 202


@override_settings(API_WRITE_RATE=(1, 60))
def test_reads_are_not_limited(client):
    address = _address()

    statuses = {client.get("/api/v1/titles", REMOTE_ADDR=address).status_code for _ in range(5)}

    assert statuses == {200}


# --- CORS --------------------------------------------------------------------


def test_any_origin_may_read_the_api_without_credentials(client):
    reply = client.get("/api/v1/titles", HTTP_ORIGIN="https://elsewhere.example")

    assert reply["Access-Control-Allow-Origin"] == "*"
    assert not reply.has_header("Access-Control-Allow-Credentials")
    assert "etag" in reply["Access-Control-Expose-Headers"].lower()


def test_a_preflight_for_a_json_post_is_allowed(client):
    reply = client.options(
        "/api/v1/movies/view",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )

    assert reply.status_code == 200
    assert reply["Access-Control-Allow-Origin"] == "*"
    assert "POST" in reply["Access-Control-Allow-Methods"]
    assert "content-type" in reply["Access-Control-Allow-Headers"]


@override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=["https://app.example"])
def test_a_restricted_api_answers_only_the_allowed_origins(client):
    allowed = client.get("/api/v1/titles", HTTP_ORIGIN="https://app.example")
    other = client.get("/api/v1/titles", HTTP_ORIGIN="https://elsewhere.example")

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    assert not other.has_header("Access-Control-Allow-Origin")


def test_pages_outside_the_api_send_no_cors_headers(client):
    reply = client.get("/catalog/", HTTP_ORIGIN="https://elsewhere.example")

    assert not reply.has_header("Access-Control-Allow-Origin")


class _ClosedConnection:
    """A Redis client whose connection redis-py closed after a read timed out: the next read
    raises ValueError, not a RedisError."""

    def pipeline(self, **_options):
        raise ValueError("I/O operation on closed file.")


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_a_write_is_let_through_when_redis_loses_its_connection(monkeypatch):
    monkeypatch.setattr(api_throttle, "_redis", lambda _url: _ClosedConnection())

    assert api_throttle.writes_count(address="203.0.113.7") == 1

"""GET /api/movies/stream against a real Daphne process."""

import contextlib
import os
import signal
import socket
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection, transaction
from django.utils import timezone

from apps.stream.models import Event
from apps.stream.services import publish, publish_many
from tests.factories.stream import movie_payload as movie
from tests.factories.stream import movie_tags
from tests.support.sse import SseClient

pytestmark = pytest.mark.embedded


def test_stream_sends_each_event_with_id_type_and_json_data(stream_server):
    client = SseClient(stream_server)
    try:
        assert client.status == 200
        assert client.headers["Content-Type"].startswith("text/event-stream")
        assert "no-cache" in client.headers["Cache-Control"]
        assert client.headers["X-Accel-Buffering"] == "no"

        event = publish("movie", movie(111161, title="The Shawshank Redemption", rating=9.3))

        received = client.wait_for(1)[0]
        assert received.id == event.id
        assert received.event == "movie"
        assert received.data["title"] == "The Shawshank Redemption"
        assert received.data["rating"] == 9.3
    finally:
        client.close()


def test_stream_sends_a_retry_hint_and_heartbeats(stream_server):
    raw = requests.get(stream_server + "/api/movies/stream", stream=True, timeout=10)
    try:
        lines = raw.iter_lines(decode_unicode=True)
        assert next(lines) == "retry: 3000"
        assert ": heartbeat" in [next(lines) for _ in range(4)]
    finally:
        raw.close()


@pytest.mark.parametrize(
    ("query", "expected_titles"),
    [
        ("genre=comedy", ["Comedy 1980s"]),
        ("genre=Drama,Comedy", ["Drama 1990s", "Comedy 1980s"]),
        ("decade=1980", ["Comedy 1980s"]),
        ("decade=1990s&genre=drama", ["Drama 1990s"]),
        ("types=showtimes", ["Kyiv showtimes"]),
    ],
)
def test_filters_pass_only_matching_events(stream_server, query, expected_titles):
    client = SseClient(stream_server, f"/api/movies/stream?{query}")
    try:
        drama = movie(1, title="Drama 1990s")
        comedy = movie(2, title="Comedy 1980s", genre=["Comedy"], decade_category="1980s")
        publish("movie", drama, tags=movie_tags(drama))
        publish("movie", comedy, tags=movie_tags(comedy))
        publish("showtimes", {"title": "Kyiv showtimes", "city": "Kyiv"})
        last = publish("trend", {"title": "marker"})

        # A client without filters sees the marker; by then every filtered event has been decided.
        SseClient(stream_server, last_event_id=last.id - 1).wait_for(1)
        client.wait_for(len(expected_titles))
        assert [event.data["title"] for event in client.events] == expected_titles
    finally:
        client.close()


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("decade=nineties", "decade"),
        ("types=film", "types"),
        ("last_event_id=-4", "last_event_id"),
        ("gnre=x", "gnre"),
    ],
)
def test_invalid_request_gets_400_naming_the_problem(stream_server, query, named):
    response = requests.get(f"{stream_server}/api/movies/stream?{query}", timeout=10)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_stream_request"
    assert response.json()["message"].startswith(named)


def test_resume_replays_stored_events_then_goes_live(stream_server):
    seen = publish("movie", movie(1))
    missed = publish_many("movie", [movie(2), movie(3)])

    client = SseClient(stream_server, last_event_id=seen.id)
    try:
        client.wait_for(2)
        live = publish("movie", movie(4))
        client.wait_for(3)
        assert client.ids == [missed[0].id, missed[1].id, live.id]
    finally:
        client.close()


def test_resume_also_accepts_the_id_in_the_query(stream_server):
    seen, missed = publish("movie", movie(1)), publish("movie", movie(2))

    client = SseClient(stream_server, f"/api/movies/stream?last_event_id={seen.id}")
    try:
        assert [event.id for event in client.wait_for(1)] == [missed.id]
    finally:
        client.close()


def test_resume_from_an_expired_id_gets_a_reset(stream_server):
    expired = publish("movie", movie(1))
    publish_many("movie", [movie(2), movie(3)])
    Event.objects.filter(id__lte=expired.id + 1).update(created_at=timezone.now() - timedelta(days=30))
    Event.objects.filter(created_at__lt=timezone.now() - timedelta(days=7)).delete()

    client = SseClient(stream_server, last_event_id=expired.id)
    try:
        reset = client.wait_for(1)[0]
        assert reset.event == "reset"
        assert "reload" in reset.data["message"]
        live = publish("movie", movie(4))
        client.wait_for(2)
        assert client.ids == [live.id]
    finally:
        client.close()


def test_reader_never_skips_an_id_committed_after_a_later_one_was_taken(stream_server):
    client = SseClient(stream_server)
    a_published, a_may_commit = threading.Event(), threading.Event()

    def writer_a() -> None:
        with transaction.atomic():
            publish("movie", movie(1))
            a_published.set()
            a_may_commit.wait(10)
        connection.close()

    def writer_b() -> None:
        a_published.wait(10)
        publish("movie", movie(2))
        connection.close()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    try:
        for thread in threads:
            thread.start()
        a_published.wait(10)
        a_may_commit.set()
        for thread in threads:
            thread.join(10)
        events = client.wait_for(2)
        assert [event.data["id"] for event in events] == ["tt0000001", "tt0000002"]
        assert events[1].id == events[0].id + 1
    finally:
        client.close()


def test_too_many_streams_from_one_client_get_429(start_stream_server, private_channel):
    server = start_stream_server(STREAM_MAX_PER_IP="2", STREAM_REDIS_CHANNEL=private_channel)
    first, second = SseClient(server), SseClient(server)
    try:
        third = requests.get(server + "/api/movies/stream", timeout=10)
        assert third.status_code == 429
        assert int(third.headers["Retry-After"]) > 0
        assert third.json()["code"] == "too_many_streams"

        second.close()
        fourth = SseClient(server)
        assert fourth.status == 200
        fourth.close()
    finally:
        first.close()
        second.close()


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_a_client_that_stops_reading_is_cut_off_and_memory_stays_bounded(start_stream_server):
    server = start_stream_server(STREAM_BUFFER_EVENTS="64")
    daphne_pid = start_stream_server.processes[-1].process.pid
    reader = SseClient(server)
    host, port = urlsplit(server).hostname, urlsplit(server).port
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect((host, port))
    stalled.sendall(
        b"GET /api/movies/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    try:
        rss_before = _rss_kib(daphne_pid)
        plot = "x" * 30_000
        total = 0
        for batch in range(30):
            # Paced by the healthy reader, which never falls more than 20 events behind.
            total += len(publish_many("movie", [movie(batch * 20 + n, plot=plot) for n in range(20)]))
            reader.wait_for(total, timeout=30)
        rss_growth_mib = (_rss_kib(daphne_pid) - rss_before) / 1024

        # The stalled client was dropped: draining its socket reaches the end (or a reset)
        # well before it could have been sent the whole stream.
        stalled.settimeout(30)
        received, sent_in_all = 0, total * 30_000
        with contextlib.suppress(ConnectionResetError):
            while (chunk := stalled.recv(65536)) and received < sent_in_all / 4:
                received += len(chunk)
        assert received < sent_in_all / 4, "the stalled client was still being sent the stream"
        # 600 events of 30 KB went out; a server that buffered them for the stalled client would grow ~18 MiB.
        assert rss_growth_mib < 10, f"server grew {rss_growth_mib:.1f} MiB"
    finally:
        stalled.close()
        reader.close()


def test_sigterm_closes_streams_promptly(start_stream_server):
    server = start_stream_server()
    process = start_stream_server.processes[-1].process
    clients = [SseClient(server) for _ in range(3)]

    os.killpg(process.pid, signal.SIGTERM)

    assert process.wait(10) is not None
    for client in clients:
        client.wait_for_end(timeout=5)

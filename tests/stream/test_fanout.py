"""Across processes: one Redis message per event, every server delivers, Redis restarts lose nothing."""

import contextlib
import json

import redis
from django.conf import settings
from websockets.sync.client import connect

from apps.stream.services import publish
from tests.factories.stream import movie_payload as movie
from tests.support.processes import manage_run
from tests.support.sse import SseClient


def publish_count(client: redis.Redis) -> int:
    return client.info("commandstats").get("cmdstat_publish", {}).get("calls", 0)


def subscribed(client: redis.Redis, channel: str) -> int:
    return dict(client.pubsub_numsub(channel))[channel.encode()]


def test_event_from_a_command_reaches_every_client_on_two_servers_with_one_redis_message(
    start_stream_server, private_redis
):
    _redis, port = private_redis()
    redis_url = f"redis://127.0.0.1:{port}/0"
    # Polling so slow that only Redis can deliver within the test's waits.
    first = start_stream_server(REDIS_URL=redis_url, STREAM_POLL_SECONDS="60")
    second = start_stream_server(REDIS_URL=redis_url, STREAM_POLL_SECONDS="60")
    sse_clients = [SseClient(first) for _ in range(3)]
    with contextlib.ExitStack() as stack:
        sockets = [
            stack.enter_context(connect(second.replace("http://", "ws://") + "/ws/movies/", open_timeout=10))
            for _ in range(2)
        ]
        for socket in sockets:
            socket.send(json.dumps({"type": "subscribe"}))
        # A server answers a stream only once its hub listens on Redis.
        probe = redis.Redis(port=port)
        assert subscribed(probe, settings.STREAM_REDIS_CHANNEL) == 2
        publishes_before = publish_count(probe)
        try:
            result = manage_run(
                settings.DATABASES["default"],
                "stream_publish",
                "movie",
                json.dumps(movie(111161)),
                REDIS_URL=redis_url,
            )
            event_id = int(result.stdout.split()[2])

            for client in sse_clients:
                client.wait_for_id(event_id)
            for socket in sockets:
                assert json.loads(socket.recv(timeout=10))["id"] == event_id
            # One PUBLISH for the event, received once by each of the two processes.
            assert publish_count(probe) - publishes_before == 1
            assert subscribed(probe, settings.STREAM_REDIS_CHANNEL) == 2
        finally:
            for client in sse_clients:
                client.close()


def test_redis_restart_mid_stream_loses_nothing(start_stream_server, private_redis, settings):
    redis_process, port = private_redis()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    server = start_stream_server(REDIS_URL=settings.REDIS_URL, STREAM_POLL_SECONDS="1")
    client = SseClient(server)
    try:
        before = [publish("movie", movie(n)) for n in range(5)]
        client.wait_for_id(before[-1].id)

        redis_process.stop()
        during = [publish("movie", movie(n)) for n in range(5, 10)]
        private_redis(port)
        client.wait_for_id(during[-1].id, timeout=30)
        after = [publish("movie", movie(n)) for n in range(10, 15)]
        client.wait_for_id(after[-1].id, timeout=30)

        assert client.ids == [event.id for event in before + during + after]
    finally:
        client.close()

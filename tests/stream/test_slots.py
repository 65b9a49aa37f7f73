"""The per-address stream cap under bursts, against two Daphne processes sharing one Redis."""

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import redis

from apps.stream.slots import RedisSlots
from tests.support.scraping import eventually
from tests.support.sse import SseClient

CAP = 16
BURST = 300


@dataclass
class Reply:
    server: str
    status: int
    headers: dict[str, str]
    writer: asyncio.StreamWriter


async def _open_stream(server: str) -> Reply:
    """GET the stream over a raw socket and read the response head; the socket stays open."""
    host, port = urlsplit(server).hostname, urlsplit(server).port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /api/movies/stream HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
    return Reply(server, int(head[0].split()[1]), headers, writer)


async def _burst(servers: list[str], count: int) -> list[Reply]:
    """Open `count` streams at once, alternating between servers; all are closed afterwards."""
    replies = await asyncio.wait_for(
        asyncio.gather(*(_open_stream(servers[n % len(servers)]) for n in range(count))), timeout=60
    )
    for reply in replies:
        reply.writer.close()
    return replies


def burst(servers: list[str], count: int = BURST) -> list[Reply]:
    return asyncio.run(_burst(servers, count))


def assert_refused_with_retry_after(replies: list[Reply]) -> None:
    statuses = sorted({reply.status for reply in replies})
    assert set(statuses) <= {200, 429}, f"statuses {statuses}"
    for reply in replies:
        if reply.status == 429:
            assert int(reply.headers["retry-after"]) > 0


@pytest.fixture
def two_servers(start_stream_server, private_redis, private_channel):
    """Two Daphne processes sharing a private Redis whose slot pool per process is two connections."""
    redis_process, port = private_redis()
    env = {
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "STREAM_REDIS_CHANNEL": private_channel,
        "STREAM_MAX_PER_IP": str(CAP),
        "STREAM_SERVER_PROCESSES": "2",
        "STREAM_SLOTS_REDIS_CONNECTIONS": "2",
    }
    servers = [start_stream_server(**env), start_stream_server(**env)]
    probe = redis.Redis(port=port)
    for server in servers:  # each process's hub is up before the burst
        SseClient(server).close()
    eventually(lambda: not probe.zcard(f"{private_channel}:slots:127.0.0.1"), timeout=10)
    return servers, redis_process, probe


def test_a_burst_from_one_address_gets_at_most_the_cap_across_two_processes(two_servers):
    servers, _redis, _probe = two_servers

    replies = burst(servers)

    accepted = [reply.status for reply in replies].count(200)
    assert accepted == CAP, f"{accepted} of {BURST} streams admitted"
    assert_refused_with_retry_after(replies)


def test_a_refused_address_is_answered_without_a_redis_call_each(two_servers):
    servers, _redis, probe = two_servers
    calls_before = probe.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0)

    replies = burst(servers)

    calls = probe.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0) - calls_before
    assert [reply.status for reply in replies].count(200) == CAP
    # The cap's worth of admissions plus, per process, the first refusals before one is remembered.
    assert calls < 3 * CAP, f"{calls} Redis calls for {BURST} streams"


@pytest.mark.parametrize("failure", ["stopped", "frozen"])
def test_without_redis_each_process_admits_only_its_share(two_servers, failure):
    servers, redis_process, _probe = two_servers
    pid = redis_process.process.pid
    if failure == "stopped":
        redis_process.stop()
    else:
        os.kill(pid, signal.SIGSTOP)
    try:
        replies = burst(servers, 200)
    finally:
        if failure == "frozen":
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    for server in servers:
        accepted = [reply.status for reply in replies if reply.server == server].count(200)
        assert accepted == CAP // 2, f"{server} admitted {accepted} of {len(replies) // 2}"
    assert_refused_with_retry_after(replies)


def test_what_happened_while_redis_was_frozen_reaches_it_when_it_answers_again(private_redis):
    redis_process, port = private_redis()
    pid, ip = redis_process.process.pid, "10.0.0.1"

    async def scenario() -> list[bool]:
        slots = RedisSlots(
            f"redis://127.0.0.1:{port}/0", cap=4, share=2, prefix="slots", connections=2, timeout=0.3
        )
        try:
            assert [await slots.acquire(ip, token) for token in ("a", "b")] == [True, True]
            os.kill(pid, signal.SIGSTOP)
            try:
                await slots.release(ip, "b")  # cannot reach Redis; free here at once
                admitted = [await slots.acquire(ip, token) for token in ("c", "d")]
            finally:
                os.kill(pid, signal.SIGCONT)
            await slots.refresh()
            return admitted
        finally:
            slots.close()

    admitted = asyncio.run(scenario())

    # This process's share is 2: "a" (through Redis) and "c" (admitted while Redis was frozen).
    assert admitted == [True, False]
    assert sorted(redis.Redis(port=port).zrange(f"slots:{ip}", 0, -1)) == [b"a", b"c"]

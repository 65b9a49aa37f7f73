import shutil
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings

from tests.conftest import service_missing
from tests.support.processes import WatchedProcess, daphne_start, redis_server_start

# Short intervals so tests observe polling and heartbeats quickly.
FAST_STREAM = {"STREAM_POLL_SECONDS": "0.3", "STREAM_HEARTBEAT_SECONDS": "1"}

StartServer = Callable[..., str]


@pytest.fixture
def start_stream_server(transactional_db: None) -> Iterator[StartServer]:
    """Start Daphne processes on the test database; all are stopped after the test."""
    servers: list[WatchedProcess] = []

    def start(port: int | None = None, **env: str) -> str:
        server, url = daphne_start(settings.DATABASES["default"], port, **{**FAST_STREAM, **env})
        servers.append(server)
        start.processes = servers  # type: ignore[attr-defined]
        return url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def stream_server(start_stream_server: StartServer) -> str:
    return start_stream_server()


@pytest.fixture
def private_channel(settings) -> str:
    """A Redis channel (and slot namespace) of this test's own, shared with its servers."""
    settings.STREAM_REDIS_CHANNEL = f"cinestream-test-{uuid.uuid4().hex[:8]}"
    return settings.STREAM_REDIS_CHANNEL


@pytest.fixture
def private_redis() -> Iterator[Callable[..., tuple[WatchedProcess, int]]]:
    """Start throw-away redis-server processes; all are stopped after the test."""
    if not shutil.which("redis-server"):
        service_missing("needs redis-server: apt-get install redis-server")
    started: list[WatchedProcess] = []

    def start(port: int | None = None) -> tuple[WatchedProcess, int]:
        server, port = redis_server_start(port)
        started.append(server)
        return server, port

    yield start
    for server in started:
        server.stop()

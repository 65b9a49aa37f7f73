"""Real server processes for tests: started, watched through their output, always stopped."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WatchedProcess:
    """A child process whose combined output is collected line by line in the background."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        name: str = "",
        cwd: Path | None = None,
        inherit_env: bool = True,
    ) -> None:
        self.name = name or Path(args[0]).name
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            list(args),
            cwd=cwd or BASE_DIR,
            # Without inherit_env only `env`, as systemd gives a unit only its environment.
            env={**(os.environ if inherit_env else {}), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_line(self, pattern: str, *, timeout: float = 30.0, start: int = 0) -> re.Match:
        """Block until a line matching `pattern` appears; fail with the output if it never does."""
        regex = re.compile(pattern)
        seen = start

        def found() -> re.Match | None:
            nonlocal seen
            for line in self.lines[seen:]:
                match = regex.search(line)
                if match:
                    return match
            seen = len(self.lines)
            return None

        with self._changed:
            match = self._changed.wait_for(lambda: found() or self.process.poll() is not None, timeout)
            match = found()
        if not match:
            state = f"exited with {self.process.returncode}" if self.process.poll() is not None else "running"
            output = "\n".join(self.lines[-40:])
            raise AssertionError(f"{self.name} ({state}) never printed /{pattern}/. Output:\n{output}")
        return match

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Stop the process group (children too), escalating to SIGKILL; return the exit code."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
            except ProcessLookupError:
                pass
        self._reader.join(timeout)
        return self.process.returncode


def server_environment(database: Mapping[str, object], **extra: str) -> dict[str, str]:
    """Environment for a child server that must share the test database and services."""
    engine = str(database["ENGINE"])
    if engine.endswith("sqlite3"):
        database_url = f"sqlite:///{database['NAME']}"
    else:
        user = database.get("USER") or "postgres"
        if database.get("PASSWORD"):
            user = f"{user}:{database['PASSWORD']}"
        host = database.get("HOST") or "127.0.0.1"
        port = database.get("PORT") or 5432
        database_url = f"postgres://{user}@{host}:{port}/{database['NAME']}"
    return {
        "CINESTREAM_ENV_FILE": "",
        "DATABASE_URL": database_url,
        "DEBUG": os.environ.get("DEBUG", "true"),
        "LOG_LEVEL": "info",
        "LOG_FORMAT": "console",
        "PYTHONUNBUFFERED": "1",
        # A test's clients all post from 127.0.0.1: the API's write limit is not what it tests.
        "API_WRITE_RATE": "1000000000/second",
        **extra,
    }


def daphne_start(
    database: Mapping[str, object], port: int | None = None, **env: str
) -> tuple[WatchedProcess, str]:
    """Start `daphne cinestream.asgi:application` on a free (or given) port; return it and its URL."""
    port = port or free_port()
    server = WatchedProcess(
        [str(VENV_BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "cinestream.asgi:application"],
        env=server_environment(database, **env),
        name=f"daphne:{port}",
    )
    server.wait_for_line(r"Listening on TCP address", timeout=60)
    return server, f"http://127.0.0.1:{port}"


def redis_server_start(port: int | None = None) -> tuple[WatchedProcess, int]:
    """A private, throw-away redis-server (nothing on disk) on a free or given port."""
    port = port or free_port()
    server = WatchedProcess(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        name=f"redis:{port}",
    )
    server.wait_for_line(r"Ready to accept connections", timeout=20)
    return server, port


def manage_run(database: Mapping[str, object], *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run a manage.py command in its own process, on the test database."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**os.environ, **server_environment(database, **env)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def clients_on_servers(
    client: Callable[[str, int, list[int]], None], *, total: int, clients: int, env: dict[str, str]
) -> int:
    """Run `clients` threads of `client(url, count, done)` spread over two Daphne processes
    (the test database, `env` added), `total` requests in all; the sum each thread reports.
    A client that fails fails the test with the servers' last words, which say why."""
    servers = [daphne_start(settings.DATABASES["default"], **env) for _ in range(2)]
    done: list[int] = []
    failures: list[str] = []

    def run(url: str) -> None:
        try:
            client(url, total // clients, done)
        except Exception as exc:  # reported below, with the servers' output
            failures.append(f"client of {url}: {exc!r}")

    try:
        threads = [threading.Thread(target=run, args=(servers[i % 2][1],)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for server, _url in servers:
            server.stop()
    if failures:
        unfinished = "\n".join(line for server, _url in servers for line in requests_unfinished(server.lines))
        tails = "\n".join(f"--- {server.name}\n" + "\n".join(server.lines[-30:]) for server, _url in servers)
        raise AssertionError(
            "\n".join(failures)
            + "\nrequests started, never finished:\n"
            + (unfinished or "none")
            + "\n"
            + tails
        )
    return sum(done)


def requests_unfinished(lines: Sequence[str]) -> list[str]:
    """The request_started lines of a server's log with no request_finished or _failed for their id."""
    started: dict[str, str] = {}
    for line in lines:
        match = re.search(r"request_(started|finished|failed).*request_id=([0-9a-f-]+)", line)
        if match is None:
            continue
        if match[1] == "started":
            started[match[2]] = line
        else:
            started.pop(match[2], None)
    return list(started.values())

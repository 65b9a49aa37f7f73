"""A deployment rendered by deploy.sh, run without systemd: the units' own ExecStart lines.

Used by the live and TLS tests and by bench/http.py. deploy.sh renders under a DEPLOY_ROOT
with an env file the caller seeds (database, Redis, queue); the Daphne processes, the Celery
worker and nginx then start exactly as the rendered units and configuration say.
"""

import re
import socket
from collections.abc import Mapping
from pathlib import Path

import requests

from tests.deploy.support import (
    APP,
    deploy_run,
    env_file_read,
    env_file_seed,
    free_port_range,
    tool_required,
    unit_exec_start,
)
from tests.support.processes import WatchedProcess
from tests.support.scraping import eventually

PROCESSES = 12
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Deployment:
    """deploy.sh's files under `root`, and the processes started from them."""

    def __init__(self, root: Path, env: Mapping[str, str], *, domain: str | None = None) -> None:
        self.root = root
        self.first_port = free_port_range(PROCESSES + 2)
        self.ports = list(range(self.first_port, self.first_port + PROCESSES))
        self.http_port = self.first_port + PROCESSES
        self.https_port = self.http_port + 1
        self.domain = domain
        self.env_file = env_file_seed(root, APP, **env)
        self.daphnes: dict[int, WatchedProcess] = {}
        self.others: list[WatchedProcess] = []

    def deploy_env(self) -> dict[str, str]:
        return {
            "DEPLOY_FIRST_PORT": str(self.first_port),
            "HTTP_PORT": str(self.http_port),
            "HTTPS_PORT": str(self.https_port),
        }

    def render(self, *commands: tuple[str, ...]) -> None:
        for command in commands or (("init-server",),):
            deploy_run(self.root, *command, **self.deploy_env())

    @property
    def app_dir(self) -> Path:
        return self.root / "var/www" / APP

    @property
    def units(self) -> Path:
        return self.root / "etc/systemd/system"

    def process_env(self) -> dict[str, str]:
        """What systemd gives a unit: its EnvironmentFile and systemd's own PATH, nothing else
        (PYTHONUNBUFFERED only so that the output is read line by line)."""
        return {
            "PATH": SYSTEMD_PATH,
            **env_file_read(self.env_file),
            "PYTHONUNBUFFERED": "1",
        }

    def daphne_start(self, ports: list[int] | None = None) -> None:
        """Daphne on each port with the template unit's ExecStart, %i being the port."""
        template = self.units / f"{APP}-daphne@.service"
        for port in ports or self.ports:
            self.daphnes[port] = WatchedProcess(
                unit_exec_start(template, i=str(port)),
                env=self.process_env(),
                name=f"daphne:{port}",
                cwd=self.app_dir,
                inherit_env=False,
            )
        for port in ports or self.ports:
            self.daphnes[port].wait_for_line(r"Listening on TCP address", timeout=120)

    def worker_start(self) -> WatchedProcess:
        args = unit_exec_start(self.units / f"{APP}-celery-worker.service", H=socket.gethostname())
        worker = WatchedProcess(
            [*args, "--concurrency", "1"],
            env=self.process_env(),
            name="celery-worker",
            cwd=self.app_dir,
            inherit_env=False,
        )
        self.others.append(worker)
        worker.wait_for_line(r"ready\.", timeout=120)
        return worker

    def nginx_start(self) -> WatchedProcess:
        nginx = tool_required("nginx", "nginx")
        config = self.root / "etc/nginx/nginx.conf"
        process = WatchedProcess(
            [nginx, "-c", str(config), "-e", str(self.error_log), "-g", "daemon off;"], name="nginx"
        )
        self.others.append(process)

        def accepting() -> bool:
            if process.process.poll() is not None:
                raise AssertionError(f"nginx exited: {process.output()}\n{self.error_log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.http_port), timeout=1).close()
            except OSError:
                return False
            return True

        eventually(accepting, timeout=20)
        return process

    @property
    def error_log(self) -> Path:
        return self.root / "var/log/nginx/error.log"

    @property
    def access_log(self) -> Path:
        return self.root / "var/log/nginx/access.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def upstream_of(self, source: str, path: str = "/cinestream/healthz") -> int:
        """The Daphne port nginx sends the client at loopback address `source` to."""
        since = self.access_log.stat().st_size
        with requests.Session() as session:
            session.mount("http://", SourceAdapter(source))
            response = session.get(self.base_url + path, timeout=30)
        assert response.status_code == 200, response.text
        return self.last_upstream(source, since)

    def last_upstream(self, source: str, since: int = 0) -> int:
        """The backend of `source`'s last request logged after byte `since` (nginx logs it just
        after answering, so a moment is allowed for it)."""
        found: list[int] = []

        def logged() -> bool:
            with self.access_log.open("rb") as log:
                log.seek(since)
                lines = log.read().decode().splitlines()
            for line in reversed(lines):
                if line.startswith(f"{source} "):
                    found.append(int(re.search(r"upstream=(?:.*, )?127\.0\.0\.1:(\d+) ", line).group(1)))
                    return True
            return False

        eventually(logged, timeout=5)
        return found[0]

    def stop(self) -> None:
        for process in [*self.others, *self.daphnes.values()]:
            process.stop()


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Requests from a loopback address of our choice (127.0.0.0/8 is all local)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def loopback_clients(count: int) -> list[str]:
    """Addresses nginx's ip_hash tells apart (it hashes an IPv4 address's first three bytes)."""
    return [f"127.0.{n}.1" for n in range(1, count + 1)]


def database_url(database: Mapping[str, object]) -> str:
    from tests.support.processes import server_environment

    return server_environment(database)["DATABASE_URL"]

"""Benchmark of the live stream (SSE at GET /api/movies/stream) against a plain Channels stream.

    .venv/bin/python bench/stream.py            # full run, about 3-5 minutes
    .venv/bin/python bench/stream.py --quick    # smaller loads, under 2 minutes
    .venv/bin/python bench/stream.py --help

Everything runs on 127.0.0.1: a private redis-server (so Redis commands can be
counted exactly), a throw-away PostgreSQL database (migrated here, dropped at the
end), P Daphne processes serving cinestream.asgi:application ("ours") and P serving
bench/baseline/asgi.py ("baseline": channels' AsyncHttpConsumer on
RedisPubSubChannelLayer, one group for every client), asyncio client processes
(bench/stream_client.py) and a publisher process (bench/stream_publisher.py) that
stamps every event with the time it was sent.

Scenarios:
  target    C clients over P processes at E events/s (default 10,000 / 2 / 1 for 25 s):
            expect no loss, p99 publish-to-receive latency <= 1 s, <= 64 KB of server
            RSS per idle connection. The baseline runs the same load for comparison.
  heaviest  step the load up (clients x events/s) until the baseline loses events or
            its p99 passes the bound; run ours at the heaviest load the baseline
            sustained (and at the one it did not) and compare server CPU seconds per
            1,000 deliveries (target: ours <= half the baseline's).

Besides the targets each run reports the servers' garbage-collector pauses (always
logged, see SERVER_WRAPPER), the slowest delivery of each event, Redis commands,
whole-machine and load-generator CPU (the clients share this machine's cores).
Diagnostics: --profile (cProfile of the servers' event loops in the target scenario,
grouped by package), --server-gc-threshold and --server-env to try a setting
without touching the project.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import argparse
import contextlib
import json
import os
import platform
import queue
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
PYTHON = sys.executable
DAPHNE = str(Path(sys.executable).parent / "daphne")
CLK_TCK = os.sysconf("SC_CLK_TCK")

APPS = {"ours": "cinestream.asgi:application", "baseline": "bench.baseline.asgi:application"}
PATHS = {"ours": "/api/movies/stream", "baseline": "/baseline/stream"}

# Runs daphne (argv[1:]) in this process after raising the open-files limit. It logs
# garbage-collector pauses of 5 ms or more to $BENCH_GC_LOG ("<time> <generation>
# <seconds> <collected>" lines) and, with $BENCH_PROFILE_OUT set (--profile), profiles
# the main thread (the event loop, where streams run) between SIGUSR1 and SIGUSR2;
# SIGUSR2 writes the stats to $BENCH_PROFILE_OUT.<n>.
SERVER_WRAPPER = """
import gc, os, resource, signal, sys, time
want = 65536
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
for limits in ((want, max(hard, want)), (min(want, hard), hard)):
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, limits)
        break
    except (ValueError, OSError):
        pass
if os.environ.get("BENCH_GC_THRESHOLD"):
    gc.set_threshold(*(int(x) for x in os.environ["BENCH_GC_THRESHOLD"].split(",")))
if os.environ.get("BENCH_GC_LOG"):
    gc_log = open(os.environ["BENCH_GC_LOG"], "a", buffering=1)
    gc_started = [0.0]
    def gc_pause(phase, info):
        if phase == "start":
            gc_started[0] = time.perf_counter()
            return
        seconds = time.perf_counter() - gc_started[0]
        if seconds >= 0.005:
            gc_log.write(f"{time.time():.3f} {info['generation']} {seconds:.4f} {info['collected']}\\n")
    gc.callbacks.append(gc_pause)
if os.environ.get("BENCH_PROFILE_OUT"):
    import cProfile
    state = {"profile": None, "dumps": 0}
    def profile_start(*_):
        state["profile"] = cProfile.Profile()
        state["profile"].enable()
    def profile_stop(*_):
        profile = state["profile"]
        if profile is not None:
            profile.disable()
            state["dumps"] += 1
            profile.dump_stats(f"{os.environ['BENCH_PROFILE_OUT']}.{state['dumps']}")
            state["profile"] = None
    signal.signal(signal.SIGUSR1, profile_start)
    signal.signal(signal.SIGUSR2, profile_stop)
sys.argv = sys.argv[1:]
from daphne.cli import CommandLineInterface
sys.exit(CommandLineInterface.entrypoint())
"""

STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[stream-bench {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(RuntimeError):
    pass


# --- Processes ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Child:
    """A subprocess in its own process group; stdout lines (JSON) are queued by a thread."""

    def __init__(
        self,
        name: str,
        args: list[str],
        *,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
        pipe: bool = False,
    ) -> None:
        self.name = name
        self.log_path = log_path
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._log = open(log_path, "wb") if log_path else None  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE if pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipe else (self._log or subprocess.DEVNULL),
            stderr=self._log or None,
            start_new_session=True,
            text=pipe,
            bufsize=1 if pipe else -1,
        )
        if pipe:
            threading.Thread(target=self._read, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, message: dict | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def receive(self, timeout: float) -> dict:
        """The next JSON line from the child's stdout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError(f"{self.name}: no answer within {timeout:.0f} s")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise BenchError(f"{self.name} exited ({self.process.wait()}) without answering")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
            log(f"{self.name}: {line}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, lines: int = 20) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 10.0, grace: float = 5.0) -> None:
        if self.process.stdin and not self.process.stdin.closed:
            # A piped child (client, publisher) ends by itself when its stdin closes.
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace)
        if self.process.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:
            # The leader is gone; make sure nothing it started is left in its group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if self._log:
            self._log.close()


# --- /proc --------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


def raise_nofile(want: int = 65536) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for limits in ((want, max(hard, want)), (min(want, hard), hard)):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, limits)
            return
        except (ValueError, OSError):
            continue


# --- Services -----------------------------------------------------------------


class Redis:
    def __init__(self, workdir: Path) -> None:
        import redis

        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.child = Child(
            f"redis:{self.port}",
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxclients",
                "20000",
                "--dir",
                str(workdir),
            ],
            log_path=workdir / "redis.log",
        )
        self.client = redis.Redis.from_url(self.url, socket_timeout=10)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline or not self.child.alive():
                    raise BenchError(f"redis-server did not start:\n{self.child.tail()}") from None
                time.sleep(0.1)

    def commandstats(self) -> dict[str, int]:
        stats = self.client.info("commandstats")
        return {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}

    def stop(self) -> None:
        self.client.close()
        self.child.stop()


class Database:
    """A database of our own on the PostgreSQL server, created empty and dropped at the end."""

    def __init__(self, admin_url: str, name: str) -> None:
        import psycopg

        self.psycopg = psycopg
        parts = urlsplit(admin_url)
        self.admin_url = admin_url
        self.name = name
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}"')

    def _execute(self, sql: str) -> None:
        with self.psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql)

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def server_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        {
            "CINESTREAM_ENV_FILE": "",
            "DEBUG": "true",
            "LOG_LEVEL": "warning",
            "LOG_FORMAT": "console",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "STREAM_MAX_PER_IP": "100000",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    return env


def daphne_start(kind: str, env: dict[str, str], workdir: Path, profile: bool = False) -> tuple[Child, int]:
    port = free_port()
    env = {**env, "BENCH_GC_LOG": str(workdir / f"gc-{kind}-{port}.log")}
    if profile:
        env["BENCH_PROFILE_OUT"] = str(workdir / f"profile-{kind}-{port}")
    child = Child(
        f"daphne-{kind}:{port}",
        [
            PYTHON,
            "-c",
            SERVER_WRAPPER,
            DAPHNE,
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            APPS[kind],
        ],
        env=env,
        log_path=workdir / f"daphne-{kind}-{port}.log",
    )
    return child, port


def _profile_area(file: str, name: str) -> str:
    """Where a profiled function lives: a package, a stdlib module, the project, or C."""
    if file == "~":
        if "'poll' of 'select.epoll'" in name:
            return "idle (epoll wait)"
        if "'send' of '_socket.socket'" in name:
            return "C: socket send"
        if "select.epoll" in name:
            return "C: epoll register/modify"
        return "C: other builtins"
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0]
    if file.startswith(str(BASE_DIR) + "/"):
        parts = Path(file).relative_to(BASE_DIR).parts
        return "/".join(parts[:2]) if len(parts) > 2 else parts[0]
    if "/lib/python3" in file:
        rest = file.split("/lib/python3", 1)[1].split("/", 2)
        return "stdlib: " + (rest[1].removesuffix(".py") if len(rest) > 1 else file)
    return file


def profile_report(paths: list[Path], top: int) -> dict:
    """Own time of the profiled processes by area, and the functions with the most own time."""
    import pstats

    existing = [str(p) for p in paths if p.exists()]
    if not existing:
        return {}
    stats = pstats.Stats(*existing)
    total = stats.total_tt or 1.0
    areas: dict[str, float] = {}
    for (file, _line, name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        area = _profile_area(file, name)
        areas[area] = areas.get(area, 0.0) + tt
    busy = total - areas.get("idle (epoll wait)", 0.0)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return {
        "profiled_s": round(total, 3),
        "busy_s": round(busy, 3),
        "busy_share_by_area_pct": {
            area: round(100 * tt / (busy or 1.0), 1)
            for area, tt in sorted(areas.items(), key=lambda item: -item[1])
            if area != "idle (epoll wait)" and tt / (busy or 1.0) >= 0.005
        },
        "top_functions_by_own_time": [
            {
                "function": f"{Path(file).name}:{line}({name})",
                "own_s": round(tt, 3),
                "cumulative_s": round(ct, 3),
                "calls": nc,
            }
            for (file, line, name), (_cc, nc, tt, ct, _callers) in rows
            if _profile_area(file, name) != "idle (epoll wait)"
        ],
    }


def wait_listening(child: Child, port: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise BenchError(f"{child.name} exited:\n{child.tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"{child.name} not listening after {timeout:.0f} s:\n{child.tail()}")


def warm_up(port: int, path: str, timeout: float = 30.0) -> None:
    """One short stream, so the process has loaded everything a stream needs (hub, layer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        received = b""
        deadline = time.monotonic() + timeout
        while b"connected" not in received:
            if time.monotonic() > deadline:
                raise BenchError(f"warm-up stream on :{port}{path} got no frame: {received[:300]!r}")
            chunk = sock.recv(65536)
            if not chunk:
                raise BenchError(f"warm-up stream on :{port}{path} closed: {received[:300]!r}")
            received += chunk
        if not received.startswith(b"HTTP/1.1 200"):
            raise BenchError(f"warm-up stream on :{port}{path} answered {received[:300]!r}")


# --- One measured run -----------------------------------------------------------


def gc_pauses(paths: list[Path], start: float, end: float) -> dict:
    """Garbage-collector pauses (>= 5 ms) the servers logged between two wall-clock times."""
    pauses: list[tuple[int, float]] = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and start <= float(parts[0]) <= end:
                pauses.append((int(parts[1]), float(parts[2])))
    by_generation: dict[str, dict] = {}
    for generation, seconds in pauses:
        entry = by_generation.setdefault(str(generation), {"count": 0, "total_s": 0.0, "max_s": 0.0})
        entry["count"] += 1
        entry["total_s"] = round(entry["total_s"] + seconds, 4)
        entry["max_s"] = max(entry["max_s"], seconds)
    return {
        "count": len(pauses),
        "total_s": round(sum(seconds for _g, seconds in pauses), 4),
        "max_s": max((seconds for _g, seconds in pauses), default=0.0),
        "by_generation": by_generation,
    }


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(fraction * (len(sorted_values) - 1) + 0.5))]


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="cinestream-stream-bench-"))
        self.children: list[Child] = []
        self.redis: Redis | None = None
        self.database: Database | None = None
        self.servers: dict[str, list[tuple[Child, int]]] = {}
        self.env: dict[str, str] = {}

    # Setup and teardown ------------------------------------------------------

    def setup(self) -> None:
        raise_nofile()
        log(f"starting a private redis-server and database {self.args.database!r} (work dir {self.workdir})")
        self.redis = Redis(self.workdir)
        self.database = Database(self.args.postgres, self.args.database)
        self.env = server_env(self.database.url, self.redis.url)
        if self.args.server_gc_threshold:
            self.env["BENCH_GC_THRESHOLD"] = self.args.server_gc_threshold
        for item in self.args.server_env:
            name, _, value = item.partition("=")
            self.env[name] = value
        started = time.monotonic()
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
        log(
            f"migrated in {time.monotonic() - started:.1f} s; starting {self.args.procs} Daphne processes per app"
        )
        kinds = ["ours"] + ([] if self.args.no_baseline else ["baseline"])
        for kind in kinds:
            self.servers[kind] = []
            for _ in range(self.args.procs):
                child, port = daphne_start(kind, self.env, self.workdir, profile=self.args.profile)
                self.children.append(child)
                self.servers[kind].append((child, port))
        for kind in kinds:
            for child, port in self.servers[kind]:
                wait_listening(child, port)
                warm_up(port, PATHS[kind])
        log("servers up and warmed")

    def teardown(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        if self.redis:
            self.redis.stop()
            self.redis = None
        if self.database and not self.args.keep_database:
            try:
                self.database.drop()
            except Exception as exc:
                log(f"could not drop database {self.database.name!r}: {exc}")
        self.database = None
        if self.args.keep_logs:
            log(f"logs kept in {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def check_servers(self) -> None:
        for kind, servers in self.servers.items():
            for child, _port in servers:
                if not child.alive():
                    raise BenchError(f"{child.name} ({kind}) died:\n{child.tail()}")

    # A phase: connect, publish, collect ---------------------------------------

    def quiesce(self, pids: list[int], busy: float = 0.1, timeout: float = 60.0) -> float:
        """Wait until no server uses more than `busy` of a core (left-over work from the last phase)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            before = {pid: cpu_seconds(pid) for pid in pids}
            time.sleep(1.0)
            if all(cpu_seconds(pid) - before[pid] <= busy for pid in pids):
                break
        return round(time.monotonic() - started, 1)

    def profile_signal(self, kind: str, sig: int) -> None:
        for child, _port in self.servers[kind]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, sig)

    def run(
        self,
        kind: str,
        clients: int,
        rate: float,
        duration: float,
        *,
        rss: bool = False,
        profile: bool = False,
    ) -> dict:
        args = self.args
        self.check_servers()
        servers = self.servers[kind]
        pids = [child.pid for child, _port in servers]
        events = max(1, round(rate * duration))
        client_procs = args.client_procs or (2 if clients > 2000 else 1)
        log(f"{kind}: {clients} clients over {len(servers)} processes, {rate:g} ev/s x {events} events")

        publisher = Child(
            f"publisher-{kind}",
            [
                PYTHON,
                str(BENCH_DIR / "stream_publisher.py"),
                "--mode",
                kind,
                "--rate",
                str(rate),
                "--count",
                str(events),
            ],
            env=self.env,
            pipe=True,
        )
        self.children.append(publisher)
        spawned: list[Child] = []
        try:
            quiet_after = self.quiesce(pids)
            if quiet_after > 1.5:
                log(f"{kind}: servers were busy for {quiet_after:.0f} s before this run (previous load)")
            rss_before = {pid: rss_kb(pid) for pid in pids}
            per_server = split(clients, len(servers))
            per_proc = [split(count, client_procs) for count in per_server]
            for index in range(client_procs):
                targets = [
                    {"port": port, "path": PATHS[kind], "count": per_proc[s][index]}
                    for s, (_child, port) in enumerate(servers)
                    if per_proc[s][index]
                ]
                config = {
                    "host": "127.0.0.1",
                    "targets": targets,
                    "concurrency": args.connect_concurrency,
                    "timeout": 30,
                }
                child = Child(
                    f"client-{kind}-{index}",
                    [PYTHON, str(BENCH_DIR / "stream_client.py"), json.dumps(config)],
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                    pipe=True,
                )
                self.children.append(child)
                spawned.append(child)
            connect_timeout = 60 + clients / 50
            connected = [child.receive(connect_timeout) for child in spawned]
            ready = sum(c["ready"] for c in connected)
            failed = sum(c["failed"] for c in connected)
            errors: dict[str, int] = {}
            for c in connected:
                for reason, count in c["errors"].items():
                    errors[reason] = errors.get(reason, 0) + count
            connect_seconds = max(c["seconds"] for c in connected)
            log(f"{kind}: {ready} streams open ({failed} failed) in {connect_seconds:.1f} s")
            time.sleep(args.settle)
            rss_after = {pid: rss_kb(pid) for pid in pids}
            publisher.receive(60)  # set up and ready to publish

            for child in spawned:
                child.send({"cmd": "mark"})
            for child in spawned:
                child.receive(30)
            cpu_before = {pid: cpu_seconds(pid) for pid in pids}
            redis_before = self.redis.commandstats()
            machine_before = machine_cpu()
            window_started = time.monotonic()
            window_wall_start = time.time()
            if profile:
                self.profile_signal(kind, signal.SIGUSR1)
            publisher.send("go")
            published = publisher.receive(duration * 3 + 60)
            for child in spawned:
                child.send({"cmd": "collect", "expect": events, "timeout": args.drain})
            collected = [child.receive(args.drain + 60) for child in spawned]
            window = time.monotonic() - window_started
            window_wall_end = time.time()
            cpu_after = {pid: cpu_seconds(pid) for pid in pids}
            if profile:
                self.profile_signal(kind, signal.SIGUSR2)
            redis_after = self.redis.commandstats()
            machine_after = machine_cpu()
            rss_end = {pid: rss_kb(pid) for pid in pids}
        finally:
            for child in [*spawned, publisher]:
                child.stop()
                if child in self.children:
                    self.children.remove(child)
        self.check_servers()

        latencies = sorted(x for c in collected for x in c["latencies"])
        event_max: dict[int, float] = {}
        for c in collected:
            for seq, value in c["event_max"].items():
                event_max[int(seq)] = max(value, event_max.get(int(seq), 0.0))
        slowest_per_event = sorted(event_max.values())
        delivered = sum(c["delivered"] for c in collected)
        expected = clients * events
        server_cpu = sum(cpu_after[pid] - cpu_before[pid] for pid in pids)
        redis_delta = {name: redis_after.get(name, 0) - redis_before.get(name, 0) for name in redis_after}
        commands = sum(v for name, v in redis_delta.items() if name not in ("info", "ping"))
        busy = machine_after[0] - machine_before[0]
        total = machine_after[1] - machine_before[1]
        rss_growth_kb = sum(rss_after[pid] - rss_before[pid] for pid in pids)
        close_reasons: dict[str, int] = {}
        for c in collected:
            for reason, count in c["close_reasons"].items():
                close_reasons[reason] = close_reasons.get(reason, 0) + count
        client_cpu = sum(c["client_cpu_s"] for c in collected)
        result = {
            "app": kind,
            "clients": clients,
            "processes": len(servers),
            "rate_per_s": rate,
            "events": events,
            "client_processes": client_procs,
            "connected": ready,
            "connect_failed": failed,
            "connect_errors": errors,
            "connect_seconds": connect_seconds,
            "waited_for_idle_servers_s": quiet_after,
            "delivered": delivered,
            "expected": expected,
            "delivered_pct": round(100.0 * delivered / expected, 3) if expected else None,
            "lost": expected - delivered,
            "streams_closed_by_server": sum(c["closed_streams"] for c in collected),
            "close_reasons": close_reasons,
            "duplicates": sum(c["duplicates"] for c in collected),
            "latency_s": {
                "p50": _round(percentile(latencies, 0.50)),
                "p90": _round(percentile(latencies, 0.90)),
                "p99": _round(percentile(latencies, 0.99)),
                "max": _round(latencies[-1] if latencies else None),
            },
            # For each event, its slowest delivery: close to p99 for most events means a steady
            # cost (fan-out time); a few outliers mean pauses.
            "event_slowest_delivery_s": {
                "min": _round(slowest_per_event[0] if slowest_per_event else None),
                "p50": _round(percentile(slowest_per_event, 0.5)),
                "max": _round(slowest_per_event[-1] if slowest_per_event else None),
                "slowest_events": sorted(event_max, key=event_max.get, reverse=True)[:5],
            },
            "server_gc_pauses_in_window": gc_pauses(
                [self.workdir / f"gc-{kind}-{port}.log" for _child, port in servers],
                window_wall_start,
                window_wall_end,
            ),
            "server_rss_kb": {
                "before": sum(rss_before.values()),
                "connected": sum(rss_after.values()),
                "end": sum(rss_end.values()),
            },
            "server_cpu_s": round(server_cpu, 3),
            "server_cpu_per_process": [round(cpu_after[pid] - cpu_before[pid], 3) for pid in pids],
            "cpu_per_1k_deliveries_s": round(server_cpu / (delivered / 1000), 4) if delivered else None,
            "server_core_utilisation": round(server_cpu / window / len(pids), 3) if window else None,
            "window_s": round(window, 2),
            "redis_publish_per_event": round(redis_delta.get("publish", 0) / events, 3),
            "redis_commands_per_event": round(commands / events, 3),
            "redis_commands_in_window": {k: v for k, v in sorted(redis_delta.items()) if v},
            "machine_cpu_busy": round(busy / total, 3) if total else None,
            # Cores used by everything but the servers and clients: the publisher, Redis,
            # PostgreSQL, and whatever else runs on the machine (above ~0.3: a noisy run).
            "other_cpu_cores": round((busy / CLK_TCK - server_cpu - client_cpu) / window, 2)
            if window
            else None,
            "client_core_utilisation": round(client_cpu / window / client_procs, 3) if window else None,
            "publisher": published,
        }
        if rss:
            result["rss_per_connection_kb"] = round(rss_growth_kb / ready, 2) if ready else None
        if profile:
            time.sleep(2)  # let the servers write their stats
            dumps = sorted(self.workdir.glob(f"profile-{kind}-*"))
            result["profile_note"] = (
                "cProfile of the daphne event-loop threads over the window (profiling itself slows them: "
                "read the shares, not the seconds); files: " + ", ".join(p.name for p in dumps)
            )
            result["profile"] = profile_report(dumps, self.args.profile_top)
            for path in dumps:  # one report per phase
                path.rename(path.with_name("done-" + path.name))
        log(
            f"{kind}: delivered {result['delivered_pct']}%, p50 {result['latency_s']['p50']} s, "
            f"p99 {result['latency_s']['p99']} s, cpu/1k {result['cpu_per_1k_deliveries_s']} s"
            + (f", {result['rss_per_connection_kb']} KB/conn" if rss else "")
            + f", machine busy {result['machine_cpu_busy']}, client util {result['client_core_utilisation']}"
            + f", other cores {result['other_cpu_cores']}"
        )
        return result

    def sustained(self, result: dict) -> bool:
        p99 = result["latency_s"]["p99"]
        return (
            result["connect_failed"] == 0
            and result["lost"] == 0
            and p99 is not None
            and p99 <= self.args.p99_bound
        )


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def target(value, limit, ok: bool) -> dict:
    return {"value": value, "limit": limit, "pass": bool(ok)}


# --- Scenarios -------------------------------------------------------------------


def scenario_target(bench: Bench) -> dict:
    a = bench.args
    ours = bench.run("ours", a.clients, a.rate, a.duration, rss=True, profile=a.profile)
    section = {
        "description": f"{a.clients} concurrent clients over {a.procs} processes at {a.rate:g} event/s for {a.duration:g} s",
        "ours": ours,
    }
    if not (a.no_baseline or a.no_baseline_target):
        section["baseline"] = bench.run(
            "baseline", a.clients, a.rate, a.duration, rss=True, profile=a.profile
        )
    p99 = ours["latency_s"]["p99"]
    rss = ours.get("rss_per_connection_kb")
    section["targets"] = {
        "zero_loss": target(ours["lost"], 0, ours["lost"] == 0 and ours["connect_failed"] == 0),
        "p99_latency_s": target(p99, a.p99_target, p99 is not None and p99 <= a.p99_target),
        "rss_per_connection_kb": target(rss, a.rss_target_kb, rss is not None and rss <= a.rss_target_kb),
    }
    section["pass"] = all(t["pass"] for t in section["targets"].values())
    return section


def parse_ladder(text: str) -> list[tuple[int, float]]:
    steps = []
    for item in text.split(","):
        clients, rate = item.lower().split("x")
        steps.append((int(clients), float(rate)))
    return steps


def scenario_heaviest(bench: Bench) -> dict:
    a = bench.args
    ladder = parse_ladder(a.ladder)
    steps = []
    sustained_load = failed_load = None
    for clients, rate in ladder:
        result = bench.run("baseline", clients, rate, a.step_duration)
        result["sustained"] = bench.sustained(result)
        steps.append(result)
        if result["sustained"]:
            sustained_load = (clients, rate)
        else:
            failed_load = (clients, rate)
            break
    chosen = sustained_load or ladder[0]
    baseline = next(s for s in steps if (s["clients"], s["rate_per_s"]) == chosen)
    ours = bench.run("ours", chosen[0], chosen[1], a.step_duration)
    ours["sustained"] = bench.sustained(ours)
    section = {
        "description": (
            f"baseline stepped through {a.ladder} ({a.step_duration:g} s each) until it lost events, failed "
            f"connections or its p99 passed {a.p99_bound:g} s; ours run at the heaviest load it sustained"
        ),
        "baseline_ladder": steps,
        "load": {
            "clients": chosen[0],
            "rate_per_s": chosen[1],
            "baseline_sustained_it": sustained_load is not None,
        },
        "first_load_baseline_failed": (
            {"clients": failed_load[0], "rate_per_s": failed_load[1]} if failed_load else None
        ),
        "baseline": baseline,
        "ours": ours,
    }
    if failed_load and not a.no_extra:
        extra = bench.run("ours", failed_load[0], failed_load[1], a.step_duration)
        extra["sustained"] = bench.sustained(extra)
        section["ours_at_first_baseline_failure"] = extra
    ours_cpu, base_cpu = ours["cpu_per_1k_deliveries_s"], baseline["cpu_per_1k_deliveries_s"]
    ratio = round(ours_cpu / base_cpu, 3) if ours_cpu is not None and base_cpu else None
    section["cpu_ratio_ours_to_baseline"] = ratio
    section["targets"] = {
        "cpu_per_1k_ratio": target(ratio, 0.5, ratio is not None and ratio <= 0.5),
        "ours_zero_loss": target(ours["lost"], 0, ours["lost"] == 0 and ours["connect_failed"] == 0),
    }
    section["pass"] = all(t["pass"] for t in section["targets"].values())
    return section


def summary(report: dict) -> str:
    parts = []
    t = report["scenarios"].get("target")
    if t:
        o = t["ours"]
        parts.append(
            f"{o['clients']} clients/{o['processes']} procs {o['rate_per_s']:g} ev/s: delivered {o['delivered_pct']:.1f}%, "
            f"p99 {_fmt(o['latency_s']['p99'])} s, {_fmt(o.get('rss_per_connection_kb'), 0)} KB/conn"
            + (
                f" (baseline {t['baseline']['delivered_pct']:.1f}%, p99 {_fmt(t['baseline']['latency_s']['p99'])} s, "
                f"{_fmt(t['baseline'].get('rss_per_connection_kb'), 0)} KB/conn)"
                if "baseline" in t
                else ""
            )
            + f" [{'PASS' if t['pass'] else 'FAIL'}]"
        )
    h = report["scenarios"].get("heaviest")
    if h:
        o, b = h["ours"], h["baseline"]
        parts.append(
            f"at {h['load']['clients']}x{h['load']['rate_per_s']:g}/s: cpu/1k ours {_fmt(o['cpu_per_1k_deliveries_s'], 3)} s "
            f"vs baseline {_fmt(b['cpu_per_1k_deliveries_s'], 3)} s ({_fmt(h['cpu_ratio_ours_to_baseline'], 2)}x), "
            f"p99 {_fmt(o['latency_s']['p99'])} s vs {_fmt(b['latency_s']['p99'])} s"
            + (f", delivered {o['delivered_pct']:.1f}% vs {b['delivered_pct']:.1f}%")
            + f" [{'PASS' if h['pass'] else 'FAIL'}]"
        )
    return "stream: " + "; ".join(parts)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small loads and short windows (< 2 minutes)")
    parser.add_argument("--clients", type=int, help="target scenario: concurrent clients (10000; quick 2000)")
    parser.add_argument("--procs", type=int, default=2, help="Daphne processes per app (2)")
    parser.add_argument("--rate", type=float, default=1.0, help="target scenario: events per second (1)")
    parser.add_argument("--duration", type=float, help="target scenario: seconds of publishing (25; quick 8)")
    parser.add_argument(
        "--ladder", help="heaviest scenario: loads CLIENTSxRATE, comma separated, lightest first"
    )
    parser.add_argument(
        "--step-duration", type=float, help="heaviest scenario: seconds per step (10; quick 5)"
    )
    parser.add_argument(
        "--p99-bound", type=float, default=1.0, help="p99 above which a load is not sustained (1.0)"
    )
    parser.add_argument("--p99-target", type=float, default=1.0, help="target scenario: p99 limit (1.0 s)")
    parser.add_argument(
        "--rss-target-kb", type=float, default=64.0, help="target scenario: RSS per connection (64)"
    )
    parser.add_argument("--only", choices=("target", "heaviest"), help="run one scenario")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the baseline (and the heaviest scenario)"
    )
    parser.add_argument(
        "--no-baseline-target", action="store_true", help="skip the baseline in the target scenario"
    )
    parser.add_argument("--no-extra", action="store_true", help="skip ours at the load the baseline failed")
    parser.add_argument(
        "--client-procs", type=int, default=0, help="client processes (0: 1, or 2 above 2000 clients)"
    )
    parser.add_argument(
        "--connect-concurrency", type=int, default=100, help="connects in flight per client process"
    )
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between connecting and measuring")
    parser.add_argument(
        "--drain", type=float, default=10.0, help="seconds to wait for late events after publishing"
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument(
        "--database", default="cinestream_bench", help="database created (and dropped) for the run"
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (path on stderr)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the servers during the target scenario (skews timings)",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the servers and publisher, e.g. STREAM_HEARTBEAT_SECONDS=60 (repeatable)",
    )
    parser.add_argument(
        "--server-gc-threshold",
        metavar="G0,G1,G2",
        help="experiment: gc.set_threshold() in the servers before they start (Python's default 700,10,10)",
    )
    parser.add_argument("--profile-top", type=int, default=25, help="functions listed per profile (25)")
    args = parser.parse_args()
    quick = args.quick
    args.clients = args.clients or (2000 if quick else 10000)
    args.duration = args.duration or (8.0 if quick else 25.0)
    args.step_duration = args.step_duration or (5.0 if quick else 10.0)
    args.ladder = args.ladder or (
        "500x5,500x20,500x80"
        if quick
        else "500x5,500x10,500x15,500x20,500x30,500x40,500x60,500x80,1000x80,1000x160"
    )

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    bench = Bench(args)
    report: dict = {
        "bench": "stream",
        "mode": "quick" if quick else "full",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
        },
        "config": {k: v for k, v in vars(args).items() if k not in ("postgres",)},
        "definitions": {
            "delivered": "events received by the clients (each stream counted once per event seq) "
            "by the time every stream had the last event, or --drain seconds after the last publish",
            "lost": "expected - delivered; expected = clients x events (failed connections count as lost)",
            "latency_s": "client receive time minus the sent_at the publisher stamped just before publishing",
            "rss_per_connection_kb": "(sum of the servers' VmRSS with every stream open and idle - before "
            "connecting) / open streams",
            "cpu_per_1k_deliveries_s": "utime+stime of the server processes from the first publish until "
            "the clients had everything, per 1,000 delivered events",
            "redis_publish_per_event": "INFO commandstats cmdstat_publish calls in that window / events",
            "sustained": f"no failed connection, nothing lost, p99 <= --p99-bound ({args.p99_bound:g} s)",
        },
        "scenarios": {},
    }
    try:
        bench.setup()
        if args.only in (None, "target"):
            report["scenarios"]["target"] = scenario_target(bench)
        if args.only in (None, "heaviest") and not args.no_baseline:
            report["scenarios"]["heaviest"] = scenario_heaviest(bench)
    except (BenchError, subprocess.SubprocessError, OSError) as exc:
        log(f"bench failed: {exc}")
        report["error"] = str(exc)
    except KeyboardInterrupt:
        log("interrupted; cleaning up")
        return 130
    finally:
        bench.teardown()
    report["pass"] = bool(report["scenarios"]) and all(s["pass"] for s in report["scenarios"].values())
    report["seconds"] = round(time.monotonic() - STARTED, 1)
    print(json.dumps(report, indent=2))
    if "error" in report:
        print(f"stream: bench failed: {report['error'].splitlines()[0]}")
        return 1
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared parts of the ETL benchmarks (bench/ingest.py, bench/datasets.py).

The parent processes stay free of Django: they create and drop a throw-away PostgreSQL
database, migrate it with `manage.py`, and run every measured piece of work in a child
process (bench/etl_worker.py or manage.py) in its own process group, which is killed
in `finally`. A child's peak RSS comes from `wait4()` (its exact ru_maxrss) and from
VmHWM polled in /proc while it runs.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
PYTHON = sys.executable
WORKER = str(BENCH_DIR / "etl_worker.py")
STARTED = time.monotonic()
# Benchmark-only key: DEBUG=false (production-like) needs one; never used for anything else.
BENCH_SECRET_KEY = "bench-only-not-a-secret-" + "x" * 40


class BenchError(RuntimeError):
    pass


class Logger:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, message: str) -> None:
        print(f"[{self.name} {time.monotonic() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# --- Database -------------------------------------------------------------------


class Database:
    """A database of our own on the PostgreSQL server, created empty and dropped at the end."""

    def __init__(self, admin_url: str, name: str) -> None:
        import psycopg

        self.psycopg = psycopg
        parts = urlsplit(admin_url)
        self.admin_url = admin_url
        self.name = name
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
        self.admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin_execute(f'CREATE DATABASE "{name}"')

    def admin_execute(self, sql: str) -> None:
        with self.psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql)

    def query(self, sql: str, params: tuple | None = None) -> list[tuple]:
        with self.psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
            return connection.execute(sql, params).fetchall()

    def execute(self, sql: str) -> None:
        with self.psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql)

    def size_bytes(self) -> int:
        return int(self.query("SELECT pg_database_size(current_database())")[0][0])

    def app_tables(self) -> list[str]:
        rows = self.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND (tablename LIKE 'catalog\\_%' OR tablename LIKE 'stream\\_%') ORDER BY tablename"
        )
        return [row[0] for row in rows]

    def truncate_app_tables(self) -> None:
        tables = self.app_tables()
        if tables:
            self.execute(f"TRUNCATE {', '.join(f'{t!s}' for t in tables)} RESTART IDENTITY CASCADE")
        self.execute("CHECKPOINT")

    def counts(self, tables: list[str]) -> dict[str, int]:
        return {table: int(self.query(f'SELECT count(*) FROM "{table}"')[0][0]) for table in tables}

    def drop(self) -> None:
        self.admin_execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def django_env(
    database_url: str, *, debug: bool = False, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of a Django child: the bench database, no .env file, no Redis."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL", "SECRET_KEY")
    }
    env.update(
        {
            "CINESTREAM_ENV_FILE": "",
            "DEBUG": "true" if debug else "false",
            "LOG_LEVEL": "warning",
            "LOG_FORMAT": "console",
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    if not debug:
        env["SECRET_KEY"] = BENCH_SECRET_KEY
    env.update(extra or {})
    return env


def migrate(database_url: str, timeout: float = 600) -> float:
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=django_env(database_url, debug=True),
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


# --- Child processes ------------------------------------------------------------


def proc_status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


class Run:
    """One child process, measured: wall time, exit code, peak RSS (wait4 and VmHWM polls)."""

    def __init__(self, name: str, args: list[str], *, env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.args = args
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in finish)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            start_new_session=True,
        )
        self.hwm_kb = 0
        self.maxrss_kb: int | None = None
        self.returncode: int | None = None
        self.wall_s: float | None = None
        self.stdout = b""

    def wait(self, timeout: float, heartbeat: float = 30.0, log=None, on_heartbeat=None) -> int:
        """Wait for the child (reading its stdout), polling VmHWM; kill it after `timeout` s."""
        import selectors

        deadline = self.started + timeout
        next_beat = time.monotonic() + heartbeat
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        chunks: list[bytes] = []
        try:
            while True:
                hwm = proc_status_kb(self.process.pid, "VmHWM")
                if hwm:
                    self.hwm_kb = max(self.hwm_kb, hwm)
                for _key, _mask in selector.select(timeout=0.25):
                    data = os.read(self.process.stdout.fileno(), 65536)
                    if data:
                        chunks.append(data)
                    else:
                        selector.unregister(self.process.stdout)
                        break
                pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
                if pid:
                    self.wall_s = time.monotonic() - self.started
                    self.returncode = os.waitstatus_to_exitcode(status)
                    self.process.returncode = self.returncode
                    self.maxrss_kb = usage.ru_maxrss
                    break
                now = time.monotonic()
                if now > deadline:
                    self.kill()
                    raise BenchError(f"{self.name}: still running after {timeout:.0f} s; killed")
                if now >= next_beat:
                    next_beat = now + heartbeat
                    if log:
                        extra = ""
                        if on_heartbeat:
                            with contextlib.suppress(Exception):
                                extra = on_heartbeat()
                        rss = proc_status_kb(self.process.pid, "VmRSS") or 0
                        log(f"{self.name}: {now - self.started:.0f} s, RSS {rss / 1024:.0f} MB{extra}")
            # Whatever is left in the pipe after the exit.
            with contextlib.suppress(OSError, ValueError):
                while data := os.read(self.process.stdout.fileno(), 65536):
                    chunks.append(data)
        finally:
            selector.close()
            self.stdout = b"".join(chunks)
            self.finish()
        return self.returncode

    def kill(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except (ProcessLookupError, PermissionError):
                return
            for _ in range(40):
                with contextlib.suppress(ChildProcessError):
                    pid, status, _usage = os.wait4(self.process.pid, os.WNOHANG)
                    if pid:
                        self.returncode = os.waitstatus_to_exitcode(status)
                        self.process.returncode = self.returncode
                        return
                time.sleep(0.25)

    def finish(self) -> None:
        if self.returncode is None:
            self.kill()
        else:
            # The leader is gone; make sure nothing it started is left in its group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.stdout.close()
        with contextlib.suppress(Exception):
            self._log.close()

    def tail(self, lines: int = 25) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def json(self) -> dict:
        import json

        for line in reversed(self.stdout.decode(errors="replace").splitlines()):
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
        raise BenchError(f"{self.name} printed no JSON (exit {self.returncode}):\n{self.tail()}")

    @property
    def peak_rss_kb(self) -> int:
        return max(self.hwm_kb, self.maxrss_kb or 0)


def run_child(
    name: str,
    args: list[str],
    *,
    env: dict[str, str],
    log_path: Path,
    timeout: float,
    log=None,
    heartbeat: float = 30.0,
    on_heartbeat=None,
    expect_json: bool = True,
) -> tuple[Run, dict]:
    run = Run(name, args, env=env, log_path=log_path)
    try:
        code = run.wait(timeout, heartbeat=heartbeat, log=log, on_heartbeat=on_heartbeat)
    finally:
        run.finish()
    if code != 0:
        raise BenchError(f"{name} exited with {code}:\n{run.tail()}")
    return run, (run.json() if expect_json else {})


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    for _ in range(64):
        pids.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as stat:
                pid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        if pid <= 1:
            break
    return pids


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_jobs(sample: float = 2.0, min_cores: float = 0.1) -> list[str]:
    """Other heavy jobs (pytest, daphne, benchmarks) using CPU now, outside this process tree."""
    try:
        out = subprocess.run(
            ["pgrep", "-af", "pytest|daphne|bench"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    mine = _ancestors()
    candidates: dict[int, str] = {}
    for line in out.splitlines():
        pid_text, _, command = line.partition(" ")
        if not pid_text.isdigit() or int(pid_text) in mine:
            continue
        if "pgrep" in command or "etl_worker" in command:
            continue
        candidates[int(pid_text)] = line.strip()[:160]
    if not candidates:
        return []
    before = {pid: _cpu_seconds(pid) for pid in candidates}
    time.sleep(sample)
    jobs = []
    for pid, line in candidates.items():
        after = _cpu_seconds(pid)
        if after is None or before[pid] is None:
            continue
        cores = (after - before[pid]) / sample
        if cores >= min_cores:
            jobs.append(f"{line} ({cores:.1f} cores)")
    return jobs


def wait_quiet(log, max_wait: float) -> list[str]:
    """Wait (up to max_wait s) until no other heavy job runs; return what was still running."""
    deadline = time.monotonic() + max_wait
    jobs = busy_jobs()
    if jobs:
        log(f"other heavy jobs running, waiting up to {max_wait:.0f} s: {jobs[:3]}")
    while jobs and time.monotonic() < deadline:
        time.sleep(10)
        jobs = busy_jobs()
    if jobs:
        log(f"still running after the wait, going ahead (results may be noisy): {jobs[:3]}")
    return jobs


def machine_load() -> float | None:
    with contextlib.suppress(OSError):
        return os.getloadavg()[0]
    return None


# --- Profiles -------------------------------------------------------------------


def _area(file: str) -> str:
    if file == "~" or file.startswith("<"):
        return "C builtins / other"
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0]
    if file.startswith(str(BASE_DIR) + "/"):
        parts = Path(file).relative_to(BASE_DIR).parts
        return "/".join(parts[:3]) if parts[0] == "apps" and len(parts) > 3 else "/".join(parts[:2])
    if "/lib/python3" in file:
        rest = file.split("/lib/python3", 1)[1].split("/", 2)
        return "stdlib: " + (rest[1].removesuffix(".py") if len(rest) > 1 else file)
    return file


def profile_summary(path: Path, top: int = 15) -> dict:
    """Top functions by cumulative and by own time, and own time by package, from a pstats file."""
    import pstats

    stats = pstats.Stats(str(path))
    total = stats.total_tt or 1.0

    def name(file: str, line: int, func: str) -> str:
        if file == "~":
            return func
        short = file.split("site-packages/", 1)[1] if "site-packages/" in file else file
        short = short.removeprefix(str(BASE_DIR) + "/")
        if "/lib/python3" in short:
            short = "stdlib/" + short.split("/lib/python3", 1)[1].split("/", 2)[-1]
        return f"{short}:{line}({func})"

    rows = list(stats.stats.items())
    by_cum = sorted(rows, key=lambda item: item[1][3], reverse=True)[:top]
    by_own = sorted(rows, key=lambda item: item[1][2], reverse=True)[:top]
    areas: dict[str, float] = {}
    for (file, _line, _func), (_cc, _nc, tt, _ct, _callers) in rows:
        area = _area(file)
        areas[area] = areas.get(area, 0.0) + tt

    def entry(item) -> dict:
        (file, line, func), (_cc, nc, tt, ct, _callers) = item
        return {
            "function": name(file, line, func),
            "cumulative_s": round(ct, 3),
            "cumulative_pct": round(100 * ct / total, 1),
            "own_s": round(tt, 3),
            "calls": nc,
        }

    return {
        "profiled_s": round(total, 3),
        "top_by_cumulative": [entry(item) for item in by_cum],
        "top_by_own_time": [entry(item) for item in by_own],
        "own_time_by_area_pct": {
            area: round(100 * tt / total, 1)
            for area, tt in sorted(areas.items(), key=lambda item: -item[1])
            if tt / total >= 0.005
        },
    }


def target(value, limit, ok: bool, note: str = "") -> dict:
    result = {"value": value, "limit": limit, "pass": bool(ok)}
    if note:
        result["note"] = note
    return result


def fmt(value, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"

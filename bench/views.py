"""Benchmark of counting views: POST /api/movies/view through Daphne with Redis, against a constant 202.

    .venv/bin/python bench/views.py              # 200 clients, 20 s per phase
    .venv/bin/python bench/views.py --quick      # 200 clients, 8 s per phase
    .venv/bin/python bench/views.py --help

Everything runs on 127.0.0.1: a private redis-server (nothing on disk), a throw-away
SQLite database (migrated here, one title), one Daphne process serving
cinestream.asgi:application with DEBUG on, and an asyncio load generator in this
process holding C keep-alive connections. The same Daphne answers both phases:
"baseline" posts to /api/movies/view-baseline (the same parsing and middleware, a
constant 202, DEBUG only), "ours" to /api/movies/view (the id resolved, one HINCRBY).
After the run the views are flushed (apps.trends.services.views_flush, in a manage.py
process) and the database must hold every view answered 202.

Targets: ours >= 60% of the baseline's views/s (both closed-loop: each client sends its
next request when answered), ours' p99 < 50 ms at C=200, every accepted view counted
after the flush. Closed-loop latency is only C / throughput (Little's law), so the p99
is measured in a third phase with the C clients paced to --paced-fraction of ours' top
rate; the closed-loop p99 is reported beside it. The machine is shared: figures are noisy.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DAPHNE = str(Path(sys.executable).parent / "daphne")
TMDB_ID = 27205
PATHS = {"baseline": "/api/movies/view-baseline", "ours": "/api/movies/view"}


def log(message: str) -> None:
    print(f"[bench/views] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _client(
    port: int, path: str, body: bytes, until: float, latencies: list[float], counts: dict, interval: float
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    # Paced clients start spread over one interval, so the load is even rather than in waves.
    next_at = time.monotonic() + random.uniform(0, interval)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    try:
        while time.monotonic() < until:
            if interval:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            status = int(status_line.split()[1]) if status_line else 0
            counts[status] = counts.get(status, 0) + 1
            if not status_line:
                break
    finally:
        writer.close()


async def _load(port: int, path: str, clients: int, seconds: float, rate: float = 0.0) -> dict:
    """C clients for some seconds: as fast as answered (rate 0), or `rate` requests/s in all."""
    interval = clients / rate if rate else 0.0
    body = json.dumps({"tmdb_id": TMDB_ID}).encode()
    latencies: list[float] = []
    counts: dict[int, int] = {}
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        *(_client(port, path, body, until, latencies, counts, interval) for _ in range(clients))
    )
    elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "accepted": counts.get(202, 0),
        "statuses": {str(status): count for status, count in sorted(counts.items())},
        "seconds": round(elapsed, 3),
        "per_second": round(counts.get(202, 0) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 2),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 2),
        "max_ms": round(1000 * max(latencies, default=0.0), 2),
    }


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


SETUP = f"""
from apps.catalog.models import Source, Title
Title.objects.get_or_create(imdb_id="tt1375666", defaults=dict(
    title_type="movie", primary_title="Inception", tmdb_id={TMDB_ID}, source=Source.TMDB))
"""
FLUSH = """
from apps.trends.services import views_flush
from apps.trends.models import TitleViews
views_flush()
print(sum(TitleViews.objects.values_list("views", flat=True)))
"""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="8 s per phase instead of 20")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, help="per phase (20; quick 8)")
    parser.add_argument("--ratio-target", type=float, default=0.6)
    parser.add_argument("--p99-target-ms", type=float, default=50.0)
    parser.add_argument(
        "--paced-fraction",
        type=float,
        default=0.5,
        help="p99 is measured with the C clients paced to this fraction of ours' top rate (0.5)",
    )
    args = parser.parse_args()
    seconds = args.seconds or (8.0 if args.quick else 20.0)

    workdir = Path(tempfile.mkdtemp(prefix="bench-views-"))
    redis_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "CINESTREAM_ENV_FILE": "",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "TRENDS_REDIS_PREFIX": "bench:trends",
        # Every client posts from 127.0.0.1: the per-address write limit must not be what is measured.
        "API_WRITE_RATE": "100000000/second",
        "LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen] = []
    report: dict = {"benchmark": "views", "clients": args.clients, "seconds_per_phase": seconds}
    try:
        redis_server = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(redis_server)
        wait_port(redis_port, redis_server)
        log("migrating a throw-away SQLite database")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shell", "-c", SETUP)
        daphne = subprocess.Popen(
            [DAPHNE, "-b", "127.0.0.1", "-p", str(web_port), "cinestream.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(daphne)
        wait_port(web_port, daphne)
        log("warming up")
        warm = {phase: asyncio.run(_load(web_port, path, 10, 1.0)) for phase, path in PATHS.items()}
        phases = {}
        for phase, path in PATHS.items():
            log(f"{phase}: {args.clients} clients for {seconds} s")
            phases[phase] = asyncio.run(_load(web_port, path, args.clients, seconds))
            log(f"{phase}: {phases[phase]['per_second']} views/s, p99 {phases[phase]['p99_ms']} ms")
        rate = args.paced_fraction * phases["ours"]["per_second"]
        log(f"ours, paced: {args.clients} clients sending {rate:.0f} views/s in all for {seconds} s")
        phases["ours_paced"] = asyncio.run(_load(web_port, PATHS["ours"], args.clients, seconds, rate))
        phases["ours_paced"]["rate_asked"] = round(rate, 1)
        log(f"ours, paced: p99 {phases['ours_paced']['p99_ms']} ms")
        counted = int(manage(env, "shell", "-c", FLUSH).strip().splitlines()[-1])
        expected = warm["ours"]["accepted"] + phases["ours"]["accepted"] + phases["ours_paced"]["accepted"]
        ratio = phases["ours"]["per_second"] / phases["baseline"]["per_second"]
        report |= {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
            "phases": phases,
            "targets": {
                "ratio": {
                    "value": round(ratio, 3),
                    "limit": args.ratio_target,
                    "pass": ratio >= args.ratio_target,
                },
                "p99_ms": {
                    "value": phases["ours_paced"]["p99_ms"],
                    "unpaced": phases["ours"]["p99_ms"],
                    "limit": args.p99_target_ms,
                    "pass": phases["ours_paced"]["p99_ms"] < args.p99_target_ms,
                },
                "counted": {"value": counted, "accepted": expected, "pass": counted == expected},
            },
        }
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        log(f"could not run: {exc}")
        return 1
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
    print(json.dumps(report, indent=2))
    targets = report["targets"]
    verdict = "PASS" if all(target["pass"] for target in targets.values()) else "FAIL"
    print(
        f"views: ours {report['phases']['ours']['per_second']}/s = {100 * targets['ratio']['value']:.0f}% of "
        f"baseline {report['phases']['baseline']['per_second']}/s (target >= {100 * args.ratio_target:.0f}%), "
        f"p99 {targets['p99_ms']['value']} ms paced at {report['phases']['ours_paced']['rate_asked']}/s "
        f"({targets['p99_ms']['unpaced']} ms unpaced; target < {args.p99_target_ms:.0f}), "
        f"counted {targets['counted']['value']}/{targets['counted']['accepted']} [{verdict}]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of pages through nginx over the 12 Daphne processes deploy.sh sets up, against a
bare Daphne hello-world behind the same nginx in the same run.

    .venv/bin/python bench/http.py              # 200 connections, 15 s per phase
    .venv/bin/python bench/http.py --quick      # 200 connections, 6 s per phase
    .venv/bin/python bench/http.py --help

Everything runs on 127.0.0.1. deploy.sh renders its files under a temporary DEPLOY_ROOT
(tests/deploy/live.py) with a throw-away SQLite database and a private redis-server (cache,
sessions, channel layer); the 12 Daphne processes start with the rendered unit's ExecStart
(DEBUG off, under /cinestream/) and nginx with the rendered configuration. The baseline is
bench/http_hello.py (a constant page) in 12 more Daphne processes behind an upstream of the
same shape (ip_hash, keepalive) in the same nginx, at /hello/.

Pages: the home page, the catalog list and a city's showtimes page (a covered city with 40
sessions of 8 movies, created through the test factories). nginx's ip_hash sends every client
address to one process, so the load generator (asyncio, keep-alive connections, in this
process) spreads its connections over 200 loopback addresses (127.0.N.1), as many visitors
would be; wrk cannot choose its source address and would load one process only.

Each target gets a warm-up, a closed-loop phase (each connection sends its next request when
answered: the top rate) between two half-length closed-loop phases of the baseline (a page's
ratio is to their mean: the shared machine's speed drifts between phases) and a paced phase at --paced-fraction of its own top rate, where the
p99 is measured (closed-loop latency is only connections / throughput). Targets: every page's
requests/s >= 50% of the baseline's, paced p99 < 100 ms at 200 connections, zero errors. The
baseline's own paced p99 is this machine's floor (nginx, Daphne and this load generator
sharing its cores), printed beside the pages'.
The machine is shared: figures are noisy.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path and "http" would be this file, not the
# standard library's package (which urllib3 and requests import): drop the folder.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
os.environ.setdefault("CINESTREAM_ENV_FILE", "")

from tests.deploy.live import SYSTEMD_PATH, Deployment  # noqa: E402
from tests.deploy.support import APP, env_file_read, free_port_range, unit_exec_start  # noqa: E402
from tests.support.processes import redis_server_start  # noqa: E402

DAPHNE = str(Path(sys.executable).parent / "daphne")
SOURCES = [f"127.0.{n}.1" for n in range(1, 201)]
PAGES = {"home": "/cinestream/", "catalog": "/cinestream/catalog/", "city": "/cinestream/showtimes/kyiv/"}
CITY = """
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CityMovieFactory, CoveredLocationFactory, SessionFactory, kyiv_at, kyiv_today
city = CoveredLocationFactory(city="Kyiv", slug="kyiv")
for number in range(8):
    movie = CityMovieFactory(location=city, title=TitleFactory(primary_title=f"Bench movie {number}"))
    for hour in range(5):
        SessionFactory(movie=movie, starts_at=kyiv_at(kyiv_today(), 12 + 2 * hour))
print("city ready")
"""


def log(message: str) -> None:
    print(f"[bench/http] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


async def _connection(
    port: int, path: str, source: str, until: float, interval: float, latencies: list[float], counts: dict
) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n\r\n".encode()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    except OSError:
        counts["connect_error"] = counts.get("connect_error", 0) + 1
        return
    next_at = time.monotonic() + random.uniform(0, interval)
    try:
        while time.monotonic() < until:
            if interval:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:
                counts["closed"] = counts.get("closed", 0) + 1
                return
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                await reader.readexactly(int(headers["content-length"]))
            else:  # chunked
                while size := int((await reader.readline()).strip() or b"0", 16):
                    await reader.readexactly(size + 2)
                await reader.readline()
            latencies.append(time.perf_counter() - started)
            status = status_line.split()[1].decode()
            counts[status] = counts.get(status, 0) + 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        counts["error"] = counts.get("error", 0) + 1
    finally:
        writer.close()


async def _load(port: int, path: str, connections: int, seconds: float, rate: float = 0.0) -> dict:
    interval = connections / rate if rate else 0.0
    latencies: list[float] = []
    counts: dict[str, int] = {}
    started = time.monotonic()
    await asyncio.gather(
        *(
            _connection(port, path, SOURCES[n % len(SOURCES)], started + seconds, interval, latencies, counts)
            for n in range(connections)
        )
    )
    elapsed = time.monotonic() - started
    ok = counts.get("200", 0)
    return {
        "requests": len(latencies),
        "statuses": dict(sorted(counts.items())),
        "errors": sum(count for status, count in counts.items() if status != "200"),
        "per_second": round(ok / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "max_ms": round(1000 * max(latencies, default=0.0), 1),
    }


def target(port: int, path: str, args: argparse.Namespace, baseline_path: str | None = None) -> dict:
    """A page's top rate and paced latency; with `baseline_path`, the baseline's top rate
    measured just before and just after the page's, for a ratio the shared machine's drift
    between phases does not skew."""
    asyncio.run(_load(port, path, args.connections, 2.0))  # warm-up: caches, connections
    beside = []
    if baseline_path:
        beside.append(asyncio.run(_load(port, baseline_path, args.connections, args.seconds / 2)))
    top = asyncio.run(_load(port, path, args.connections, args.seconds))
    if baseline_path:
        beside.append(asyncio.run(_load(port, baseline_path, args.connections, args.seconds / 2)))
    paced = asyncio.run(
        _load(
            port, path, args.connections, args.seconds, rate=max(1.0, top["per_second"] * args.paced_fraction)
        )
    )
    result = {"path": path, "closed_loop": top, "paced": paced}
    if beside:
        result["baseline_beside_per_second"] = round(
            sum(run["per_second"] for run in beside) / len(beside), 1
        )
    return result


def hello_start(deployment: Deployment, logs: Path) -> list[subprocess.Popen]:
    """12 hello-world Daphne processes, and their upstream and location in the same nginx."""
    first = free_port_range(12)
    ports = list(range(first, first + 12))
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
    ours = deployment.root / "etc/nginx/cinestream"
    (ours / "sites/zz-hello.conf").write_text(
        f"upstream hello {{\n    ip_hash;\n{servers}\n    keepalive 64;\n}}\n"
    )
    (ours / "prefixed/zz-hello.conf").write_text(
        f"location /hello/ {{\n    proxy_pass http://hello;\n    include {ours}/proxy.conf;\n"
        f'    proxy_set_header Connection "";\n    include {ours}/headers-{APP}.conf;\n}}\n'
    )
    return [
        subprocess.Popen(
            [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "bench.http_hello:application"],
            cwd=BASE_DIR,
            stdout=(logs / f"hello-{port}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]


def ports_wait(ports: list[int], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nothing listens on {port} after {timeout} s") from None
                time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="6 s per phase instead of 15")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, help="per phase (15; quick 6)")
    parser.add_argument("--paced-fraction", type=float, default=0.5)
    parser.add_argument("--ratio-target", type=float, default=0.5)
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        help="PAGE_CACHE_SECONDS of the 12 processes (the settings' default)",
    )
    parser.add_argument("--p99-target-ms", type=float, default=100.0)
    args = parser.parse_args()
    args.seconds = args.seconds or (6.0 if args.quick else 15.0)

    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    logs = workdir / "logs"
    logs.mkdir()
    redis_process, redis_port = redis_server_start()
    deployment = Deployment(
        workdir / "root",
        {
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "LOG_LEVEL": "warning",
            **(
                {"PAGE_CACHE_SECONDS": str(args.page_cache_seconds)}
                if args.page_cache_seconds is not None
                else {}
            ),
        },
    )
    processes: list[subprocess.Popen] = []
    report: dict = {"benchmark": "http", "connections": args.connections, "seconds_per_phase": args.seconds}
    try:
        log(f"deploy.sh init-server under {deployment.root} (migrations, static files)")
        deployment.render()
        env = {"PATH": SYSTEMD_PATH, **env_file_read(deployment.env_file)}
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CITY],
            cwd=deployment.app_dir,
            env={**env, "PYTHONPATH": str(deployment.app_dir)},
            check=True,
            capture_output=True,
            timeout=300,
        )
        log("starting 12 Daphne processes (the rendered unit's ExecStart) and 12 hello-world ones")
        template = deployment.units / f"{APP}-daphne@.service"
        for port in deployment.ports:
            processes.append(
                subprocess.Popen(
                    unit_exec_start(template, i=str(port)),
                    cwd=deployment.app_dir,
                    env=env,
                    stdout=(logs / f"daphne-{port}.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        processes += hello_start(deployment, logs)
        ports_wait(deployment.ports)
        deployment.nginx_start()
        results = {"baseline": target(deployment.http_port, "/hello/", args)}
        log(f"baseline: {results['baseline']['closed_loop']['per_second']} requests/s")
        for name, path in PAGES.items():
            results[name] = target(deployment.http_port, path, args, baseline_path="/hello/")
            log(f"{name}: {results[name]['closed_loop']['per_second']} requests/s")
    except (RuntimeError, AssertionError, subprocess.CalledProcessError) as exc:
        log(f"could not run: {exc}")
        return 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)
        deployment.stop()
        redis_process.stop()

    baseline = results["baseline"]["closed_loop"]["per_second"]
    verdicts = {}
    for name in PAGES:
        page = results[name]
        beside = page["baseline_beside_per_second"]
        verdicts[name] = {
            "ratio_to_baseline": round(page["closed_loop"]["per_second"] / beside, 3) if beside else None,
            "ratio_ok": bool(beside) and page["closed_loop"]["per_second"] >= args.ratio_target * beside,
            "p99_ok": page["paced"]["p99_ms"] < args.p99_target_ms,
            "errors_ok": page["closed_loop"]["errors"] + page["paced"]["errors"] == 0,
        }
    report.update(
        results=results,
        verdicts=verdicts,
        targets={"ratio": args.ratio_target, "p99_ms": args.p99_target_ms, "errors": 0},
        machine={"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
    )
    print(json.dumps(report, indent=2))
    summary = "; ".join(
        f"{name} {results[name]['closed_loop']['per_second']}/s "
        f"({verdicts[name]['ratio_to_baseline']:.0%} of the baseline's "
        f"{results[name]['baseline_beside_per_second']}/s beside it), paced p99 {results[name]['paced']['p99_ms']} ms, "
        f"errors {results[name]['closed_loop']['errors'] + results[name]['paced']['errors']}"
        for name in PAGES
    )
    floor = results["baseline"]["paced"]["p99_ms"]
    print(f"bench/http: baseline {baseline}/s, paced p99 {floor} ms; {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of showtimes runs against the Gemini stand-in answering in 200 ms a call.

    .venv/bin/python bench/showtimes.py                  # 10 cinemas, 20 movies, 500 requests
    .venv/bin/python bench/showtimes.py --requests 100   # a lighter concurrency part

Everything runs on 127.0.0.1: a throw-away PostgreSQL database (migrated here, dropped at
the end), a private redis-server, the stand-in (tests/standins/gemini.py, a fake city of
--cinemas cinemas and --movies movies, --delay seconds before every answer) in this process.

Measured in a Django child (bench/showtimes_worker.py): calls, tokens and wall time of the
first full run of the city; of the next day's refresh (the stored days moved one day back);
and, as the same-run baseline, the original plan (one query per movie per day over the
14 days, no early stop, no memory of days asked) with the same parallelism
(SHOWTIMES_PARALLEL_MOVIES at its default, GEMINI_MAX_PARALLEL_CALLS=8: the client's bound on
calls in flight) and the same trust rules counting the sessions it would store.

Then --requests simultaneous visits of another, uncovered city's page (`GET /showtimes/{slug}/`,
which asks for a run when the window is not covered), spread over 2 Daphne processes, with one
Celery worker: exactly one run may happen, and afterwards every visit of the page must show
the city's sessions.

Targets: the refresh spends at most 5% of the first run's tokens; tokens per stored session
no more than the original plan's; the first run under 20 s; exactly one run for the burst.
Prints one JSON document on stdout, then a one-line summary with PASS/FAIL; progress on stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# This folder off the path (its http.py would shadow the standard library's), the repository on.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from bench.etl_common import BASE_DIR, PYTHON, STARTED, Database, Logger, django_env, fmt, migrate, target
from tests.standins.gemini import FakeCity, GeminiStandin
from tests.support.processes import VENV_BIN, WatchedProcess, daphne_start, redis_server_start

log = Logger("showtimes")


def burst(*, urls: list[str], slug: str, count: int) -> dict:
    def ask(index: int) -> int:
        return requests.get(f"{urls[index % len(urls)]}/showtimes/{slug}/", timeout=120).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(count, 100)) as pool:
        answers = list(pool.map(ask, range(count)))
    return {
        "requests": count,
        "seconds": round(time.monotonic() - started, 2),
        "statuses": {str(status): answers.count(status) for status in set(answers)},
    }


def concurrency(args: argparse.Namespace, db: Database, env: dict[str, str]) -> dict:
    redis, port = redis_server_start()
    env = {**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db.name,
        "USER": "postgres",
        "HOST": "127.0.0.1",
    }
    servers = []
    worker = None
    try:
        servers = [daphne_start(database, **env) for _ in range(2)]
        worker = WatchedProcess(
            [str(VENV_BIN / "celery"), "-A", "cinestream", "worker", "-c", "1", "-Q", "cinestream"],
            env={**django_env(db.url, extra=env)},
            name="celery-worker",
        )
        urls = [url for _server, url in servers]
        db.execute(
            "INSERT INTO showtimes_location (city, country, slug, time_zone, status, last_error, created_at, updated_at) "
            "VALUES ('Lviv', 'Ukraine', 'lviv', 'Europe/Kyiv', 'idle', '', now(), now())"
        )
        log(
            f"{args.requests} simultaneous visits of an uncovered city's page over {len(urls)} Daphne processes"
        )
        result = burst(urls=urls, slug="lviv", count=args.requests)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if db.query("SELECT status FROM showtimes_location WHERE slug = 'lviv'")[0][0] in (
                "ready",
                "failed",
            ):
                break
            time.sleep(0.5)
        result["runs"] = int(
            db.query(
                "SELECT count(*) FROM showtimes_showtimesrun r JOIN showtimes_location l ON l.id = r.location_id "
                "WHERE l.slug = 'lviv'"
            )[0][0]
        )

        def shown(index: int) -> bool:
            reply = requests.get(f"{urls[index % len(urls)]}/showtimes/lviv/", timeout=120)
            return reply.status_code == 200 and 'data-testid="session-time"' in reply.text

        with ThreadPoolExecutor(max_workers=min(args.requests, 100)) as pool:
            result["pages_showing_ready"] = sum(pool.map(shown, range(args.requests)))
        return result
    finally:
        if worker is not None:
            worker.stop()
        for server, _url in servers:
            server.stop()
        redis.stop()


def summary(report: dict) -> str:
    if "error" in report:
        return f"showtimes bench: ERROR {report['error']}"
    parts = []
    for name, result in report["targets"].items():
        parts.append(
            f"{name} {fmt(result['value'])} (limit {result['limit']}) [{'PASS' if result['pass'] else 'FAIL'}]"
        )
    return f"showtimes bench: {'PASS' if report['pass'] else 'FAIL'}; " + "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cinemas", type=int, default=10)
    parser.add_argument("--movies", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the stand-in takes per answer")
    parser.add_argument("--requests", type=int, default=500, help="simultaneous scrape requests (0: skip)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument(
        "--database", default="cinestream_bench_showtimes", help="created and dropped for the run"
    )
    args = parser.parse_args()
    report: dict = {"settings": vars(args).copy()}
    standin = GeminiStandin(city=FakeCity(cinemas=args.cinemas, movies=args.movies), delay=args.delay).start()
    db = None
    try:
        db = Database(args.postgres, args.database)
        log(f"migrating {db.name}")
        migrate(db.url)
        env = {
            "GEMINI_API_KEY": standin.api_key,
            "GEMINI_BASE_URL": standin.base_url,
            "GEMINI_DAILY_TOKEN_BUDGET": "0",
            "GEMINI_DAILY_COST_BUDGET_USD": "0",
            "GEMINI_MAX_PARALLEL_CALLS": "8",
        }
        log("first run, next day's refresh, original plan")
        child = subprocess.run(
            [PYTHON, str(BASE_DIR / "bench" / "showtimes_worker.py")],
            cwd=BASE_DIR,
            env=django_env(
                db.url, extra={**env, "BENCH_CINEMAS": str(args.cinemas), "BENCH_MOVIES": str(args.movies)}
            ),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if child.returncode:
            raise RuntimeError(f"worker exited {child.returncode}: {child.stderr[-2000:]}")
        report.update(json.loads(child.stdout.strip().splitlines()[-1]))
        first, refresh, original = report["first_run"], report["next_day_refresh"], report["original_plan"]
        ours_per_session = first["tokens"] / max(1, first["sessions_stored"])
        original_per_session = original["tokens"] / max(1, original["sessions_stored"])
        report["tokens_per_session"] = {
            "ours": round(ours_per_session, 1),
            "original": round(original_per_session, 1),
        }
        report["targets"] = {
            "refresh_token_share": target(
                round(refresh["tokens"] / max(1, first["tokens"]), 4),
                0.05,
                refresh["tokens"] <= 0.05 * first["tokens"],
            ),
            "tokens_per_session_vs_original": target(
                round(ours_per_session / original_per_session, 3),
                1.0,
                ours_per_session <= original_per_session,
            ),
            "first_run_seconds": target(
                first["seconds"], 20, first["seconds"] < 20 and first["status"] == "done"
            ),
        }
        if args.requests:
            result = concurrency(args, db, env)
            report["concurrency"] = result
            report["targets"]["runs_for_the_burst"] = target(
                result["runs"],
                1,
                result["runs"] == 1 and result["pages_showing_ready"] == args.requests,
                note="visits of the city page; afterwards every page shows its sessions",
            )
        report["pass"] = all(result["pass"] for result in report["targets"].values())
    except Exception as exc:
        report["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        standin.stop()
        if db is not None:
            db.drop()
    report["calls_seen_by_standin"] = len(standin.requests)
    report["max_in_flight"] = standin.max_in_flight
    report["seconds"] = round(time.monotonic() - STARTED, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(summary(report))
    return 1 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())

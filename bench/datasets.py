"""Benchmark of `manage.py import_imdb_datasets` against cinemagoer's raw dump (s32cinemagoer.py).

    .venv/bin/python bench/datasets.py                  # DEFAULT_TITLES titles (see below), < 10 min for ours
    .venv/bin/python bench/datasets.py --quick          # 20,000 titles
    .venv/bin/python bench/datasets.py --titles 1000000 # the 1M set (about 12 minutes with cinemagoer)

Everything runs on 127.0.0.1. Synthetic IMDb dataset files in the real format and
proportions are written to a temp dir (bench/etl_synth.py: title.basics; title.ratings
for one title in eight; title.crew; title.principals, ~8 a title; title.akas, ~4 a
title; name.basics, 1.2 names a title; gzip, header, tabs, `\\N`, no quoting, sorted by
tconst = tt + 7 zero-padded digits). Title types follow the real mix (about 20% of
titles are of the imported types movie, short, tvSeries, tvMiniSeries, tvMovie; the
rest are tvEpisode, video, ...; --wanted-share changes that).

1. Full import into a fresh, migrated database: `manage.py import_imdb_datasets --dir DIR
   --types movie,short,tvSeries,tvMiniSeries,tvMovie --min-votes 0 -v 0` (with --steps it
   runs through bench/etl_worker.py `manage` instead: the same entry point with step timers
   wrapped around the pipeline's functions, a rough split that slows it).
2. Daily refresh: 1% of titles change (new rating and vote count; a third of them also
   a new primaryTitle): title.basics and title.ratings are rewritten, the other files
   are the same; re-import into the same database.
3. Baseline: cinemagoer's `s32cinemagoer.py DIR postgresql+psycopg://...` (SQLAlchemy;
   psycopg 3 is the installed driver) loading the same files into a separate database
   on the same server (it loads every row of every file, then builds its indexes).
4. Profile: cProfile of a full import of --profile-titles titles (own files, fresh tables).

rows/s = input rows of all six files (headers excluded) / wall time of the process.
Peak RSS = the child's ru_maxrss from wait4 (and VmHWM polled from /proc while it ran).

Targets: our full import >= 2x faster than cinemagoer's on the same files (wall time),
refresh >= 20x faster than our full import, peak RSS < 1 GiB.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

# This folder off the path (its http.py would shadow the standard library's), the repository on.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.etl_common import (
    PYTHON,
    STARTED,
    WORKER,
    BenchError,
    Database,
    Logger,
    django_env,
    fmt,
    machine_load,
    migrate,
    profile_summary,
    run_child,
    target,
    wait_quiet,
)
from bench.etl_synth import HEADERS, REAL_WANTED_SHARE, datasets_write

log = Logger("datasets-bench")
# Chosen from --quick (20,000 titles: 38 s, ~1.9 s per 1,000 titles, batches growing slowly
# with the catalog): 200,000 titles (about 3M input rows) should take ours 6-8 minutes on
# this 2-core machine with the ORM pipeline. The 1M set: --titles 1000000.
DEFAULT_TITLES = 200_000
QUICK_TITLES = 20_000
TYPES = "movie,short,tvSeries,tvMiniSeries,tvMovie"
S32 = Path(PYTHON).parent / "s32cinemagoer.py"
COUNTED_TABLES = [
    "catalog_title",
    "catalog_person",
    "catalog_credit",
    "catalog_title_genres",
    "catalog_localizedtitle",
    "stream_event",
]
SUMMARY_LINE = re.compile(
    r"people (\d+); titles read (\d+), inserted (\d+), updated (\d+), unchanged (\d+), rejected (\d+); "
    r"events (\d+); malformed lines (\d+); ([\d.]+) s"
)


def generate(folder: Path, titles: int, args, *, refresh_share: float = 0.0, only=None) -> tuple[dict, float]:
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    counts = datasets_write(
        folder,
        titles,
        seed=args.seed,
        wanted_share=args.wanted_share,
        refresh_share=refresh_share,
        only=only,
        level=args.gzip_level,
    )
    return counts, time.monotonic() - started


def files_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob("*.tsv.gz"))


def command_summary(text: str) -> dict:
    match = SUMMARY_LINE.search(text)
    if not match:
        return {}
    keys = (
        "people",
        "read",
        "inserted",
        "updated",
        "unchanged",
        "rejected",
        "events",
        "malformed",
        "seconds",
    )
    values = [float(v) if k == "seconds" else int(v) for k, v in zip(keys, match.groups(), strict=True)]
    return dict(zip(keys, values, strict=True))


def import_ours(
    args,
    db: Database,
    workdir: Path,
    folder: Path,
    label: str,
    input_rows: int,
    *,
    profile: Path | None = None,
) -> dict:
    manage_args = [
        "import_imdb_datasets",
        "--dir",
        str(folder),
        "--types",
        TYPES,
        "--min-votes",
        "0",
        "-v",
        "0",
    ]
    env = django_env(db.url, debug=args.debug)
    if args.plain and not profile:
        command = [PYTHON, "manage.py", *manage_args]
    else:
        command = (
            [PYTHON, WORKER, "manage"]
            + (["--profile", str(profile), "--no-steps"] if profile else [])
            + ["--", *manage_args]
        )

    def progress() -> str:
        titles, people = db.query(
            "SELECT (SELECT count(*) FROM catalog_title), (SELECT count(*) FROM catalog_person)"
        )[0]
        return f", {titles:,} titles and {people:,} people stored"

    log(f"{label}: {' '.join(command[1:3])} ... import_imdb_datasets --dir {folder.name}")
    run, result = run_child(
        label,
        command,
        env=env,
        log_path=workdir / f"{label}.log",
        timeout=args.timeout,
        log=log,
        on_heartbeat=progress,
        expect_json=not (args.plain and not profile),
    )
    output = run.log_path.read_text(errors="replace")
    wall = run.wall_s or 0.0
    entry = {
        "command": " ".join(["python", "manage.py", *manage_args])
        + ("" if args.plain and not profile else "  (via bench/etl_worker.py manage: step timers)"),
        "process_wall_s": round(wall, 2),
        "input_rows": input_rows,
        "rows_per_s": round(input_rows / wall, 1) if wall else None,
        "peak_rss_kb": run.peak_rss_kb,
        "peak_rss_kb_wait4": run.maxrss_kb,
        "peak_rss_kb_polled": run.hwm_kb,
        "command_output": command_summary(output),
        "stored": db.counts(COUNTED_TABLES),
        "database_bytes": db.size_bytes(),
    }
    if result.get("steps"):
        entry["steps"] = result["steps"]
    log(
        f"{label}: {wall:.1f} s, {entry['rows_per_s']:,.0f} input rows/s, peak RSS "
        f"{entry['peak_rss_kb'] / 1024:.0f} MB; {entry['command_output']}"
    )
    return entry


def import_cinemagoer(args, workdir: Path, folder: Path, input_rows: int) -> dict:
    if not S32.exists():
        raise BenchError(f"{S32} not found: .venv/bin/pip install -r requirements-bench.txt")
    db = Database(args.postgres, args.cinemagoer_database)
    try:
        parts = urlsplit(db.url)
        uri = f"postgresql+psycopg://{parts.netloc}{parts.path}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
        env["PYTHONUNBUFFERED"] = "1"
        log(f"cinemagoer: s32cinemagoer.py {folder.name} {uri}")

        def progress() -> str:
            rows = db.query(
                "SELECT coalesce(sum(n_live_tup), 0) FROM pg_stat_user_tables WHERE schemaname = 'public'"
            )[0][0]
            return f", ~{int(rows):,} rows stored"

        run, _ = run_child(
            "cinemagoer",
            [PYTHON, str(S32), str(folder), uri],
            env=env,
            log_path=workdir / "cinemagoer.log",
            timeout=args.timeout,
            log=log,
            on_heartbeat=progress,
            expect_json=False,
        )
        tables = [
            row[0]
            for row in db.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        wall = run.wall_s or 0.0
        entry = {
            "command": f"s32cinemagoer.py DIR {uri}",
            "version": _cinemagoer_version(),
            "process_wall_s": round(wall, 2),
            "input_rows": input_rows,
            "rows_per_s": round(input_rows / wall, 1) if wall else None,
            "peak_rss_kb": run.peak_rss_kb,
            "stored": db.counts(tables),
            "database_bytes": db.size_bytes(),
            "log_tail": run.tail(8).splitlines(),
        }
        log(
            f"cinemagoer: {wall:.1f} s, {entry['rows_per_s']:,.0f} rows/s, peak RSS {run.peak_rss_kb / 1024:.0f} MB"
        )
        return entry
    finally:
        if not args.keep_database:
            db.drop()


def _cinemagoer_version() -> str | None:
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        return version("cinemagoer")
    return None


def summary(report: dict) -> str:
    parts = []
    ours, refresh, baseline = report.get("ours_full"), report.get("ours_refresh"), report.get("cinemagoer")
    t = report.get("targets", {})
    titles = report.get("config", {}).get("titles", 0)
    if ours:
        parts.append(
            f"{titles:,} titles ({report['files']['input_rows']:,} rows): ours {ours['process_wall_s']:.0f} s "
            f"({ours['rows_per_s']:,.0f} rows/s, {ours['peak_rss_kb'] / 1024:.0f} MB)"
        )
    if baseline:
        parts.append(
            f"cinemagoer {baseline['process_wall_s']:.0f} s ({baseline['rows_per_s']:,.0f} rows/s)"
            + (
                f": ours is {fmt(t['full_vs_cinemagoer']['value'])}x as fast (target >= 2) "
                f"[{'PASS' if t['full_vs_cinemagoer']['pass'] else 'FAIL'}]"
                if "full_vs_cinemagoer" in t
                else ""
            )
        )
    if refresh:
        parts.append(
            f"1% refresh {refresh['process_wall_s']:.0f} s"
            + (
                f" = {fmt(t['refresh_speedup']['value'], 1)}x faster (target >= 20) "
                f"[{'PASS' if t['refresh_speedup']['pass'] else 'FAIL'}]"
                if "refresh_speedup" in t
                else ""
            )
        )
    if "peak_rss" in t:
        parts.append(
            f"peak RSS {fmt(t['peak_rss']['value'], 0)} MB (< 1024) [{'PASS' if t['peak_rss']['pass'] else 'FAIL'}]"
        )
    if ours and ours.get("steps"):
        groups = ours["steps"]["groups_pct"]
        parts.append("time: " + ", ".join(f"{k} {v:.0f}%" for k, v in groups.items() if v >= 1))
    if "error" in report:
        parts.append(f"ERROR: {report['error'].splitlines()[0]}")
    return "datasets: " + "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_TITLES:,} titles")
    parser.add_argument(
        "--titles", type=int, help=f"titles in title.basics ({DEFAULT_TITLES:,}; quick {QUICK_TITLES:,})"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--wanted-share",
        type=float,
        default=REAL_WANTED_SHARE,
        help=f"share of titles of the imported types ({REAL_WANTED_SHARE}, as in the real files)",
    )
    parser.add_argument(
        "--refresh-share", type=float, default=0.01, help="titles changed by the refresh (0.01)"
    )
    parser.add_argument("--gzip-level", type=int, default=6)
    parser.add_argument("--no-baseline", action="store_true", help="skip cinemagoer")
    parser.add_argument("--no-refresh", action="store_true")
    parser.add_argument(
        "--profile-titles", type=int, help=f"titles of the cProfile run ({QUICK_TITLES:,}; 0: no profile run)"
    )
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument(
        "--steps",
        action="store_true",
        help="run the imports through bench/etl_worker.py's step timers (a rough split; they slow it)",
    )
    parser.add_argument("--debug", action="store_true", help="run the import with DEBUG=true (query logging)")
    parser.add_argument("--timeout", type=float, help="seconds allowed per import (default from the size)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument("--database", default="cinestream_bench_datasets", help="ours; created and dropped")
    parser.add_argument(
        "--cinemagoer-database", default="cinemagoer_bench", help="the baseline's; created and dropped"
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--keep-files", action="store_true", help="keep the generated files and logs")
    parser.add_argument("--wait-busy", type=float, default=300.0, help="seconds to wait for other heavy jobs")
    args = parser.parse_args()
    args.titles = args.titles or (QUICK_TITLES if args.quick else DEFAULT_TITLES)
    args.plain = not args.steps  # manage.py itself unless the step split is asked for
    if args.profile_titles is None:
        args.profile_titles = QUICK_TITLES
    args.timeout = args.timeout or max(1800.0, args.titles * 0.03)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="cinestream-datasets-bench-"))
    report: dict = {
        "bench": "datasets",
        "mode": "quick" if args.quick else "full",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
            "loadavg_1m_at_start": machine_load(),
        },
        "config": {k: v for k, v in vars(args).items() if k != "postgres"},
        "definitions": {
            "rows_per_s": "input rows of the six files (headers excluded) / wall time of the import process",
            "peak_rss_kb": "max(ru_maxrss from wait4, VmHWM polled every 0.25 s) of the import process",
            "refresh_speedup": "full import wall time / refresh import wall time",
            "steps": "inclusive wall time of the pipeline functions wrapped where services.py calls them "
            "(read.* = time inside the file readers' iterators); parts_s are exclusive and add up to the "
            "command's wall time; db_execute_s = time inside cursor.execute, by innermost step",
        },
    }
    db = None
    interrupted_run = False
    try:
        report["busy_jobs_at_start"] = wait_quiet(log, args.wait_busy)
        full_dir = workdir / "full"
        log(f"writing {args.titles:,} titles of dataset files to {full_dir}")
        counts, seconds = generate(full_dir, args.titles, args)
        input_rows = sum(counts.values())
        report["files"] = {
            "dir": str(full_dir) if args.keep_files else "(temp, removed)",
            "rows": counts,
            "input_rows": input_rows,
            "bytes_gz": files_bytes(full_dir),
            "generation_s": round(seconds, 1),
            "wanted_types": TYPES,
            "rows_per_title": {name: round(counts[name] / args.titles, 3) for name in HEADERS},
        }
        log(
            f"wrote {input_rows:,} rows ({report['files']['bytes_gz'] / 1e6:.0f} MB gz) in {seconds:.0f} s: {counts}"
        )

        log(f"creating database {args.database!r}")
        db = Database(args.postgres, args.database)
        log(f"migrated in {migrate(db.url):.1f} s")
        ours = import_ours(args, db, workdir, full_dir, "ours-full", input_rows)
        report["ours_full"] = ours
        wanted = ours["command_output"].get("read") or ours["stored"]["catalog_title"]
        report["extrapolation"] = {
            "titles_imported": wanted,
            "seconds_per_1000_titles_in_files": round(1000 * ours["process_wall_s"] / args.titles, 3),
            "linear_estimate_1m_titles_s": round(ours["process_wall_s"] * 1_000_000 / args.titles),
            "note": "linear from this size; a lower bound: the enrich step's queries grow with the catalog",
        }

        if not args.no_refresh:
            refresh_dir = workdir / "refresh"
            refresh_dir.mkdir()
            for name in ("title.crew", "title.principals", "title.akas", "name.basics"):
                os.link(full_dir / f"{name}.tsv.gz", refresh_dir / f"{name}.tsv.gz")
            refreshed_counts, seconds = generate(
                refresh_dir,
                args.titles,
                args,
                refresh_share=args.refresh_share,
                only=("title.basics", "title.ratings"),
            )
            refresh_rows = input_rows - counts["title.ratings"] + refreshed_counts["title.ratings"]
            report["refresh_files"] = {
                "changed_share": args.refresh_share,
                "rewritten": refreshed_counts,
                "input_rows": refresh_rows,
                "generation_s": round(seconds, 1),
            }
            refresh = import_ours(args, db, workdir, refresh_dir, "ours-refresh", refresh_rows)
            report["ours_refresh"] = refresh

        if not args.no_baseline:
            report["cinemagoer"] = import_cinemagoer(args, workdir, full_dir, input_rows)

        targets = {}
        if "cinemagoer" in report:
            ratio = report["cinemagoer"]["process_wall_s"] / ours["process_wall_s"]
            targets["full_vs_cinemagoer"] = target(
                round(ratio, 3),
                2.0,
                ratio >= 2.0,
                f"cinemagoer {report['cinemagoer']['process_wall_s']:.1f} s / ours {ours['process_wall_s']:.1f} s",
            )
        if "ours_refresh" in report:
            speedup = ours["process_wall_s"] / report["ours_refresh"]["process_wall_s"]
            targets["refresh_speedup"] = target(
                round(speedup, 2),
                20.0,
                speedup >= 20.0,
                f"full {ours['process_wall_s']:.1f} s / refresh {report['ours_refresh']['process_wall_s']:.1f} s",
            )
        peak = max(report[k]["peak_rss_kb"] for k in ("ours_full", "ours_refresh") if k in report) / 1024
        targets["peak_rss"] = target(
            round(peak, 1), 1024, peak < 1024, "MB, max of our full import and refresh"
        )
        report["targets"] = targets

        if args.profile_titles:
            if args.profile_titles == args.titles:
                profile_dir = full_dir
            else:
                profile_dir = workdir / "profile"
                generate(profile_dir, args.profile_titles, args)
            db.truncate_app_tables()
            profile_path = workdir / "datasets.prof"
            profiled = import_ours(args, db, workdir, profile_dir, "ours-profile", 0, profile=profile_path)
            report["profile"] = {
                "titles": args.profile_titles,
                "note": "cProfile of a full import on empty tables; it slows Python about 2x, not the "
                "database: read the shares; the step split of the measured runs is in ours_full.steps "
                "and ours_refresh.steps",
                "profiled_run_wall_s": profiled["process_wall_s"],
                "cprofile": profile_summary(profile_path, args.profile_top),
            }
    except (BenchError, OSError) as exc:
        log(f"bench failed: {exc}")
        report["error"] = str(exc)
    except KeyboardInterrupt as exc:
        log(f"interrupted ({exc or 'SIGINT'}); cleaning up, then printing what was measured")
        report["error"] = f"interrupted ({exc or 'SIGINT'}) before the end; partial results"
        interrupted_run = True
    except Exception as exc:  # psycopg, subprocess: report, still clean up
        log(f"bench failed: {type(exc).__name__}: {exc}")
        report["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if db and not args.keep_database:
            try:
                db.drop()
                log(f"dropped database {db.name!r}")
            except Exception as exc:
                log(f"could not drop database {db.name!r}: {exc}")
        if args.keep_files:
            log(f"files and logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    report["pass"] = bool(report.get("targets")) and all(t["pass"] for t in report["targets"].values())
    report["machine"]["loadavg_1m_at_end"] = machine_load()
    report["seconds"] = round(time.monotonic() - STARTED, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(summary(report))
    if interrupted_run:
        return 130
    return 1 if "error" in report else 0


if __name__ == "__main__":
    sys.exit(main())

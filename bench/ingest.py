"""Benchmark of the catalog ETL (`titles_ingest`) against a plain PostgreSQL COPY of the same rows.

    .venv/bin/python bench/ingest.py              # 10k and 100k records (a few minutes)
    .venv/bin/python bench/ingest.py --quick      # 2k and 10k records (a few minutes)
    .venv/bin/python bench/ingest.py --records 50000 --small 5000

Everything runs on 127.0.0.1 against a throw-away PostgreSQL database (migrated here,
dropped at the end). Synthetic raw records (bench/etl_synth.py: deterministic with
--seed; IMDb-like ids, Cyrillic and accented titles, 1-3 genres, a 30-word plot, 1-2
directors, 0-3 writers, 3-4 stars and 0-3 akas; people drawn from a pool of 0.6 x N so
they repeat) go through the whole pipeline, `titles_ingest(records,
source="imdb_datasets")`: validate -> clean -> normalize -> merge -> enrich -> publish
(events are stored in the event log; no Redis).

Each size runs in a fresh child process (bench/etl_worker.py) on freshly truncated
catalog and stream tables. Records are generated lazily, so the child's peak RSS
(VmHWM at the end, and ru_maxrss from wait4) is the pipeline's; the generator's own
cost is measured in a dry pass and reported (rates exclude it, as COPY's exclude
building its rows).

Baseline, same run, same database: psycopg 3 `cursor.copy()` of the same records, one
row each with the same scalar columns and genres as one text column, into a plain
LOGGED table without indexes (the catalog tables are logged too). For reference it
also reports COPY into an UNLOGGED table and COPY into a temp staging table followed by
`INSERT ... ON CONFLICT (imdb_id) DO UPDATE ... WHERE changed` into a table with a
primary key (twice: insert, then an unchanged re-run), and COPY of every row the
pipeline stores for the records (title, genres, credits, akas, people: ~10 a record)
into five plain tables ("all_rows": the database floor of a record's fan-out).

Reference, same run: the datasets import (`manage.py import_imdb_datasets`, bench/datasets.py's
synthetic files) storing as many titles as the large run, timed by the command itself. Its
files hold about five titles per stored one (IMDb's mix of types, skipped by the reader): per
title in the files it runs at 4,000-8,000/s, per stored title (the ETL's unit of work: a title
with its rows, enrichment and event) at about the ETL's rate. The proposed restatement of the
rate target, ETL records/s >= the datasets import's stored titles/s, is printed beside the
targets (`proposed_targets`, not counted in `pass`); --no-datasets skips it.

Targets (at the large size): the ETL's records/s >= 5% of the database floor, COPY of
every row a record becomes ("all_rows" above, records/s), measured in the same run; peak
RSS flat as records grow (large <= 1.5 x small). The ETL's rate is over the whole wall
time of `titles_ingest`, generating the records included: titles_ingest reads and
prepares them in its background producer, overlapped with merging, so generation's time
cannot be subtracted as it could when it ran in line. A profile section (cProfile of a run at --profile-records,
top 15 functions by cumulative and by own time, own time by package) and a time split
per pipeline step (measured in every run by wrapping the step functions; see
bench/etl_worker.py Steps) say where the time goes.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

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

log = Logger("ingest-bench")
COUNTED_TABLES = [
    "catalog_title",
    "catalog_person",
    "catalog_credit",
    "catalog_title_genres",
    "catalog_localizedtitle",
    "stream_event",
]


def worker_timeout(records: int, profile: bool = False) -> float:
    # Generous: today's pipeline runs at ~100 records/s; cProfile roughly doubles it.
    return max(600.0, records * (0.06 if profile else 0.03))


def ingest_run(
    args, db: Database, env: dict, workdir: Path, records: int, *, profile_path: Path | None = None
):
    db.truncate_app_tables()
    name = f"ingest-{records}" + ("-profile" if profile_path else "")
    command = [
        PYTHON,
        WORKER,
        "ingest",
        "--records",
        str(records),
        "--seed",
        str(args.seed),
        "--people-ratio",
        str(args.people_ratio),
    ]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    if profile_path:
        command += ["--profile", str(profile_path), "--no-steps"]
    log(f"{name}: starting ({'cProfile on' if profile_path else 'step timers on'})")

    def progress() -> str:
        count = db.query("SELECT count(*) FROM catalog_title")[0][0]
        return f", {count:,} titles stored"

    run, result = run_child(
        name,
        command,
        env=env,
        log_path=workdir / f"{name}.log",
        timeout=worker_timeout(records, bool(profile_path)),
        log=log,
        on_heartbeat=progress,
    )
    result["peak_rss_kb_wait4"] = run.maxrss_kb
    result["peak_rss_kb_polled"] = run.hwm_kb
    result["process_wall_s"] = round(run.wall_s or 0.0, 3)
    result["stored"] = db.counts(COUNTED_TABLES)
    result["database_bytes"] = db.size_bytes()
    log(
        f"{name}: {result['records']:,} records in {result['wall_s']:.1f} s = "
        f"{result['records_per_s_excl_generation']:,.0f} records/s (excl. generation), "
        f"VmHWM {result['vm_hwm_kb'] / 1024:.0f} MB; stored {result['stored']}"
    )
    return result


def copy_run(args, db: Database, env: dict, workdir: Path, records: int, variants: list[str]) -> dict:
    command = [PYTHON, WORKER, "copy", "--records", str(records), "--seed", str(args.seed)]
    command += ["--people-ratio", str(args.people_ratio)]
    for variant in variants:
        command += ["--variant", variant]
    name = f"copy-{records}"
    log(f"{name}: COPY baseline ({', '.join(variants)})")
    _run, result = run_child(name, command, env=env, log_path=workdir / f"{name}.log", timeout=900, log=log)
    for variant, entry in result["variants"].items():
        if variant == "all_rows":
            log(
                f"{name}: all_rows: {entry['rows']:,} rows ({entry['rows_per_record']} a record) in "
                f"{entry['seconds']:.3f} s = {entry['rows_per_s']:,.0f} rows/s = {entry['records_per_s']:,.0f} records/s"
            )
            continue
        log(
            f"{name}: {variant}: {entry['rows']:,} rows in {entry['seconds']:.3f} s = {entry['rows_per_s']:,.0f} rows/s"
        )
    return result


def datasets_run(args, db: Database, workdir: Path, stored_titles: int) -> dict:
    """The datasets import (`import_imdb_datasets`, bench/datasets.py's files) storing about as
    many titles as the ETL run: its rate per *stored* title, the same work (a title with its
    genres, credits, akas, people, enrichment and event), is the reference the ETL is held to.
    Its files hold about five titles per stored one (IMDb's mix of types), which the reader
    skips; counting those, as "titles/s" in the files, is what made it look several times faster."""
    from bench.datasets import TYPES, command_summary
    from bench.etl_synth import REAL_WANTED_SHARE, datasets_write

    folder, name = workdir / "datasets", f"datasets-{stored_titles}"
    titles_in_files = round(stored_titles / REAL_WANTED_SHARE)
    log(f"{name}: writing {titles_in_files:,} titles of dataset files")
    folder.mkdir()
    datasets_write(folder, titles_in_files, seed=args.seed)
    db.truncate_app_tables()
    command = [PYTHON, "manage.py", "import_imdb_datasets", "--dir", str(folder), "--types", TYPES]
    command += ["--min-votes", "0"]
    run, _result = run_child(
        name,
        command,
        env=django_env(db.url),
        log_path=workdir / f"{name}.log",
        timeout=worker_timeout(stored_titles),
        log=log,
        expect_json=False,
    )
    shutil.rmtree(folder, ignore_errors=True)
    # The command's own time: like the ETL's rate, without the process' start-up.
    output = command_summary(run.stdout.decode(errors="replace"))
    if not output.get("seconds"):
        raise BenchError(f"{name}: the import printed no summary line:\n{run.tail()}")
    entry = {"command_output": output, "process_wall_s": round(run.wall_s or 0.0, 2)}
    entry["peak_rss_kb"] = run.peak_rss_kb
    entry["stored"] = db.counts(COUNTED_TABLES)
    entry["titles_in_files"] = titles_in_files
    entry["titles_in_files_per_s"] = round(titles_in_files / output["seconds"], 1)
    entry["stored_titles_per_s"] = round(output["inserted"] / output["seconds"], 1)
    log(
        f"datasets-{stored_titles}: {output['inserted']:,} titles stored of {titles_in_files:,} in the files "
        f"in {output['seconds']:.1f} s = {entry['stored_titles_per_s']:,.0f} stored titles/s "
        f"({entry['titles_in_files_per_s']:,.0f} titles/s counting the files' titles)"
    )
    return entry


def summary(report: dict) -> str:
    if "error" in report and not report.get("runs"):
        return f"ingest: bench failed: {report['error'].splitlines()[0]}"
    parts = []
    t = report.get("targets", {})
    rate = t.get("etl_rate_vs_all_rows_copy")
    comparison = report.get("comparison", {})
    if rate:
        floor = comparison.get("copy_all_rows") or {}
        parts.append(
            f"{comparison.get('records', 0):,} records: ETL {fmt(comparison.get('etl_records_per_s'), 0)} rec/s vs "
            f"COPY of a record's {fmt(comparison.get('stored_rows_per_record'))} stored rows "
            f"{fmt(floor.get('records_per_s'), 0)} rec/s = {fmt(100 * (rate['value'] or 0), 2)}% "
            f"(target >= {fmt(100 * rate['limit'], 0)}%) [{'PASS' if rate['pass'] else 'FAIL'}]"
        )
    rss = t.get("rss_flat")
    if rss:
        parts.append(
            f"peak RSS {fmt(comparison.get('rss_small_mb'), 0)} MB @ {comparison.get('small', 0):,} -> "
            f"{fmt(comparison.get('rss_large_mb'), 0)} MB @ {comparison.get('records', 0):,} "
            f"(x{fmt(rss['value'])}, target <= {rss['limit']}) [{'PASS' if rss['pass'] else 'FAIL'}]"
        )
    proposed = report.get("proposed_targets", {}).get("etl_rate_vs_datasets_import")
    if proposed:
        reference = report.get("datasets_import", {})
        parts.append(
            f"proposed: ETL vs the datasets import's {fmt(reference.get('stored_titles_per_s'), 0)} stored "
            f"titles/s = x{fmt(proposed['value'])} (target >= {proposed['limit']}) "
            f"[{'PASS' if proposed['pass'] else 'FAIL'}]"
        )
    groups = comparison.get("time_split_pct")
    if groups:
        parts.append("time: " + ", ".join(f"{k} {v:.0f}%" for k, v in groups.items() if v >= 1))
    if "error" in report:
        parts.append(f"ERROR: {report['error'].splitlines()[0]}")
    return "ingest: " + "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2k and 10k records, profile at 2k")
    parser.add_argument("--records", type=int, help="the large size (100,000; quick 10,000)")
    parser.add_argument("--small", type=int, help="the small size (10,000; quick 2,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--people-ratio",
        type=float,
        default=0.6,
        help="people in the pool per record (0.6): how often they repeat",
    )
    parser.add_argument(
        "--batch-size", type=int, default=0, help="titles_ingest batch size (0: the project's)"
    )
    parser.add_argument(
        "--profile-records",
        type=int,
        help="records of the cProfile run (10,000; quick 2,000; 0: no profile run)",
    )
    parser.add_argument("--profile-top", type=int, default=15)
    parser.add_argument(
        "--debug", action="store_true", help="run the pipeline with DEBUG=true (query logging)"
    )
    parser.add_argument(
        "--rate-target",
        type=float,
        default=0.05,
        help="ETL records/s / all-rows COPY records/s to pass (0.05)",
    )
    parser.add_argument("--rss-target", type=float, default=1.5, help="large / small peak RSS to pass (1.5)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument(
        "--database", default="cinestream_bench_ingest", help="created and dropped for the run"
    )
    parser.add_argument("--no-datasets", action="store_true", help="skip the datasets import reference run")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--wait-busy", type=float, default=300.0, help="seconds to wait for other heavy jobs")
    args = parser.parse_args()
    quick = args.quick
    args.records = args.records or (10_000 if quick else 100_000)
    args.small = args.small or (2_000 if quick else 10_000)
    if args.profile_records is None:
        args.profile_records = 2_000 if quick else 10_000
    if args.small >= args.records:
        parser.error("--small must be below --records")

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="cinestream-ingest-bench-"))
    report: dict = {
        "bench": "ingest",
        "mode": "quick" if quick else "full",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
            "loadavg_1m_at_start": machine_load(),
        },
        "config": {k: v for k, v in vars(args).items() if k != "postgres"},
        "definitions": {
            "records_per_s": "records / wall time of titles_ingest in the child, generation included "
            "(it runs in the background producer, overlapped with merging; generation_s, measured in a "
            "dry pass, says what it costs)",
            "copy_rows_per_s": "rows / (COPY FROM STDIN of pre-built row tuples + COMMIT), psycopg 3 cursor.copy()",
            "copy_all_rows": "COPY of the ~11 rows a record fans out into (5 plain logged tables, no "
            "indexes), in one transaction: records_per_s = records / its time (the target's floor)",
            "peak_rss": "VmHWM of the ingest child at its end (/proc/self/status); wait4 ru_maxrss agrees",
            "steps": "inclusive wall time of the pipeline functions, wrapped where services.py calls them; "
            "parts_s are exclusive and add up to the wall time; db_execute_s = time inside cursor.execute "
            "(round trip + server + psycopg), by innermost step",
        },
        "runs": {},
    }
    db = None
    interrupted_run = False
    try:
        report["busy_jobs_at_start"] = wait_quiet(log, args.wait_busy)
        log(f"creating database {args.database!r} (work dir {workdir})")
        db = Database(args.postgres, args.database)
        seconds = migrate(db.url)
        log(f"migrated in {seconds:.1f} s")
        env = django_env(db.url, debug=args.debug)
        for records in (args.small, args.records):
            report["runs"][str(records)] = ingest_run(args, db, env, workdir, records)
        db.truncate_app_tables()
        report["baseline_copy"] = {
            str(args.small): copy_run(args, db, env, workdir, args.small, ["logged"]),
            str(args.records): copy_run(
                args, db, env, workdir, args.records, ["logged", "unlogged", "staging_upsert", "all_rows"]
            ),
        }
        if not args.no_datasets:
            report["datasets_import"] = datasets_run(args, db, workdir, args.records)
        small, large = report["runs"][str(args.small)], report["runs"][str(args.records)]
        copy_large = report["baseline_copy"][str(args.records)]["variants"]["logged"]
        # The target's floor: a record fans out into ~11 rows in 5 tables.
        all_rows = report["baseline_copy"][str(args.records)]["variants"]["all_rows"]
        etl_rate = large["records_per_s"]
        ratio = etl_rate / all_rows["records_per_s"] if all_rows["records_per_s"] else None
        rss_ratio = large["vm_hwm_kb"] / small["vm_hwm_kb"] if small["vm_hwm_kb"] else None
        steps = large.get("steps", {})
        report["comparison"] = {
            "records": args.records,
            "small": args.small,
            "etl_records_per_s": etl_rate,
            "etl_records_per_s_small": small["records_per_s"],
            "copy_rows_per_s": copy_large["rows_per_s"],
            "copy_rows_per_s_small": report["baseline_copy"][str(args.small)]["variants"]["logged"][
                "rows_per_s"
            ],
            "etl_to_copy": round(etl_rate / copy_large["rows_per_s"], 5),
            "etl_rate_needed_for_target": round(args.rate_target * all_rows["records_per_s"], 1),
            "rss_small_mb": round(small["vm_hwm_kb"] / 1024, 1),
            "rss_large_mb": round(large["vm_hwm_kb"] / 1024, 1),
            "rss_after_django_setup_mb": round(large["rss_after_setup_kb"] / 1024, 1),
            "time_split_pct": steps.get("groups_pct", {}),
            "copy_all_rows": all_rows,
            "etl_to_copy_all_rows_records": round(ratio, 5) if ratio is not None else None,
            "copy_all_rows_is_x_faster": round(1 / ratio, 1) if ratio else None,
            # For perspective: the floor's records/s as a share of single-table COPY's rows/s.
            "copy_all_rows_to_copy": round(all_rows["records_per_s"] / copy_large["rows_per_s"], 4),
            "stored_rows_per_record": round(
                sum(v for k, v in large["stored"].items() if k != "stream_event") / args.records, 2
            ),
            "events_per_record": round(large["stored"].get("stream_event", 0) / args.records, 2),
            "prepare_us_per_record": round(
                1e6
                * sum(steps.get("parts_s", {}).get(k, 0.0) for k in ("validate", "clean", "normalize"))
                / args.records,
                1,
            ),
            "rate_drop_small_to_large_pct": round(100 * (1 - etl_rate / small["records_per_s"]), 1),
        }
        report["targets"] = {
            "etl_rate_vs_all_rows_copy": target(
                round(ratio, 5) if ratio is not None else None,
                args.rate_target,
                ratio is not None and ratio >= args.rate_target,
                f"ETL {etl_rate:,.0f} records/s vs COPY of every row a record becomes "
                f"{all_rows['records_per_s']:,.0f} records/s",
            ),
            "rss_flat": target(
                round(rss_ratio, 3) if rss_ratio else None,
                args.rss_target,
                rss_ratio is not None and rss_ratio <= args.rss_target,
                f"VmHWM {small['vm_hwm_kb'] / 1024:.0f} MB at {args.small:,} -> "
                f"{large['vm_hwm_kb'] / 1024:.0f} MB at {args.records:,}",
            ),
        }
        if "datasets_import" in report:
            reference = report["datasets_import"]["stored_titles_per_s"]
            versus = etl_rate / reference if reference else None
            report["proposed_targets"] = {
                "etl_rate_vs_datasets_import": target(
                    round(versus, 3) if versus is not None else None,
                    1.0,
                    versus is not None and versus >= 1.0,
                    f"ETL {etl_rate:,.0f} records/s vs the datasets import's {reference:,.0f} stored titles/s "
                    "in the same run: the restatement proposed for the 5% target (not in `pass`)",
                )
            }
        if args.profile_records:
            profile_path = workdir / "ingest.prof"
            run = ingest_run(args, db, env, workdir, args.profile_records, profile_path=profile_path)
            report["profile"] = {
                "records": args.profile_records,
                "note": "cProfile slows Python code about 2x (not the database): read shares, not seconds; "
                "the step split below comes from the unprofiled runs",
                "profiled_run_wall_s": run["wall_s"],
                "cprofile": profile_summary(profile_path, args.profile_top),
                "steps_small": small.get("steps"),
                "steps_large": large.get("steps"),
            }
    except (BenchError, OSError) as exc:
        log(f"bench failed: {exc}")
        report["error"] = str(exc)
    except KeyboardInterrupt as exc:
        log(f"interrupted ({exc or 'SIGINT'}); cleaning up, then printing what was measured")
        report["error"] = f"interrupted ({exc or 'SIGINT'}) before the end; partial results"
        interrupted_run = True
    except Exception as exc:  # a psycopg or subprocess error: report it, still clean up
        log(f"bench failed: {type(exc).__name__}: {exc}")
        report["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if db and not args.keep_database:
            try:
                db.drop()
                log(f"dropped database {db.name!r}")
            except Exception as exc:
                log(f"could not drop database {db.name!r}: {exc}")
        if args.keep_logs:
            log(f"logs kept in {workdir}")
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

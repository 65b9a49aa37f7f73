"""Child processes of the ETL benchmarks; each prints one JSON line on stdout at the end.

    etl_worker.py ingest --records N [--seed S] [--profile FILE]   titles_ingest of synthetic records
    etl_worker.py copy --records N [--seed S] [--variant V]          psycopg 3 COPY baselines
    etl_worker.py manage --steps-out FILE -- ARGS...                 manage.py ARGS, with step timers

Django children read their settings from the environment (bench/etl_common.django_env).
The step timers wrap the pipeline's functions where apps.catalog.services looks them up
(module globals), so the code measured is the project's own; a function that is gone
(after a redesign) is listed under "missing" instead of failing the run.
"""

import argparse
import functools
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

# This folder off the path (its http.py would shadow the standard library's), the repository on.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.etl_synth import COPY_COLUMNS, copy_row, raw_records


def status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Steps:
    """Inclusive wall time, calls, and database time (by innermost step) of wrapped functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter = Counter()
        self.db_seconds: dict[str, float] = defaultdict(float)
        self.queries: Counter = Counter()
        self.stack: list[str] = []
        self.missing: list[str] = []
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.keep_durations = {"batch"}

    def wrap(self, owner, attr: str, key: str, on_stack: bool = True) -> None:
        """Time calls of owner.attr under `key` (on_stack: database time is attributed to it)."""
        original = getattr(owner, attr, None)
        if original is None:
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{attr}")
            return
        steps = self

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if on_stack:
                steps.stack.append(key)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                steps.seconds[key] += elapsed
                steps.calls[key] += 1
                if on_stack:
                    steps.stack.pop()
                if key in steps.keep_durations:
                    steps.durations[key].append(elapsed)

        setattr(owner, attr, timed)

    def wrap_iter(self, owner, attr: str, key: str) -> None:
        """Time spent producing items of the iterator a function returns (reading input)."""
        original = getattr(owner, attr, None)
        if original is None:
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{attr}")
            return
        steps = self

        @functools.wraps(original)
        def timed(*args, **kwargs):
            iterator = iter(original(*args, **kwargs))

            def items():
                while True:
                    steps.stack.append(key)
                    started = time.perf_counter()
                    try:
                        item = next(iterator)
                    except StopIteration:
                        return
                    finally:
                        steps.seconds[key] += time.perf_counter() - started
                        steps.stack.pop()
                    steps.calls[key] += 1
                    yield item

            return items()

        setattr(owner, attr, timed)

    def db_wrapper(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = self.stack[-1] if self.stack else "(outside steps)"
            self.db_seconds[key] += time.perf_counter() - started
            self.queries[key] += 1

    def install(self) -> None:
        from apps.catalog import services
        from apps.catalog.pipeline import merge
        from apps.catalog.pipeline.enrich import passes as enrich

        self.wrap(services, "record_validate", "validate")
        self.wrap(services, "record_clean", "clean")
        self.wrap(services, "record_normalize", "normalize")
        self.wrap(services, "titles_ingest_batch", "batch")
        self.wrap(services, "titles_merge", "merge")
        batch_class = getattr(merge, "_Batch", None)
        if batch_class is not None:
            self.wrap(batch_class, "__init__", "merge.load_state")
            self.wrap(batch_class, "apply", "merge.apply")
            self.wrap(batch_class, "save", "merge.save")
            self.wrap(batch_class, "_save_genres", "merge.save.genres")
            self.wrap(batch_class, "_save_credits", "merge.save.credits")
        else:
            self.missing.append("merge._Batch")
        self.wrap(services, "pending_enrich", "enrich")
        self.wrap(enrich, "_chunk_enrich", "enrich.chunks")
        self.wrap(enrich._Catalog, "__init__", "enrich.context")
        self.wrap(enrich, "recommendations_of", "enrich.recommendations")
        self.wrap(enrich, "movie_payloads", "publish.payload_build")
        self.wrap(enrich, "movie_events_publish", "publish.store_events")
        self.wrap(services, "people_upsert", "people_upsert")
        self.wrap(services, "tables_analyze", "analyze")
        self.wrap_iter(services, "name_rows", "read.names")
        self.wrap_iter(services, "title_records", "read.titles")
        # titles_ingest's producer: what the merge waited for it (and unpickling its batches).
        self.wrap_iter(services, "in_background", "prepared.wait")

        from django.db import connection

        connection.execute_wrappers.append(self.db_wrapper)

    def report(self, wall: float, input_s: float | None = None) -> dict:
        s = self.seconds

        def val(key: str) -> float:
            return s.get(key, 0.0)

        merge_other = val("merge") - val("merge.load_state") - val("merge.apply") - val("merge.save")
        publish = val("publish.payload_build") + val("publish.store_events")
        # pending_enrich runs once, after every batch is merged; it builds and stores the events.
        enrich_other = val("enrich") - val("enrich.context") - val("enrich.chunks") - publish
        # Exclusive parts that add up to the wall time.
        parts = {
            "input (reading files / generating records)": input_s
            if input_s is not None
            else val("read.titles"),
            "people_upsert (names, excl. reading)": val("people_upsert") - val("read.names"),
            "read name.basics": val("read.names"),
            "wait for prepared batches (background: input, validate, clean, normalize)": val("prepared.wait"),
            "validate": val("validate"),
            "clean": val("clean"),
            "normalize": val("normalize"),
            "merge: load stored state (genres, credits, akas)": val("merge.load_state"),
            "merge: apply records (python)": val("merge.apply"),
            "merge: save titles (bulk_update titles, bulk_create akas)": val("merge.save")
            - val("merge.save.genres")
            - val("merge.save.credits"),
            "merge: save genres": val("merge.save.genres"),
            "merge: save credits (people upsert, delete + insert credits)": val("merge.save.credits"),
            "merge: insert new rows + SELECT FOR UPDATE": merge_other,
            "batch: commit": val("batch") - val("merge"),
            "analyze (statistics after a large merge)": val("analyze"),
            "enrich: context (directors, stats, neighbourhood)": val("enrich.context"),
            "enrich: recommendations": val("enrich.recommendations"),
            "enrich: themes/sentiment/decade + update": val("enrich.chunks") - val("enrich.recommendations"),
            "enrich: pending read + commits": enrich_other,
            "publish: build payloads": val("publish.payload_build"),
            "publish: store events": val("publish.store_events"),
        }
        accounted = sum(parts.values())
        parts["other (batching, python glue)"] = wall - accounted
        groups = {
            "input": parts["input (reading files / generating records)"] + parts["read name.basics"],
            "waiting for the background producer": val("prepared.wait"),
            "people_upsert": parts["people_upsert (names, excl. reading)"],
            "validate/clean/normalize": val("validate") + val("clean") + val("normalize"),
            "merge": val("batch"),
            "enrich": val("enrich") - publish,
            "publish": publish,
            "other": parts["other (batching, python glue)"],
        }
        result = {
            "wall_s": round(wall, 3),
            "groups_s": {k: round(v, 3) for k, v in groups.items() if abs(v) >= 0.0005},
            "groups_pct": {
                k: round(100 * v / wall, 1) for k, v in groups.items() if wall and abs(v) >= 0.0005
            },
            "parts_s": {k: round(v, 3) for k, v in parts.items() if abs(v) >= 0.0005},
            "calls": dict(self.calls),
            "db_execute_s_by_step": {
                k: round(v, 3) for k, v in sorted(self.db_seconds.items(), key=lambda i: -i[1])
            },
            "queries_by_step": dict(self.queries.most_common()),
            "queries_total": sum(self.queries.values()),
            "db_execute_s_total": round(sum(self.db_seconds.values()), 3),
            "missing_hooks": self.missing,
        }
        batches = self.durations.get("batch", [])
        if batches:
            tenth = max(1, len(batches) // 10)
            result["batch_s_by_decile"] = [
                round(sum(batches[i : i + tenth]) / len(batches[i : i + tenth]), 4)
                for i in range(0, len(batches), tenth)
            ][:10]
            result["batches"] = len(batches)
        return result


def cmd_ingest(args: argparse.Namespace) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
    django.setup()
    from django.conf import settings

    from apps.catalog import services

    rss_setup = status_kb("VmRSS")
    started = time.perf_counter()
    generated = sum(1 for _ in raw_records(args.records, args.seed, args.people_ratio))
    generation_s = time.perf_counter() - started
    steps = Steps()
    if not args.no_steps:
        steps.install()
    batch_size = args.batch_size or services.BATCH_SIZE
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
    started = time.perf_counter()
    if profile:
        profile.enable()
    report = services.titles_ingest(
        raw_records(args.records, args.seed, args.people_ratio), source="imdb_datasets", batch_size=batch_size
    )
    if profile:
        profile.disable()
    wall = time.perf_counter() - started
    if profile:
        profile.dump_stats(args.profile)
    result = {
        "records": generated,
        "wall_s": round(wall, 3),
        "generation_s": round(generation_s, 3),
        "records_per_s": round(generated / wall, 1),
        "records_per_s_excl_generation": round(generated / max(1e-9, wall - generation_s), 1),
        "batch_size": batch_size,
        "debug": settings.DEBUG,
        "report": {
            "read": report.read,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "events": report.events,
            "rejected": dict(report.rejected),
        },
        "rss_after_setup_kb": rss_setup,
        "vm_hwm_kb": status_kb("VmHWM"),
        "vm_rss_end_kb": status_kb("VmRSS"),
    }
    if not args.no_steps:
        # Records are generated in titles_ingest's background producer, overlapped with merging.
        result["steps"] = steps.report(wall, input_s=0.0)
    return result


COPY_VARIANTS = ("logged", "unlogged", "staging_upsert", "all_rows")
# "all_rows": every row the pipeline stores for a record (title, genres, credits, akas,
# people; not events), in plain logged tables without indexes: the database floor of the
# record's fan-out.
ALL_ROWS_TABLES = {
    "bench_all_title": [n for n, _t in COPY_COLUMNS if n != "genres"],
    "bench_all_title_genre": ["imdb_id", "genre"],
    "bench_all_person": ["imdb_id", "name"],
    "bench_all_credit": ["title_imdb_id", "person_imdb_id", "role", "ordering", "characters"],
    "bench_all_aka": ["imdb_id", "name", "region", "language", "is_original", "ordering"],
}
ALL_ROWS_DDL = {
    "bench_all_title": ", ".join(f"{n} {t}" for n, t in COPY_COLUMNS if n != "genres"),
    "bench_all_title_genre": "imdb_id varchar(12), genre varchar(64)",
    "bench_all_person": "imdb_id varchar(12), name varchar(300)",
    "bench_all_credit": "title_imdb_id varchar(12), person_imdb_id varchar(12), role varchar(16), "
    "ordering smallint, characters jsonb",
    "bench_all_aka": "imdb_id varchar(12), name varchar(500), region varchar(4), language varchar(8), "
    "is_original boolean, ordering smallint",
}


def _all_rows(records: int, seed: int, people_ratio: float) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {table: [] for table in ALL_ROWS_TABLES}
    people: dict[str, str] = {}
    for record in raw_records(records, seed, people_ratio):
        imdb_id = record["imdb_id"]
        rows["bench_all_title"].append(copy_row(record)[:-1])
        rows["bench_all_title_genre"].extend((imdb_id, genre) for genre in record["genres"])
        for role, key in (("director", "directors"), ("writer", "writers"), ("star", "stars")):
            for credit in record[key]:
                people[credit["imdb_id"]] = credit["name"]
                rows["bench_all_credit"].append(
                    (
                        imdb_id,
                        credit["imdb_id"],
                        role,
                        credit["ordering"],
                        json.dumps(credit.get("characters", [])),
                    )
                )
        rows["bench_all_aka"].extend(
            (imdb_id, aka["name"], aka["region"], aka["language"], aka["is_original"], aka["ordering"])
            for aka in record["akas"]
        )
    rows["bench_all_person"] = sorted(people.items())
    return rows


def copy_all_rows(connection, records: int, seed: int, people_ratio: float) -> dict:
    rows = _all_rows(records, seed, people_ratio)
    for table, ddl in ALL_ROWS_DDL.items():
        connection.execute(f"DROP TABLE IF EXISTS {table}")
        connection.execute(f"CREATE TABLE {table} ({ddl})")
    connection.commit()
    connection.execute("CHECKPOINT")
    connection.commit()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table, columns in ALL_ROWS_TABLES.items():
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)
    connection.commit()
    seconds = time.perf_counter() - started
    for table in ALL_ROWS_TABLES:
        connection.execute(f"DROP TABLE {table}")
    connection.commit()
    total = sum(len(table_rows) for table_rows in rows.values())
    return {
        "rows": total,
        "rows_by_table": {table: len(table_rows) for table, table_rows in rows.items()},
        "rows_per_record": round(total / records, 2),
        "seconds": round(seconds, 4),
        "rows_per_s": round(total / seconds, 1),
        "records_per_s": round(records / seconds, 1),
    }


def cmd_copy(args: argparse.Namespace) -> dict:
    import psycopg

    url = os.environ["DATABASE_URL"]
    rows = [copy_row(record) for record in raw_records(args.records, args.seed, args.people_ratio)]
    columns = ", ".join(name for name, _type in COPY_COLUMNS)
    definition = ", ".join(f"{name} {kind}" for name, kind in COPY_COLUMNS)
    results = {}
    with psycopg.connect(url) as connection:
        for variant in args.variant or ["logged"]:
            if variant == "all_rows":
                results[variant] = copy_all_rows(connection, args.records, args.seed, args.people_ratio)
                continue
            connection.execute("DROP TABLE IF EXISTS bench_copy")
            if variant == "staging_upsert":
                connection.execute(
                    f"CREATE TABLE bench_copy ({definition}, PRIMARY KEY (imdb_id))".replace(
                        "imdb_id varchar(12), ", "imdb_id varchar(12) NOT NULL, ", 1
                    )
                )
            else:
                kind = "UNLOGGED " if variant == "unlogged" else ""
                connection.execute(f"CREATE {kind}TABLE bench_copy ({definition})")
            connection.commit()
            connection.execute("CHECKPOINT")
            connection.commit()
            passes = 2 if variant == "staging_upsert" else 1
            timings = []
            for _ in range(passes):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    if variant == "staging_upsert":
                        cursor.execute(
                            "CREATE TEMP TABLE bench_stage (LIKE bench_copy INCLUDING DEFAULTS) ON COMMIT DROP"
                        )
                        target = "bench_stage"
                    else:
                        target = "bench_copy"
                    with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                    if variant == "staging_upsert":
                        updates = ", ".join(
                            f"{name} = EXCLUDED.{name}" for name, _t in COPY_COLUMNS if name != "imdb_id"
                        )
                        changed = " OR ".join(
                            f"bench_copy.{name} IS DISTINCT FROM EXCLUDED.{name}"
                            for name, _t in COPY_COLUMNS
                            if name != "imdb_id"
                        )
                        cursor.execute(
                            f"INSERT INTO bench_copy ({columns}) SELECT {columns} FROM bench_stage "
                            f"ON CONFLICT (imdb_id) DO UPDATE SET {updates} WHERE {changed}"
                        )
                connection.commit()
                timings.append(time.perf_counter() - started)
            count = connection.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
            size = connection.execute("SELECT pg_total_relation_size('bench_copy')").fetchone()[0]
            connection.execute("DROP TABLE bench_copy")
            connection.commit()
            entry = {
                "rows": len(rows),
                "rows_in_table": count,
                "seconds": round(timings[0], 4),
                "rows_per_s": round(len(rows) / timings[0], 1),
                "table_bytes": size,
            }
            if variant == "staging_upsert":
                entry["second_pass_unchanged_s"] = round(timings[1], 4)
                entry["second_pass_rows_per_s"] = round(len(rows) / timings[1], 1)
            results[variant] = entry
    return {"records": len(rows), "variants": results, "vm_hwm_kb": status_kb("VmHWM")}


def cmd_manage(args: argparse.Namespace) -> dict:
    """manage.py with step timers installed; the command's own stdout goes to stderr."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
    django.setup()
    steps = Steps()
    if not args.no_steps:
        steps.install()
    from django.core.management import execute_from_command_line

    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
    started = time.perf_counter()
    code = 0
    try:
        if profile:
            profile.enable()
        execute_from_command_line(["manage.py", *args.rest])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        if profile:
            profile.disable()
        sys.stdout = real_stdout
    wall = time.perf_counter() - started
    if profile:
        profile.dump_stats(args.profile)
    result = {"exit": code, "wall_s": round(wall, 3), "vm_hwm_kb": status_kb("VmHWM")}
    if not args.no_steps:
        result["steps"] = steps.report(wall)
    if code:
        print(json.dumps(result))
        sys.exit(code)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest")
    ingest.add_argument("--records", type=int, required=True)
    ingest.add_argument("--seed", type=int, default=42)
    ingest.add_argument("--people-ratio", type=float, default=0.6)
    ingest.add_argument("--batch-size", type=int, default=0)
    ingest.add_argument("--profile", help="write cProfile stats of the ingest here")
    ingest.add_argument("--no-steps", action="store_true", help="no step timers")
    copy = sub.add_parser("copy")
    copy.add_argument("--records", type=int, required=True)
    copy.add_argument("--seed", type=int, default=42)
    copy.add_argument("--people-ratio", type=float, default=0.6)
    copy.add_argument("--variant", action="append", choices=COPY_VARIANTS)
    manage = sub.add_parser("manage")
    manage.add_argument("--profile", help="write cProfile stats of the command here")
    manage.add_argument("--no-steps", action="store_true", help="no step timers")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command == "manage" and args.rest and args.rest[0] == "--":
        args.rest = args.rest[1:]
    handler = {"ingest": cmd_ingest, "copy": cmd_copy, "manage": cmd_manage}[args.command]
    result = handler(args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

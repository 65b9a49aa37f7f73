"""Benchmark of the catalog's forgiving search against `ILIKE '%q%'` over the same tables.

    nice .venv/bin/python bench/search.py            # 1,000,000 titles, 1,200,000 people (~15 min)
    .venv/bin/python bench/search.py --quick         # 50,000 titles, 60,000 people (~1 min)
    .venv/bin/python bench/search.py --titles 200000 --people 240000 --queries 300

Runs on 127.0.0.1 against a throw-away PostgreSQL database (migrated here, dropped at the
end). Synthetic data, deterministic with --seed: titles named by 1-4 made-up words, each
with an original title and 4 akas (2 Cyrillic, some with ё; 2 Latin, some accented), votes
falling off like a power law; people named by a made-up first and last name. Everything
goes in with COPY; the trigram indexes are built after the load and their build time is
reported (what they cost a bulk import is the difference of index maintenance, not run here).

Queries (--queries, 300): 3 in 4 for a title, 1 in 4 for a person, each target drawn
uniformly, each query one of the target's names with one kind of noise a visitor makes:
a typo (a letter dropped, doubled, swapped or replaced in one word), accents dropped,
ё written е, two words swapped, a prefix (the first 60% of the name), and for people
their name written in Cyrillic letters. A query counts as found when its target is among
the first five answers (recall@5).

Baseline, same run, same data, before the trigram indexes exist: the search as it was,
`ILIKE '%query%'` over each title's names (one text column, as `Title.search_text`
stored them: case-folded, accents and ё kept) and over people's names, most voted first.
The search measured is the project's own (`title_search`, `person_search` in
apps/catalog/selectors.py), called in a Django child process, one query at a time.

Targets: recall@5 >= 95% and at least the baseline's; p95 latency <= a tenth of the
baseline's; no query over 200 ms.

Prints one JSON document on stdout, then a one-line summary; progress goes to stderr.
Exits 0 when the run completed (whatever the targets say), 1 if it could not run.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

# This folder off the path (its http.py would shadow the standard library's), the repository on.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.etl_common import (
    BASE_DIR,
    PYTHON,
    BenchError,
    Database,
    Logger,
    django_env,
    fmt,
    machine_load,
    migrate,
    target,
    wait_quiet,
)

log = Logger("search-bench")
RECALL_AT = 5
MAX_MS = 200.0

# Syllables as onset + vowel + coda: ~1,000 in each script, so made-up words repeat about
# as rarely as real ones and trigrams are spread like a real catalog's.
_LATIN_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "ch",
    "sh",
    "th",
    "st",
    "br",
    "tr",
    "gr",
    "pl",
]
_LATIN_VOWELS = ["a", "e", "i", "o", "u", "y", "ai", "ea", "ou"]
_CYRILLIC_ONSETS = [
    "б",
    "в",
    "г",
    "д",
    "ж",
    "з",
    "к",
    "л",
    "м",
    "н",
    "п",
    "р",
    "с",
    "т",
    "ф",
    "х",
    "ц",
    "ч",
    "ш",
    "бр",
    "тр",
    "гр",
    "пл",
    "ст",
]
_CYRILLIC_VOWELS = ["а", "е", "и", "о", "у", "ы", "я", "ю", "ё"]
_CODAS = ["", "", "", "n", "r", "l", "s"]
_CYRILLIC_CODAS = ["", "", "", "н", "р", "л", "с"]
_LATIN_SYLLABLES = sorted({o + v + c for o in _LATIN_ONSETS for v in _LATIN_VOWELS for c in _CODAS})
_CYRILLIC_SYLLABLES = sorted(
    {o + v + c for o in _CYRILLIC_ONSETS for v in _CYRILLIC_VOWELS for c in _CYRILLIC_CODAS}
)
_ACCENTS = {"e": "é", "a": "à", "u": "ü", "o": "ö", "i": "í", "n": "ñ"}
_TO_CYRILLIC = {
    "sh": "ш",
    "ch": "ч",
    "th": "т",
    "a": "а",
    "b": "б",
    "c": "к",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "х",
    "i": "и",
    "j": "дж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "в",
    "x": "кс",
    "y": "й",
    "z": "з",
}


def old_fold(text: str) -> str:
    """How `Title.search_text` was folded before: NFC and case only."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def to_cyrillic(name: str) -> str:
    """A Latin name as a Ukrainian or Russian reader might write it ("kalo" → "кало")."""
    out, index, lower = [], 0, name.lower()
    while index < len(lower):
        pair = lower[index : index + 2]
        if pair in _TO_CYRILLIC:
            out.append(_TO_CYRILLIC[pair])
            index += 2
            continue
        out.append(_TO_CYRILLIC.get(lower[index], lower[index]))
        index += 1
    return "".join(out).title()


class Synth:
    """Deterministic made-up names: words of 2-3 syllables, names of 1-4 words."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def word(self, syllables: list[str]) -> str:
        return "".join(self.random.choice(syllables) for _ in range(self.random.randint(2, 3)))

    def name(self, syllables: list[str], words: int | None = None) -> str:
        count = words or self.random.choice((1, 2, 2, 3, 3, 3, 4))
        return " ".join(self.word(syllables) for _ in range(count)).capitalize()

    def accented(self, name: str) -> str:
        letters = list(name)
        for index, letter in enumerate(letters):
            if letter in _ACCENTS and self.random.random() < 0.3:
                letters[index] = _ACCENTS[letter]
        return "".join(letters)


def titles_generate(synth: Synth, count: int):
    """(imdb_id, primary, original, [4 akas], votes) for each title."""
    for number in range(1, count + 1):
        primary = synth.name(_LATIN_SYLLABLES)
        original = primary if synth.random.random() < 0.7 else synth.name(_LATIN_SYLLABLES)
        akas = [
            synth.name(_CYRILLIC_SYLLABLES),
            synth.name(_CYRILLIC_SYLLABLES),
            synth.accented(synth.name(_LATIN_SYLLABLES)),
            synth.accented(primary),
        ]
        votes = int(2_000_000 / (synth.random.random() * count + 1) ** 0.9)
        yield f"tt{number + 10_000_000:08d}", primary, original, akas, votes


def people_generate(synth: Synth, count: int):
    first_names = [synth.word(_LATIN_SYLLABLES).capitalize() for _ in range(3_000)]
    for number in range(1, count + 1):
        name = f"{synth.random.choice(first_names)} {synth.word(_LATIN_SYLLABLES).capitalize()}"
        yield f"nm{number + 10_000_000:08d}", name


def _typo(rng: random.Random, text: str) -> str:
    words = text.split()
    candidates = [index for index, word in enumerate(words) if len(word) >= 5]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word, at = words[index], rng.randrange(1, len(words[index]) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        word = word[:at] + word[at + 1 :]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    elif kind == "swap":
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    else:
        cyrillic = any("а" <= letter <= "я" or letter == "ё" for letter in word.lower())
        letters = "абвгдежзиклмнопрстуф" if cyrillic else "abcdefghiklmnoprstuv"
        word = word[:at] + rng.choice(letters) + word[at + 1 :]
    words[index] = word
    return " ".join(words)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def query_make(rng: random.Random, name: str, kind: str) -> tuple[str, str]:
    """A noisy query for a name and the noise it got (another when this kind does not apply)."""
    words = name.split()
    if kind == "accent" and _strip_accents(name) != name and "ё" not in name.lower():
        return _strip_accents(name), kind
    if kind == "yo" and "ё" in name.lower():
        return name.replace("ё", "е").replace("Ё", "Е"), kind
    if kind == "swap" and len(words) >= 2:
        at = rng.randrange(len(words) - 1)
        words[at], words[at + 1] = words[at + 1], words[at]
        return " ".join(words).lower(), kind
    if kind == "prefix" and len(name) >= 8:
        return name[: max(5, round(len(name) * 0.6))], kind
    if kind == "cyrillic":
        return to_cyrillic(name), kind
    return _typo(rng, name), "typo"


def queries_make(rng: random.Random, titles: list, people: list, count: int) -> list[dict]:
    queries = []
    for number in range(count):
        if number % 4 == 3:
            imdb_id, name = rng.choice(people)
            kind = rng.choice(("typo", "accent", "swap", "prefix", "cyrillic"))
            text, kind = query_make(rng, name, kind)
            queries.append({"kind": "person", "noise": kind, "target": imdb_id, "query": text})
            continue
        imdb_id, primary, original, akas, _votes = rng.choice(titles)
        kind = rng.choice(("typo", "accent", "yo", "swap", "prefix"))
        names = [primary, original, *akas]
        preferred = {
            "accent": [n for n in names if _strip_accents(n) != n and "ё" not in n.lower()],
            "yo": [n for n in names if "ё" in n.lower()],
            "swap": [n for n in names if " " in n],
            "prefix": [n for n in names if len(n) >= 8],
        }.get(kind) or names
        text, kind = query_make(rng, rng.choice(preferred), kind)
        queries.append({"kind": "title", "noise": kind, "target": imdb_id, "query": text})
    return queries


# --- Loading ------------------------------------------------------------------------


def _fillers(db: Database, table: str, given: list[str]) -> dict[str, object]:
    """Values for the NOT NULL columns without a database default that the load does not give."""
    rows = db.query(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL",
        (table,),
    )
    by_type = {"jsonb": "{}", "boolean": False, "text": "", "character varying": ""}
    fillers: dict[str, object] = {}
    for column, data_type in rows:
        if column in given:
            continue
        if data_type.startswith("timestamp"):
            fillers[column] = "2026-01-01T00:00:00+00:00"
        elif data_type in ("integer", "smallint", "bigint", "double precision", "numeric"):
            fillers[column] = 0
        else:
            fillers[column] = by_type.get(data_type, "")
    return fillers


def load(db: Database, args, synth: Synth) -> tuple[list, list, dict]:
    from apps.catalog.search.text import search_fold, search_text_build

    timings: dict[str, float] = {}
    titles: list = []
    people: list = []
    import psycopg

    title_columns = ["id", "imdb_id", "title_type", "primary_title", "original_title", "votes", "search_text"]
    title_fillers = _fillers(db, "catalog_title", title_columns)
    person_columns = ["id", "imdb_id", "name", "search_name"]
    person_fillers = _fillers(db, "catalog_person", person_columns)
    with psycopg.connect(db.url) as connection:
        connection.execute("DROP INDEX IF EXISTS catalog_title_search_trgm")
        connection.execute("DROP INDEX IF EXISTS catalog_person_search_trgm")
        connection.execute(
            "CREATE TABLE bench_old_search (id integer PRIMARY KEY, votes integer NOT NULL, search_text text NOT NULL)"
        )
        fillers = title_fillers
        columns = [*title_columns, *fillers]
        started = time.monotonic()
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY catalog_title ({', '.join(columns)}) FROM STDIN") as copy:
                for pk, (imdb_id, primary, original, akas, votes) in enumerate(
                    titles_generate(synth, args.titles), start=1
                ):
                    titles.append((imdb_id, primary, original, akas, votes))
                    names = [primary, original, *akas]
                    copy.write_row(
                        (
                            pk,
                            imdb_id,
                            "movie",
                            primary,
                            original,
                            votes,
                            search_text_build(names),
                            *fillers.values(),
                        )
                    )
            with cursor.copy("COPY bench_old_search (id, votes, search_text) FROM STDIN") as copy:
                for pk, (_imdb_id, primary, original, akas, votes) in enumerate(titles, start=1):
                    names = dict.fromkeys(old_fold(n) for n in [primary, original, *akas])
                    copy.write_row((pk, votes, "\n".join(names)))
            log(f"titles copied: {len(titles):,}")
            fillers = person_fillers
            columns = [*person_columns, *fillers]
            with cursor.copy(f"COPY catalog_person ({', '.join(columns)}) FROM STDIN") as copy:
                for pk, (imdb_id, name) in enumerate(people_generate(synth, args.people), start=1):
                    people.append((imdb_id, name))
                    copy.write_row((pk, imdb_id, name, search_fold(name), *fillers.values()))
            log(f"people copied: {len(people):,}")
        connection.commit()
        timings["load_s"] = time.monotonic() - started
        connection.execute("ANALYZE catalog_title")
        connection.execute("ANALYZE catalog_person")
        connection.execute("ANALYZE bench_old_search")
        connection.commit()
    return titles, people, timings


def indexes_build(db: Database) -> dict[str, float]:
    import psycopg

    timings = {}
    with psycopg.connect(db.url, autocommit=True) as connection:
        for name, table, column in (
            ("catalog_title_search_trgm", "catalog_title", "search_text"),
            ("catalog_person_search_trgm", "catalog_person", "search_name"),
        ):
            started = time.monotonic()
            connection.execute("SET maintenance_work_mem = '512MB'")
            connection.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")
            timings[f"{name}_build_s"] = time.monotonic() - started
        connection.execute("ANALYZE catalog_title")
        connection.execute("ANALYZE catalog_person")
    return timings


# --- Measuring ----------------------------------------------------------------------


def _ilike(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def baseline_run(db: Database, queries: list[dict]) -> list[dict]:
    """ILIKE '%q%' over the names as stored before, most voted first: ids found and time."""
    import psycopg

    results = []
    with psycopg.connect(db.url, autocommit=True) as connection:
        for query in queries:
            started = time.perf_counter()
            if query["kind"] == "title":
                # One table, as Title.search_text sat beside votes: a scan and a top-5 sort. (Joined
                # to catalog_title, the planner walked the votes index row by row: seconds a query.)
                rows = connection.execute(
                    "SELECT id FROM bench_old_search WHERE search_text ILIKE %s ORDER BY votes DESC, id LIMIT %s",
                    (_ilike(query["query"]), RECALL_AT),
                ).fetchall()
                rows = [(f"tt{pk + 10_000_000:08d}",) for (pk,) in rows]
            else:
                rows = connection.execute(
                    "SELECT imdb_id FROM catalog_person WHERE name ILIKE %s ORDER BY id LIMIT %s",
                    (_ilike(query["query"]), RECALL_AT),
                ).fetchall()
            results.append({"ms": 1000 * (time.perf_counter() - started), "found": [r[0] for r in rows]})
    return results


def measure_child(queries_path: Path) -> int:
    """In the Django child: run each query through the project's search, print the results."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cinestream.settings")
    django.setup()
    from apps.catalog.models import Title
    from apps.catalog.selectors import person_search, title_search

    queries = json.loads(queries_path.read_text())
    for query in queries[:10]:  # warm the connection and the index's first pages
        title_search(query=query["query"], limit=RECALL_AT)
    results = []
    for query in queries:
        started = time.perf_counter()
        if query["kind"] == "title":
            pks = title_search(query=query["query"], limit=RECALL_AT)
            elapsed = time.perf_counter() - started
            by_pk = dict(Title.objects.filter(pk__in=pks).values_list("pk", "imdb_id"))
            found = [by_pk[pk] for pk in pks]
        else:
            found = [person.imdb_id for person in person_search(query=query["query"], limit=RECALL_AT)]
            elapsed = time.perf_counter() - started
        results.append({"ms": 1000 * elapsed, "found": found})
    print(json.dumps(results))
    return 0


def search_run(db: Database, queries: list[dict], workdir: Path) -> list[dict]:
    path = workdir / "queries.json"
    path.write_text(json.dumps(queries, ensure_ascii=False))
    done = subprocess.run(
        [PYTHON, __file__, "--measure", str(path)],
        cwd=BASE_DIR,
        env=django_env(db.url),
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"search child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def stats(queries: list[dict], results: list[dict]) -> dict:
    found = [
        query["target"] in result["found"][:RECALL_AT] for query, result in zip(queries, results, strict=True)
    ]
    times = sorted(result["ms"] for result in results)
    by_noise: dict[str, list[bool]] = {}
    ms_by_noise: dict[str, list[float]] = {}
    for query, hit, result in zip(queries, found, results, strict=True):
        by_noise.setdefault(f"{query['kind']}:{query['noise']}", []).append(hit)
        ms_by_noise.setdefault(f"{query['kind']}:{query['noise']}", []).append(result["ms"])
    return {
        "recall_at_5": sum(found) / len(found),
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * len(times)) - 1)],
        "max_ms": times[-1],
        "recall_by_noise": {
            key: {
                "queries": len(hits),
                "recall": sum(hits) / len(hits),
                "p50_ms": statistics.median(ms_by_noise[key]),
                "max_ms": max(ms_by_noise[key]),
            }
            for key, hits in sorted(by_noise.items())
        },
    }


def summary(report: dict) -> str:
    t = report["targets"]
    new, old = report["search"], report["baseline_ilike"]
    parts = [
        f"search: recall@5 {fmt(100 * new['recall_at_5'], 1)}% (ILIKE {fmt(100 * old['recall_at_5'], 1)}%, "
        f"target >= 95% and >= ILIKE) [{'PASS' if t['recall']['pass'] else 'FAIL'}]",
        f"p95 {fmt(new['p95_ms'], 1)} ms (ILIKE {fmt(old['p95_ms'], 1)} ms, target <= "
        f"{fmt(t['p95']['limit'], 1)} ms) [{'PASS' if t['p95']['pass'] else 'FAIL'}]",
        f"max {fmt(new['max_ms'], 1)} ms (target <= {MAX_MS:.0f} ms) [{'PASS' if t['max']['pass'] else 'FAIL'}]",
        f"p50 {fmt(new['p50_ms'], 1)} ms (ILIKE {fmt(old['p50_ms'], 1)} ms)",
    ]
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="50,000 titles and 60,000 people")
    parser.add_argument("--titles", type=int, help="titles (1,000,000; quick 50,000)")
    parser.add_argument("--people", type=int, help="people (1,200,000; quick 60,000)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument(
        "--database", default="cinestream_bench_search", help="created and dropped for the run"
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--wait-busy", type=float, default=120.0, help="seconds to wait for other heavy jobs")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure_child(args.measure)
    args.titles = args.titles or (50_000 if args.quick else 1_000_000)
    args.people = args.people or (60_000 if args.quick else 1_200_000)

    report: dict = {
        "bench": "search",
        "mode": "quick" if args.quick else "full",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_1m_at_start": machine_load(),
        },
        "config": {k: v for k, v in vars(args).items() if k not in ("postgres", "measure")},
    }
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"cinestream-search-bench-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    db = None
    try:
        db = Database(args.postgres, args.database)
        log(f"migrating {args.database}")
        report["migrate_s"] = migrate(db.url)
        synth = Synth(args.seed)
        titles, people, timings = load(db, args, synth)
        report["timings"] = timings
        queries = queries_make(random.Random(args.seed + 1), titles, people, args.queries)
        del titles, people
        report["queries_sample"] = queries[:12]
        report["still_busy"] = wait_quiet(log, args.wait_busy)
        log(f"baseline: {len(queries)} ILIKE queries")
        baseline = baseline_run(db, queries)
        log("building the trigram indexes")
        report["timings"].update(indexes_build(db))
        log(f"search: {len(queries)} queries")
        measured = search_run(db, queries, workdir)
        report["baseline_ilike"] = stats(queries, baseline)
        report["search"] = stats(queries, measured)
        report["misses"] = [
            {**query, "found": result["found"]}
            for query, result in zip(queries, measured, strict=True)
            if query["target"] not in result["found"]
        ][:20]
        report["slowest"] = sorted(
            (
                {**query, "ms": round(result["ms"], 1)}
                for query, result in zip(queries, measured, strict=True)
            ),
            key=lambda item: -item["ms"],
        )[:5]
        new, old = report["search"], report["baseline_ilike"]
        report["targets"] = {
            "recall": target(
                new["recall_at_5"],
                max(0.95, old["recall_at_5"]),
                new["recall_at_5"] >= 0.95 and new["recall_at_5"] >= old["recall_at_5"],
            ),
            "p95": target(new["p95_ms"], old["p95_ms"] / 10, new["p95_ms"] <= old["p95_ms"] / 10),
            "max": target(new["max_ms"], MAX_MS, new["max_ms"] <= MAX_MS),
        }
        report["database_bytes"] = db.size_bytes()
    except (BenchError, subprocess.SubprocessError, OSError) as exc:
        log(f"could not run: {exc}")
        return 1
    finally:
        if db is not None and not args.keep_database:
            db.drop()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

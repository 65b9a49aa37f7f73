"""Deterministic synthetic catalog data for the ETL benchmarks (bench/ingest.py, bench/datasets.py).

Two shapes, both streamed so the generator itself holds next to nothing in memory:

- `raw_records(n, seed)`: raw dictionaries in the pipeline's input shape (what
  `apps.scraping.imdb_datasets.title_records` yields, plus a plot and people's names),
  for `titles_ingest(records, source="imdb_datasets")`. The first k records of a run
  of n are the k records of a run of k (one random stream, read in order).
- `datasets_write(folder, titles, seed)`: IMDb's dataset files (title.basics, ratings,
  crew, principals, akas, name.basics) in the real format: gzip, header, tabs, `\\N`
  for null, no quoting, sorted by tconst (tt + 7 zero-padded digits, so numeric and
  text order agree). Each title draws from its own random generator, so a refresh can
  rewrite two files and leave the others byte-identical.

Imports nothing of the project, so the parent benchmark processes stay light.
"""

import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path

# IMDb's 28 genres, with rough weights (Drama and Comedy dominate the real catalog).
GENRES = (
    ("Drama", 30), ("Comedy", 20), ("Documentary", 12), ("Action", 8), ("Romance", 8),
    ("Thriller", 7), ("Crime", 7), ("Horror", 6), ("Adventure", 5), ("Family", 5),
    ("Animation", 4), ("Mystery", 4), ("Fantasy", 4), ("Biography", 3), ("Music", 3),
    ("History", 3), ("Sci-Fi", 3), ("War", 2), ("Sport", 2), ("Musical", 2),
    ("Western", 1), ("Film-Noir", 1), ("Short", 3), ("Reality-TV", 2), ("Talk-Show", 1),
    ("Game-Show", 1), ("News", 1), ("Adult", 1),
)  # fmt: skip
_GENRE_NAMES = [name for name, _w in GENRES]
_GENRE_CUM = []
_total = 0
for _name, _weight in GENRES:
    _total += _weight
    _GENRE_CUM.append(_total)

# Title types wanted by the benchmark's import (--types), with weights close to their
# shares among themselves in the real files; and the rest of the real mix.
WANTED_TYPES = (("short", 1050), ("movie", 720), ("tvSeries", 280), ("tvMovie", 150), ("tvMiniSeries", 60))
OTHER_TYPES = (
    ("tvEpisode", 8600), ("video", 300), ("tvSpecial", 50), ("videoGame", 45), ("tvShort", 12), ("tvPilot", 1),
)  # fmt: skip
# Share of titles of a wanted type in the real title.basics (about 2.26M of 11.3M).
REAL_WANTED_SHARE = round(
    sum(w for _t, w in WANTED_TYPES) / sum(w for _t, w in WANTED_TYPES + OTHER_TYPES), 3
)

WORDS = [
    "night",
    "day",
    "last",
    "first",
    "dark",
    "light",
    "road",
    "river",
    "city",
    "house",
    "garden",
    "winter",
    "summer",
    "storm",
    "secret",
    "silent",
    "broken",
    "golden",
    "hidden",
    "lost",
    "wild",
    "long",
    "little",
    "great",
    "red",
    "blue",
    "black",
    "white",
    "king",
    "queen",
    "man",
    "woman",
    "girl",
    "boy",
    "child",
    "mother",
    "father",
    "brother",
    "sister",
    "friend",
    "stranger",
    "journey",
    "return",
    "escape",
    "promise",
    "shadow",
    "heart",
    "fire",
    "water",
    "stone",
    "star",
    "sky",
    "sea",
    "island",
    "dream",
    "memory",
    "love",
    "war",
    "ghost",
    "prison",
    "space",
    "killer",
    "wedding",
    "murder",
    "heist",
    "planet",
    "battle",
]
PLOT_WORDS = [
    "a",
    "young",
    "woman",
    "travels",
    "to",
    "the",
    "city",
    "where",
    "she",
    "meets",
    "an",
    "old",
    "friend",
    "who",
    "hides",
    "a",
    "secret",
    "after",
    "the",
    "war",
    "two",
    "brothers",
    "try",
    "to",
    "save",
    "their",
    "family",
    "farm",
    "from",
    "a",
    "corrupt",
    "banker",
    "in",
    "a",
    "small",
    "town",
    "the",
    "sheriff",
    "must",
    "face",
    "a",
    "killer",
    "while",
    "his",
    "daughter",
    "plans",
    "her",
    "wedding",
    "an",
    "astronaut",
    "on",
    "a",
    "distant",
    "planet",
    "finds",
    "hope",
    "in",
    "the",
    "memory",
    "of",
    "home",
    "and",
    "love",
    "the",
    "inmates",
    "of",
    "a",
    "prison",
    "plan",
    "an",
    "escape",
    "together",
    "with",
    "courage",
    "and",
    "friendship",
    "revenge",
    "grief",
    "fear",
    "terror",
    "death",
    "joy",
    "peace",
    "freedom",
    "triumph",
    "redemption",
    "dreams",
    "ghost",
    "haunted",
    "based",
    "on",
    "novel",
    "true",
    "story",
    "soldier",
    "battle",
    "gangster",
    "heist",
    "romance",
    "galaxy",
    "spaceship",
    "mind",
]
CYRILLIC = [
    "ніч",
    "день",
    "дорога",
    "місто",
    "сад",
    "зима",
    "літо",
    "таємниця",
    "тінь",
    "серце",
    "вогонь",
    "вода",
    "зоря",
    "небо",
    "море",
    "острів",
    "мрія",
    "пам'ять",
    "любов",
    "війна",
    "сталкер",
    "брат",
    "сестра",
    "друг",
    "повернення",
    "втеча",
    "обіцянка",
    "ночь",
    "город",
    "дорога",
    "тайна",
    "звезда",
    "любовь",
    "война",
]
ACCENTED = [
    "amélie",
    "café",
    "élan",
    "garçon",
    "déjà",
    "crème",
    "brûlée",
    "fiancée",
    "naïve",
    "señor",
    "año",
    "mañana",
    "niño",
    "straße",
    "mädchen",
    "über",
    "schön",
    "glück",
    "fräulein",
    "coração",
    "ação",
    "são",
    "paulo",
    "öl",
    "ærø",
]
FIRST_NAMES = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Олександр",
    "Марія",
    "Андрій",
    "Олена",
    "Дмитро",
    "Ірина",
    "François",
    "Amélie",
    "José",
    "Zoë",
    "Søren",
    "Björn",
    "Jürgen",
    "Renée",
    "Chloé",
    "Ines",
    "Łukasz",
    "Ágnes",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Тарковський",
    "Мельник",
    "Müller",
    "Schäfer",
    "Dupont",
    "Lefèvre",
    "Gómez",
    "Núñez",
    "Østergaard",
    "Kowalski",
    "Dvořák",
]
REGIONS = (("UA", "uk"), ("DE", "de"), ("FR", "fr"), ("RU", "ru"), ("US", "en"), ("ES", "es"), ("JP", "ja"))
CHARACTERS = ("Himself", "Herself", "The Stranger", "Detective", "Mother", "Father", "Narrator", "Doctor")

N = "\\N"


def person_id(k: int) -> str:
    return f"nm{1_000_000 + k:07d}"


def person_name(k: int) -> str:
    """A stable name for person k (the same person always has the same name)."""
    first = FIRST_NAMES[k % len(FIRST_NAMES)]
    last = LAST_NAMES[(k // len(FIRST_NAMES)) % len(LAST_NAMES)]
    suffix = k // (len(FIRST_NAMES) * len(LAST_NAMES))
    return f"{first} {last}" + (f" {suffix}" if suffix else "")


def _genres(rng: random.Random) -> list[str]:
    count = rng.choice((1, 1, 2, 2, 2, 3, 3))
    picked: list[str] = []
    for _ in range(count * 3):  # bounded: duplicates are skipped
        if len(picked) == count:
            break
        name = rng.choices(_GENRE_NAMES, cum_weights=_GENRE_CUM)[0]
        if name not in picked:
            picked.append(name)
    return picked


def _title(rng: random.Random) -> tuple[str, str]:
    """(primary title, original title): mostly English, some Cyrillic, some accented."""
    words = rng.sample(WORDS, rng.randint(1, 4))
    primary = " ".join(words).title()
    kind = rng.random()
    if kind < 0.12:
        original = " ".join(rng.sample(CYRILLIC, rng.randint(1, 3))).capitalize()
        if kind < 0.04:
            primary = original  # shown under its Cyrillic name
    elif kind < 0.22:
        original = " ".join(rng.sample(ACCENTED, rng.randint(1, 3))).capitalize()
        if kind < 0.15:
            primary = original
    else:
        original = primary
    return primary, original


def _plot(rng: random.Random, words: int = 30) -> str:
    text = " ".join(rng.choice(PLOT_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _skewed(rng: random.Random, pool: int) -> int:
    """An index in [0, pool), mildly skewed towards low indexes (a few people work a lot)."""
    return min(pool - 1, int(pool * rng.random() ** 1.5))


# --- Raw records (bench/ingest.py) ------------------------------------------------


def raw_records(n: int, seed: int = 42, people_ratio: float = 0.6) -> Iterator[dict]:
    """n raw title records; people are drawn from a pool of n * people_ratio so they repeat."""
    rng = random.Random(seed)
    pool = max(100, int(n * people_ratio))
    directors_pool, writers_pool = max(20, pool // 4), max(50, pool // 2)
    wanted = [t for t, _w in WANTED_TYPES]
    wanted_cum = []
    total = 0
    for _t, w in WANTED_TYPES:
        total += w
        wanted_cum.append(total)
    for i in range(n):
        imdb_id = f"tt{10_000_000 + i:08d}" if rng.random() < 0.2 else f"tt{i + 1:07d}"
        title_type = rng.choices(wanted, cum_weights=wanted_cum)[0]
        primary, original = _title(rng)
        start = rng.randint(1920, 2025)
        series = title_type in ("tvSeries", "tvMiniSeries")
        end = start + rng.randint(0, 12) if series and rng.random() < 0.6 else None
        runtime = rng.randint(3, 40) if title_type == "short" else rng.randint(60, 190)
        votes = int(10 ** rng.uniform(0.7, 6.3))
        directors = sorted({_skewed(rng, directors_pool) for _ in range(rng.choice((1, 1, 1, 2)))})
        writers = sorted({_skewed(rng, writers_pool) for _ in range(rng.randint(0, 3))})
        stars = []
        for _ in range(rng.randint(3, 4)):
            k = _skewed(rng, pool)
            if k not in stars:
                stars.append(k)
        akas = []
        for ordering, (region, language) in enumerate(rng.sample(REGIONS, rng.randint(0, 3)), start=1):
            if region in ("UA", "RU"):
                name = " ".join(rng.sample(CYRILLIC, rng.randint(1, 3))).capitalize()
            else:
                name = f"{primary} ({region})"
            akas.append(
                {
                    "name": name,
                    "region": region,
                    "language": language,
                    "is_original": False,
                    "ordering": ordering,
                }
            )
        yield {
            "imdb_id": imdb_id,
            "title_type": title_type,
            "primary_title": primary,
            "original_title": original,
            "is_adult": False,
            "start_year": start,
            "end_year": end,
            "runtime_minutes": runtime,
            "rating": round(rng.uniform(1.0, 9.9), 1),
            "votes": votes,
            "genres": _genres(rng),
            "plot": _plot(rng),
            "directors": [
                {"imdb_id": person_id(k), "name": person_name(k), "ordering": o}
                for o, k in enumerate(directors)
            ],
            "writers": [
                {"imdb_id": person_id(k), "name": person_name(k), "ordering": o}
                for o, k in enumerate(writers)
            ],
            "stars": [
                {
                    "imdb_id": person_id(k),
                    "name": person_name(k),
                    "ordering": o,
                    "characters": [rng.choice(CHARACTERS)],
                }
                for o, k in enumerate(stars)
            ],
            "akas": akas,
        }


COPY_COLUMNS = (
    ("imdb_id", "varchar(12)"),
    ("title_type", "varchar(16)"),
    ("primary_title", "varchar(500)"),
    ("original_title", "varchar(500)"),
    ("is_adult", "boolean"),
    ("start_year", "smallint"),
    ("end_year", "smallint"),
    ("runtime_minutes", "integer"),
    ("rating", "numeric(3,1)"),
    ("votes", "integer"),
    ("plot", "text"),
    ("genres", "text"),
)


def copy_row(record: dict) -> tuple:
    """The COPY baseline's row for a raw record: its scalar columns, genres as one text."""
    return (
        record["imdb_id"],
        record["title_type"],
        record["primary_title"],
        record["original_title"],
        record["is_adult"],
        record["start_year"],
        record["end_year"],
        record["runtime_minutes"],
        record["rating"],
        record["votes"],
        record["plot"],
        ",".join(record["genres"]),
    )


# --- Dataset files (bench/datasets.py) ---------------------------------------------

HEADERS = {
    "title.basics": (
        "tconst", "titleType", "primaryTitle", "originalTitle", "isAdult", "startYear", "endYear",
        "runtimeMinutes", "genres",
    ),
    "title.ratings": ("tconst", "averageRating", "numVotes"),
    "title.crew": ("tconst", "directors", "writers"),
    "title.principals": ("tconst", "ordering", "nconst", "category", "job", "characters"),
    "title.akas": (
        "titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle",
    ),
    "name.basics": ("nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"),
}  # fmt: skip
TITLE_FILES = ("title.basics", "title.ratings", "title.crew", "title.principals", "title.akas")
OTHER_CATEGORIES = (
    ("producer", 14), ("composer", 5), ("cinematographer", 5), ("editor", 5), ("director", 6),
    ("writer", 8), ("production_designer", 2), ("archive_footage", 1),
)  # fmt: skip
STAR_CATEGORIES = (("actor", 30), ("actress", 24), ("self", 10))
PROFESSIONS = ("actor", "actress", "director", "writer", "producer", "composer", "editor", "miscellaneous")


def tconst_of(i: int, step: int) -> str:
    return f"tt{1 + i * step:07d}"


def tconst_step(titles: int) -> int:
    """Gaps between ids like the real files have, while staying within 7 digits."""
    return max(1, min(3, 9_999_998 // max(1, titles)))


def refreshed(i: int, seed: int, share: float) -> bool:
    """Whether title i changes in the daily refresh (a stable pseudo-random choice)."""
    return random.Random(seed * 7_919 + i * 104_729 + 1).random() < share


def _cum(pairs) -> tuple[list[str], list[int]]:
    names, cum, total = [], [], 0
    for name, weight in pairs:
        total += weight
        names.append(name)
        cum.append(total)
    return names, cum


class _Writer:
    """One gzip TSV file, written in chunks of lines."""

    def __init__(self, path: Path, name: str, level: int) -> None:
        self.file = gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=level)  # noqa: SIM115
        self.buffer: list[str] = ["\t".join(HEADERS[name])]
        self.rows = 0

    def add(self, fields: list[str] | tuple[str, ...]) -> None:
        self.buffer.append("\t".join(fields))
        self.rows += 1
        if len(self.buffer) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.file.write("\n".join(self.buffer) + "\n")
            self.buffer = []

    def close(self) -> None:
        self.flush()
        self.file.close()


def datasets_write(
    folder: Path,
    titles: int,
    *,
    seed: int = 42,
    wanted_share: float = REAL_WANTED_SHARE,
    refresh_share: float = 0.0,
    only: tuple[str, ...] | None = None,
    level: int = 6,
) -> dict[str, int]:
    """Write the six files into `folder`; return the rows written per file (headers excluded).

    With refresh_share > 0, that share of titles changes as in a daily refresh: new
    rating and vote count (titles without a rating get one), and for a third of them a
    new primaryTitle. `only` limits which files are written (the rest stay as they are).
    """
    names_total = max(10, int(titles * 1.2))
    step = tconst_step(titles)
    wanted_names, wanted_cum = _cum(WANTED_TYPES)
    other_names, other_cum = _cum(OTHER_TYPES)
    star_names, star_cum = _cum(STAR_CATEGORIES)
    other_cat_names, other_cat_cum = _cum(OTHER_CATEGORIES)
    files = [name for name in HEADERS if only is None or name in only]
    writers = {name: _Writer(folder / f"{name}.tsv.gz", name, level) for name in files if name in TITLE_FILES}
    directors_pool, writers_pool = max(20, names_total // 5), max(50, names_total // 2)
    try:
        for i in range(titles):
            rng = random.Random(seed * 1_000_003 + i)
            tconst = tconst_of(i, step)
            change = refresh_share > 0 and refreshed(i, seed, refresh_share)
            if rng.random() < wanted_share:
                title_type = rng.choices(wanted_names, cum_weights=wanted_cum)[0]
            else:
                title_type = rng.choices(other_names, cum_weights=other_cum)[0]
            primary, original = _title(rng)
            start = rng.randint(1900, 2026) if rng.random() < 0.93 else None
            series = title_type in ("tvSeries", "tvMiniSeries")
            end = start + rng.randint(0, 15) if start and series and rng.random() < 0.5 else None
            runtime = (
                None
                if rng.random() < 0.3
                else rng.randint(2, 45)
                if title_type in ("short", "tvShort")
                else rng.randint(20, 200)
            )
            genres = _genres(rng) if rng.random() < 0.95 else []
            rated = rng.random() < 0.125
            rating, votes = round(rng.uniform(1.0, 10.0), 1), int(10 ** rng.uniform(0.7, 6.4))
            n_directors = rng.choice((0, 1, 1, 1, 1, 2))
            n_writers = rng.choice((0, 0, 1, 1, 2, 3))
            directors = sorted({_skewed(rng, directors_pool) for _ in range(n_directors)})
            writers_ = sorted({_skewed(rng, writers_pool) for _ in range(n_writers)})
            n_principals = rng.randint(4, 12)  # 8 on average, like the real files
            n_akas = rng.randint(1, 7)  # 4 on average
            adult = "1" if rng.random() < 0.01 else "0"
            if change:
                rated = True
                rating = round(min(10.0, max(1.0, rating + rng.choice((-0.3, -0.1, 0.1, 0.2)))), 1)
                votes += rng.randint(1, 500)
                if i % 3 == 0:
                    primary = f"{primary} (Restored)"
            if "title.basics" in writers:
                writers["title.basics"].add(
                    (
                        tconst,
                        title_type,
                        primary,
                        original,
                        adult,
                        str(start) if start else N,
                        str(end) if end else N,
                        str(runtime) if runtime else N,
                        ",".join(genres) if genres else N,
                    )
                )
            if rated and "title.ratings" in writers:
                writers["title.ratings"].add((tconst, f"{rating:.1f}", str(votes)))
            if "title.crew" in writers:
                writers["title.crew"].add(
                    (
                        tconst,
                        ",".join(person_id(k) for k in directors) or N,
                        ",".join(person_id(k) for k in writers_) or N,
                    )
                )
            if "title.principals" in writers:
                out = writers["title.principals"]
                seen: set[int] = set()
                for ordering in range(1, n_principals + 1):
                    if rng.random() < 0.6:
                        category = rng.choices(star_names, cum_weights=star_cum)[0]
                    else:
                        category = rng.choices(other_cat_names, cum_weights=other_cat_cum)[0]
                    k = _skewed(rng, names_total)
                    if k in seen:
                        continue
                    seen.add(k)
                    if category in ("actor", "actress", "self"):
                        job = N
                        characters = json.dumps([rng.choice(CHARACTERS)], ensure_ascii=False)
                    else:
                        job = rng.choice((N, N, category.replace("_", " ")))
                        characters = N
                    out.add((tconst, str(ordering), person_id(k), category, job, characters))
            if "title.akas" in writers:
                out = writers["title.akas"]
                for ordering in range(1, n_akas + 1):
                    region, language = rng.choice(REGIONS)
                    if ordering == 1:
                        out.add((tconst, "1", original, N, N, "original", N, "1"))
                        continue
                    if region in ("UA", "RU"):
                        name = " ".join(rng.sample(CYRILLIC, rng.randint(1, 3))).capitalize()
                    else:
                        name = primary
                    out.add(
                        (
                            tconst,
                            str(ordering),
                            name,
                            region,
                            language if rng.random() < 0.4 else N,
                            rng.choice(("imdbDisplay", N, "alternative")),
                            N,
                            "0",
                        )
                    )
    finally:
        for writer in writers.values():
            writer.close()
    counts = {name: writer.rows for name, writer in writers.items()}
    if "name.basics" in files:
        counts["name.basics"] = _names_write(folder, names_total, titles, step, seed, level)
    return counts


def _names_write(folder: Path, count: int, titles: int, step: int, seed: int, level: int) -> int:
    rng = random.Random(seed * 31 + 7)
    out = _Writer(folder / "name.basics.tsv.gz", "name.basics", level)
    try:
        for k in range(count):
            born = rng.randint(1850, 2010) if rng.random() < 0.3 else None
            died = born + rng.randint(20, 95) if born and born < 1960 and rng.random() < 0.5 else None
            if died and died > 2026:
                died = None
            professions = ",".join(rng.sample(PROFESSIONS, rng.randint(1, 3)))
            known = ",".join(tconst_of(rng.randrange(titles), step) for _ in range(rng.randint(1, 4)))
            out.add(
                (
                    person_id(k),
                    person_name(k),
                    str(born) if born else N,
                    str(died) if died else N,
                    professions,
                    known,
                )
            )
    finally:
        out.close()
    return out.rows

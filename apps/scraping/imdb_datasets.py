"""IMDb's non-commercial datasets (https://datasets.imdbws.com/), read as streams.

Files are gzip TSV: a header row, tab-separated, `\\N` for null and no quoting (a `"`
is data). Every title file is sorted by tconst, so one pass merge-joins title.basics
with ratings, crew, principals and akas, holding only the current title's rows in
memory. A file out of tconst order stops the import with a clear error rather than
silently losing rows. Records are raw dictionaries in the shape of
`apps.scraping.records.TitleRecord`; names (name.basics) stream separately.
"""

import csv
import gzip
import io
import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import requests
from django.conf import settings

SOURCE = "imdb_datasets"
TITLE_FILES = ("title.basics", "title.ratings", "title.crew", "title.principals", "title.akas")
NAME_FILE = "name.basics"
STAR_CATEGORIES = frozenset({"actor", "actress", "self"})
NULL = "\\N"


class DatasetUnavailable(Exception):
    """A dataset file could not be fetched or opened; safe to retry later."""


class DatasetOutOfOrder(Exception):
    """A title file is not sorted by tconst, so it cannot be merge-joined."""


@dataclass
class ReadStats:
    rows: int = 0
    malformed: list[str] = field(default_factory=list)


def _tconst_key(tconst: str) -> int:
    return int(tconst[2:]) if tconst[2:].isdigit() else -1


def _null(value: str) -> str | None:
    return None if value == NULL else value


class DatasetFiles:
    """Where the .tsv.gz files are: a local folder or a base URL (IMDB_DATASETS_URL)."""

    def __init__(
        self, *, folder: Path | None = None, base_url: str | None = None, timeout: float = 60
    ) -> None:
        self.folder = folder
        self.base_url = (base_url or settings.IMDB_DATASETS_URL).rstrip("/")
        self.timeout = timeout

    def open(self, name: str, stack: ExitStack) -> IO[str]:
        filename = f"{name}.tsv.gz"
        try:
            if self.folder is not None:
                raw: IO[bytes] = stack.enter_context((self.folder / filename).open("rb"))
            else:
                response = stack.enter_context(
                    requests.get(f"{self.base_url}/{filename}", stream=True, timeout=self.timeout)
                )
                response.raise_for_status()
                response.raw.decode_content = False
                raw = response.raw
            text = io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8", newline="")
            return stack.enter_context(text)
        except (OSError, requests.RequestException) as exc:
            raise DatasetUnavailable(f"{filename}: {exc}") from exc


def tsv_rows(stream: IO[str], name: str, stats: ReadStats) -> Iterator[dict[str, str | None]]:
    """Rows of one file as dicts; a row with the wrong number of fields is counted and skipped."""
    reader = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader)
    except StopIteration:
        return
    except (csv.Error, OSError, EOFError) as exc:
        raise DatasetUnavailable(f"{name}: unreadable header ({exc})") from exc
    width = len(header)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, EOFError, OSError) as exc:
            raise DatasetUnavailable(f"{name}: unreadable at line {line + 1} ({exc})") from exc
        line += 1
        if len(row) != width:
            stats.malformed.append(f"{name} line {line}: {len(row)} fields, expected {width}")
            continue
        stats.rows += 1
        yield {key: _null(value) for key, value in zip(header, row, strict=True)}


class _Grouped:
    """Rows of a title file grouped by their title id, checked to ascend."""

    def __init__(self, rows: Iterator[dict[str, str | None]], key: str, name: str) -> None:
        self.rows, self.key, self.name = rows, key, name
        self.pending = next(self.rows, None)
        self.last = -1

    def take(self, tconst: str) -> list[dict[str, str | None]]:
        wanted = _tconst_key(tconst)
        group = []
        while self.pending is not None:
            current = _tconst_key(self.pending[self.key] or "")
            if current < self.last:
                raise DatasetOutOfOrder(
                    f"{self.name} is not sorted by {self.key} near {self.pending[self.key]}"
                )
            if current > wanted:
                break
            self.last = current
            if current == wanted:
                group.append(self.pending)
            self.pending = next(self.rows, None)
        return group


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _credits(nconsts: str | None) -> list[dict[str, Any]]:
    return [
        {"imdb_id": nconst, "name": "", "ordering": ordering}
        for ordering, nconst in enumerate((nconsts or "").split(","))
        if nconst
    ]


def _characters(value: str | None) -> list[str]:
    if not value:
        return []
    try:
        characters = json.loads(value)
    except ValueError:
        return [value]
    return [str(character) for character in characters] if isinstance(characters, list) else [str(characters)]


def title_records(
    files: DatasetFiles,
    *,
    types: frozenset[str] | None = None,
    min_votes: int = 0,
    stats: ReadStats | None = None,
) -> Iterator[dict[str, Any]]:
    """One raw record per title of the wanted types with at least `min_votes` votes."""
    stats = stats if stats is not None else ReadStats()
    with ExitStack() as stack:
        streams = {name: files.open(name, stack) for name in TITLE_FILES}
        basics = tsv_rows(streams["title.basics"], "title.basics", stats)
        ratings = _Grouped(
            tsv_rows(streams["title.ratings"], "title.ratings", stats), "tconst", "title.ratings"
        )
        crew = _Grouped(tsv_rows(streams["title.crew"], "title.crew", stats), "tconst", "title.crew")
        principals = _Grouped(
            tsv_rows(streams["title.principals"], "title.principals", stats), "tconst", "title.principals"
        )
        akas = _Grouped(tsv_rows(streams["title.akas"], "title.akas", stats), "titleId", "title.akas")
        last = -1
        for basic in basics:
            tconst = basic["tconst"] or ""
            if _tconst_key(tconst) < last:
                raise DatasetOutOfOrder(f"title.basics is not sorted by tconst near {tconst}")
            last = _tconst_key(tconst)
            rating_rows, crew_rows = ratings.take(tconst), crew.take(tconst)
            principal_rows, aka_rows = principals.take(tconst), akas.take(tconst)
            if types and basic["titleType"] not in types:
                continue
            rating = rating_rows[0] if rating_rows else {}
            votes = _int(rating.get("numVotes")) or 0
            if votes < min_votes:
                continue
            crew_row = crew_rows[0] if crew_rows else {}
            stars = [
                {
                    "imdb_id": row["nconst"],
                    "name": "",
                    "ordering": _int(row["ordering"]) or 0,
                    "characters": _characters(row["characters"]),
                }
                for row in principal_rows
                if row["category"] in STAR_CATEGORIES
            ]
            yield {
                "imdb_id": tconst,
                "source": SOURCE,
                "source_url": f"{files.base_url}/title.basics.tsv.gz" if files.folder is None else None,
                "title_type": basic["titleType"],
                "primary_title": basic["primaryTitle"],
                "original_title": basic["originalTitle"],
                "is_adult": basic["isAdult"] == "1",
                "start_year": basic["startYear"],
                "end_year": basic["endYear"],
                "runtime_minutes": basic["runtimeMinutes"],
                "genres": [genre for genre in (basic["genres"] or "").split(",") if genre],
                "rating": rating.get("averageRating"),
                "votes": votes,
                "directors": _credits(crew_row.get("directors")),
                "writers": _credits(crew_row.get("writers")),
                "stars": stars,
                "akas": [
                    {
                        "name": row["title"],
                        "region": row["region"] or "",
                        "language": row["language"] or "",
                        "is_original": row["isOriginalTitle"] == "1",
                        "ordering": _int(row["ordering"]) or 0,
                    }
                    for row in aka_rows
                    if row["title"]
                ],
            }


def name_rows(
    files: DatasetFiles, stats: ReadStats | None = None
) -> Iterator[tuple[str, str, int | None, int | None]]:
    """(nconst, name, birth year, death year) for every person in name.basics."""
    stats = stats if stats is not None else ReadStats()
    with ExitStack() as stack:
        for row in tsv_rows(files.open(NAME_FILE, stack), NAME_FILE, stats):
            if row["nconst"] and row["primaryName"]:
                yield row["nconst"], row["primaryName"], _int(row["birthYear"]), _int(row["deathYear"])

"""IMDb's non-commercial datasets (https://datasets.imdbws.com/), read as streams.

Files are gzip TSV: a header row, tab-separated, `\\N` for null and no quoting (a `"`
is data). Every title file is sorted by tconst, so one pass merge-joins title.basics
with ratings, crew, principals and akas, holding only the current title's rows in
memory. A line out of tconst order (line_key's order) raises DatasetOutOfOrder naming
its file rather than silently losing rows; such a file can be sorted on disk first
(imdb_datasets_sort.py) and read from its sorted copy (DatasetFiles.sorted_copies).
Records are raw dictionaries in the shape of `apps.scraping.records.TitleRecord`, or an
UnchangedTitle; names (name.basics) stream separately.

Columns are read by name, so a header that is not IMDb's (columns swapped, renamed,
added or missing) would store values under the wrong fields: every file's header is
checked against COLUMNS before any file's rows are read (`headers_check`), and again
whenever a file is opened for its rows.
"""

import bisect
import gzip
import hashlib
import io
import json
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
# Each file's header as IMDb documents it (https://developer.imdb.com/non-commercial-datasets/).
COLUMNS = {
    "title.basics": (
        "tconst", "titleType", "primaryTitle", "originalTitle", "isAdult",
        "startYear", "endYear", "runtimeMinutes", "genres",
    ),
    "title.ratings": ("tconst", "averageRating", "numVotes"),
    "title.crew": ("tconst", "directors", "writers"),
    "title.principals": ("tconst", "ordering", "nconst", "category", "job", "characters"),
    "title.akas": (
        "titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle",
    ),
    "name.basics": (
        "nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles",
    ),
}  # fmt: skip


class DatasetUnavailable(Exception):
    """A dataset file could not be fetched or opened; safe to retry later."""


class DatasetOutOfOrder(Exception):
    """A title file is not sorted by tconst, so it cannot be merge-joined; `name` says which."""

    def __init__(self, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name  # kept through pickling (BaseException pickles __dict__)


class DatasetHeaderMismatch(Exception):
    """A file's header is not IMDb's: its rows would be stored under the wrong fields."""


# A garbage first line is quoted only this far in the error, and read only this far.
HEADER_SHOWN = 200
HEADER_MAX_CHARS = 4096


def header_check(name: str, line: str | None) -> list[str]:
    """The columns of `name`'s header line, when they are IMDb's (DatasetHeaderMismatch otherwise)."""
    expected = COLUMNS[name]
    header = line.rstrip("\r\n").split("\t") if line else []
    if tuple(header) != expected:
        found = ", ".join(header)[:HEADER_SHOWN] if header else "nothing"
        raise DatasetHeaderMismatch(
            f"{name}.tsv.gz: the header is not IMDb's; expected the columns {', '.join(expected)} "
            f"(found {found})"
        )
    return header


@dataclass(frozen=True, slots=True)
class UnchangedTitle:
    """A title whose lines in every file read hash as at the last import: nothing to store."""

    imdb_id: str


@dataclass
class ReadStats:
    rows: int = 0
    malformed: list[str] = field(default_factory=list)


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
        # name -> a sorted plain-text copy read instead of the file (imdb_datasets_sort.py);
        # fingerprints stay the original file's.
        self.sorted_copies: dict[str, Path] = {}

    def fingerprint(self, name: str) -> str | None:
        """What identifies this version of a file: its SHA-256, or the server's ETag; None
        when the server sends none (Last-Modified has one-second resolution: not enough)."""
        filename = f"{name}.tsv.gz"
        try:
            if self.folder is not None:
                with (self.folder / filename).open("rb") as file:
                    return f"sha256:{hashlib.file_digest(file, 'sha256').hexdigest()}"
            response = requests.head(
                f"{self.base_url}/{filename}", timeout=self.timeout, allow_redirects=True
            )
            response.raise_for_status()
        except (OSError, requests.RequestException) as exc:
            raise DatasetUnavailable(f"{filename}: {exc}") from exc
        etag = response.headers.get("ETag", "")
        return f"etag:{etag}" if etag and not etag.startswith("W/") else None

    def open(self, name: str, stack: ExitStack) -> IO[str]:
        filename = f"{name}.tsv.gz"
        try:
            if name in self.sorted_copies:
                return stack.enter_context(self.sorted_copies[name].open(encoding="utf-8", newline=""))
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


def lines_read(stream: IO[str], name: str) -> Iterator[str]:
    try:
        yield from stream
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DatasetUnavailable(f"{name}: unreadable ({exc})") from exc


def headers_check(files: "DatasetFiles", names: Iterable[str] = (*TITLE_FILES, NAME_FILE)) -> None:
    """Check every file's header before any file's rows are read: DatasetHeaderMismatch names
    the first that is not IMDb's, so nothing of an import is stored from a misread file."""
    for name in names:
        with ExitStack() as stack:
            stream = files.open(name, stack)
            try:
                line = stream.readline(HEADER_MAX_CHARS)
            except (OSError, EOFError, UnicodeDecodeError) as exc:
                raise DatasetUnavailable(f"{name}.tsv.gz: unreadable ({exc})") from exc
            header_check(name, line)


# Title ids as zero-padded digits compare as numbers do (tt9999999 < tt10000000).
KEY_WIDTH = 12
BLOCK_CHARS = 1 << 20


def line_key(line: str) -> str:
    """The order of a file's lines: its id's digits (after tt/nm), compared as numbers."""
    return line[2 : line.find("\t")].zfill(KEY_WIDTH)


class _TitleFile:
    """One title file read in blocks of lines, by title id (its first column), checked to ascend.

    A block's ids are cut out in one pass and checked in order; the lines of a wanted
    title are then found by bisection, so the titles in between cost almost nothing:
    the wanted types are about a fifth of IMDb's titles, and a refresh reads most files
    not at all. Lines are split into fields only when their title is wanted.
    """

    def __init__(self, stream: IO[str], name: str, stats: ReadStats, *, label: str = "") -> None:
        self.name, self.stats, self.stream = name, stats, stream
        self.label = label or name  # the file a malformed line's number refers to
        self.header = header_check(name, self._read(stream.readline))
        self.lines: list[str] = []
        self.keys: list[str] = []
        self.index = 0
        self.first_number = 2  # the line number of lines[0]
        self._fill()

    def _read(self, read):
        try:
            return read()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise DatasetUnavailable(f"{self.name}: unreadable ({exc})") from exc

    def _fill(self) -> bool:
        """Read the next block of lines; False at the end of the file."""
        last = self.keys[-1] if self.keys else ""
        self.first_number += len(self.lines)
        self.lines = self._read(lambda: self.stream.readlines(BLOCK_CHARS))
        self.keys = list(map(line_key, self.lines))
        self.index = 0
        if self.keys and (self.keys[0] < last or not all(map(operator.le, self.keys, self.keys[1:]))):
            previous = [last, *self.keys]
            offset = next(i for i, key in enumerate(self.keys) if key < previous[i])
            raise DatasetOutOfOrder(
                f"{self.name} is not sorted by {self.header[0]} at line {self.first_number + offset}",
                name=self.name,
            )
        return bool(self.lines)

    def next_key(self, types: frozenset[str] | None = None) -> str | None:
        """The id (as a key) of the next title in the file, None at its end; with `types`,
        the next whose second column (title.basics: its type) is one of them."""
        while True:
            if self.index == len(self.keys) and not self._fill():
                return None
            if not types:
                return self.keys[self.index]
            lines, index, end = self.lines, self.index, len(self.lines)
            # Four titles in five are of other types: passed over here, in one tight loop.
            while index < end:
                fields = lines[index].split("\t", 2)
                if len(fields) > 1 and fields[1] in types:
                    break
                index += 1
            self.index = index
            if index < end:
                return self.keys[index]

    def take(self, key: str) -> list[tuple[int, str]]:
        """(line number, line) of the title with this key, passing over the titles before it."""
        found: list[tuple[int, str]] = []
        while self.lines:
            keys, start = self.keys, self.index
            if start < len(keys) and keys[start] == key:
                end = start + 1  # the wanted title comes next (title.basics: always)
                while end < len(keys) and keys[end] == key:
                    end += 1
            else:
                start = bisect.bisect_left(keys, key, start)
                end = bisect.bisect_right(keys, key, start)
            found.extend((self.first_number + i, self.lines[i].rstrip("\r\n")) for i in range(start, end))
            self.index = end
            if end < len(self.keys) or not self._fill():
                break  # past the title, or at the end of the file
        return found

    def rows(self, lines: list[tuple[int, str]]) -> list[dict[str, str | None]]:
        """Those lines as dicts; a line with the wrong number of fields is counted and left out."""
        return list(_dicts(lines, self.header, self.label, self.stats))


def _dicts(
    lines: Iterable[tuple[int, str]], header: list[str], name: str, stats: ReadStats
) -> Iterator[dict[str, str | None]]:
    """(line number, line) pairs as dicts by the header; a line of the wrong width is counted, not kept."""
    width = len(header)
    for number, line in lines:
        fields = line.split("\t")
        if len(fields) != width:
            stats.malformed.append(f"{name} line {number}: {len(fields)} fields, expected {width}")
            continue
        stats.rows += 1
        yield {key: _null(value) for key, value in zip(header, fields, strict=True)}


def tsv_rows(stream: IO[str], name: str, stats: ReadStats) -> Iterator[dict[str, str | None]]:
    """Rows of one file as dicts; a row with the wrong number of fields is counted and skipped."""
    lines = lines_read(stream, name)
    header = header_check(name, next(lines, None))
    yield from _dicts(
        ((number, line.rstrip("\r\n")) for number, line in enumerate(lines, start=2)), header, name, stats
    )


def lines_digest(lines: list[str]) -> int:
    """A 64-bit digest of a title's lines in one file (0 when it has none)."""
    if not lines:
        return 0
    return int.from_bytes(
        hashlib.blake2b("\n".join(lines).encode(), digest_size=8).digest(), "big", signed=True
    )


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


# The title files in the order a title's digests are kept (see title_records).
DIGESTED = ("title.basics", "title.ratings", "title.crew", "title.principals", "title.akas")


def title_records(
    files: DatasetFiles,
    *,
    types: frozenset[str] | None = None,
    min_votes: int = 0,
    stats: ReadStats | None = None,
    skip: frozenset[str] = frozenset(),
    known: Mapping[str, Sequence[int]] | None = None,
) -> Iterator[tuple[dict[str, Any] | UnchangedTitle, tuple[int, ...]]]:
    """(raw record, digests) per title of the wanted types with at least `min_votes` votes.

    `digests` holds a digest of the title's lines in each file of DIGESTED. A title in
    `known` (id -> the digests stored at the last import) whose digests are unchanged
    comes as an UnchangedTitle. Files in `skip` (unchanged since the last import)
    are not read for known titles: their part of the record is left out, which keeps
    what is stored, and their digests are the stored ones; a skipped file is opened,
    and read past the titles in between, only when a new title needs it.
    """
    stats = stats if stats is not None else ReadStats()
    known = known if known is not None else {}
    with ExitStack() as stack:
        readers: dict[str, _TitleFile] = {}

        def reader(name: str) -> _TitleFile:
            if name not in readers:
                label = f"{name} (sorted)" if name in files.sorted_copies else name
                readers[name] = _TitleFile(files.open(name, stack), name, stats, label=label)
            return readers[name]

        basics = reader("title.basics")
        for name in DIGESTED[1:]:
            if name not in skip:
                reader(name)
        while (number := basics.next_key(types)) is not None:
            basic_lines = basics.take(number)  # of a wanted type: next_key passed over the others
            tconst = basic_lines[0][1].split("\t", 1)[0]
            stored = known.get(tconst)
            parts = {
                name: reader(name).take(number) for name in DIGESTED[1:] if name not in skip or stored is None
            }
            digests = tuple(
                lines_digest([line for _number, line in basic_lines[:1]])
                if name == "title.basics"
                else lines_digest([line for _number, line in parts[name]])
                if name in parts
                else stored[index]
                for index, name in enumerate(DIGESTED)
            )
            if stored is not None and digests == tuple(stored):
                yield UnchangedTitle(tconst), digests  # the same lines as last time: nothing to split
                continue
            basic_rows = basics.rows(basic_lines[:1])
            basic = basic_rows[0] if basic_rows else None
            if basic is None:
                continue  # a malformed line (counted); the other files pass over its title when next asked
            rating_rows = (
                reader("title.ratings").rows(parts["title.ratings"][:1]) if "title.ratings" in parts else None
            )
            rating = rating_rows[0] if rating_rows else {}
            votes = _int(rating.get("numVotes")) or 0
            if stored is None and votes < min_votes:
                continue
            record = {
                "imdb_id": basic["tconst"],
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
            }
            if rating_rows is not None:
                record.update(rating=rating.get("averageRating"), votes=votes)
            if "title.crew" in parts:
                crew_rows = reader("title.crew").rows(parts["title.crew"][:1])
                crew = crew_rows[0] if crew_rows else {}
                record.update(
                    directors=_credits(crew.get("directors")), writers=_credits(crew.get("writers"))
                )
            if "title.principals" in parts:
                record["stars"] = [
                    {
                        "imdb_id": row["nconst"],
                        "name": "",
                        "ordering": _int(row["ordering"]) or 0,
                        "characters": _characters(row["characters"]),
                    }
                    for row in reader("title.principals").rows(parts["title.principals"])
                    if row["category"] in STAR_CATEGORIES
                ]
            if "title.akas" in parts:
                record["akas"] = [
                    {
                        "name": row["title"],
                        "region": row["region"] or "",
                        "language": row["language"] or "",
                        "is_original": row["isOriginalTitle"] == "1",
                        "ordering": _int(row["ordering"]) or 0,
                    }
                    for row in reader("title.akas").rows(parts["title.akas"])
                    if row["title"]
                ]
            yield record, digests


def name_rows(
    files: DatasetFiles, stats: ReadStats | None = None
) -> Iterator[tuple[str, str, int | None, int | None]]:
    """(nconst, name, birth year, death year) for every person in name.basics."""
    stats = stats if stats is not None else ReadStats()
    with ExitStack() as stack:
        for row in tsv_rows(files.open(NAME_FILE, stack), NAME_FILE, stats):
            if row["nconst"] and row["primaryName"]:
                yield row["nconst"], row["primaryName"], _int(row["birthYear"]), _int(row["deathYear"])

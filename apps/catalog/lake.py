"""The catalog's data lake: partitioned gzip JSON Lines out, such files back in through the pipeline.

Layout of an export (Hive-style partitions, read as they are by Spark, Databricks, DuckDB):

    DEST/scrape_date=YYYY-MM-DD/part-NNNN.jsonl.gz   one title per line (CatalogLine)
    DEST/_schema/v1.json                              JSON Schema (draft 2020-12) of a line
    DEST/_manifest.json                               every file, its line count and checksum

A title goes under the UTC date it was scraped (its last update when it never was), lines
ordered by (date, imdb_id) and gzip written without a timestamp, so exporting an unchanged
catalog gives the same bytes. DEST is a folder or `s3://bucket/prefix` on any S3-compatible
store (settings.AWS_*). Files a previous export listed and this one no longer writes are
removed after the new manifest is in place.

Import maps a line back to the pipeline's raw records (title → primary_title, year →
start_year, scraped_at_utc → scraped_at) and runs them through `titles_ingest`. Unknown
fields and values of the wrong type go to `rescued_data`; the export-only page and the
derived fields (recomputed by the pipeline's enrich step) are dropped. A line's `source` is
kept when it is one of ours (anything else imports as lake_import), and a line with
`field_sources` replays as one record per source and time its fields came from, so an
export imported into an empty database gives the same rows, provenance included, and later
merges decide as they would have. Re-importing a file changes nothing: the merge writes only
values that differ from the stored ones, whatever their source.

Sizes: the schema states each field's limit (maxLength, maxItems: apps/catalog/pipeline/
limits.py), which the pipeline applies as to any source (cut, or the line rejected when far
beyond); a line over LINE_MAX_BYTES is refused unread. A file is imported whole or not at
all: it is read to its end before any of its lines goes in (see catalog_import).
"""

import gzip
import hashlib
import json
import re
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import urlsplit

import boto3
from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db.models import Prefetch
from django.db.models.functions import Coalesce, TruncDate
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from apps.catalog.models import Credit, CreditRole, Genre, LocalizedTitle, Source, Title
from apps.catalog.pipeline import limits
from apps.catalog.pipeline.clean import record_oversize
from apps.catalog.services import BATCH_SIZE, IngestReport, titles_ingest
from apps.scraping.records import TITLE_FIELDS
from core.errors import DomainError

SCHEMA_VERSION = 1
SCHEMA_PATH = f"_schema/v{SCHEMA_VERSION}.json"
SCHEMA_ID = f"urn:cinestream:catalog-line:v{SCHEMA_VERSION}"
MANIFEST_PATH = "_manifest.json"
LINES_PER_PART = 100_000
CHUNK_SIZE = 2000
# Only paths of this shape are ever deleted as stale, whatever an old manifest lists.
PART_PATH = re.compile(r"^scrape_date=\d{4}-\d{2}-\d{2}/part-\d{4,}\.jsonl\.gz$")
# Kept for the report; a file of garbage must not fill memory with messages.
MALFORMED_KEPT = 1000
# A line longer than this is refused as malformed: no title comes near it (see
# apps/catalog/pipeline/limits.py), and reading it whole would let one line fill memory.
LINE_MAX_BYTES = 1 << 20
READ_CHUNK = 1 << 20
ROLES = {"directors": CreditRole.DIRECTOR, "writers": CreditRole.WRITER, "stars": CreditRole.STAR}


class LakeUnavailable(DomainError):
    """The lake's storage (a folder or S3) could not be read or written; safe to retry."""

    code = "lake_unavailable"
    http_status = 503


# --- The line format ------------------------------------------------------------------------


def _max_length(model: type, name: str) -> int:
    # The database's limits for codes, so an over-long one is rescued instead of failing a batch.
    return model._meta.get_field(name).max_length


SMALLINT_MAX = 32_767  # PositiveSmallIntegerField on PostgreSQL
INT_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL


def _limited(
    *, chars: int | None = None, items: int | None = None, item_chars: int | None = None, **kwargs: Any
) -> Any:
    """A field whose limits (apps/catalog/pipeline/limits.py) the schema states and the pipeline
    applies: not checked here, so that text a little too long is cut and text far too long
    rejects its record, whatever the source, instead of being rescued whole."""
    extra: dict[str, Any] = {}
    if chars is not None:
        extra["maxLength"] = chars
    if items is not None:
        extra["maxItems"] = items
    if item_chars is not None:
        extra["items"] = {"type": "string", "maxLength": item_chars}
    return Field(json_schema_extra=extra, **kwargs)


class CatalogCredit(BaseModel):
    """A person credited on a title, in credit order."""

    imdb_id: str | None = Field(default=None, pattern=r"^nm\d{7,8}$")
    name: str = _limited(default="", chars=limits.PERSON_NAME)
    ordering: int = Field(default=0, ge=0, le=SMALLINT_MAX)
    characters: list[str] = _limited(
        default_factory=list, items=limits.CHARACTERS, item_chars=limits.CHARACTER
    )


class CatalogAka(BaseModel):
    """A title's name in a region or language."""

    name: str = _limited(chars=limits.AKA_NAME)
    region: str = Field(default="", max_length=_max_length(LocalizedTitle, "region"))
    language: str = Field(default="", max_length=_max_length(LocalizedTitle, "language"))
    is_original: bool = False
    ordering: int = Field(default=0, ge=0, le=SMALLINT_MAX)


def _text(name: str, description: str | None = None) -> Any:
    return _limited(default=None, chars=limits.TEXT[name], description=description)


class CatalogLine(BaseModel):
    """One title in the lake. Absent values are null; other tools may add fields of their own."""

    model_config = ConfigDict(
        extra="allow",
        title="CineStream catalog line",
        # An export writes every key, null or not; the schema says so.
        json_schema_serialization_defaults_required=True,
    )

    imdb_id: str = Field(pattern=r"^tt\d{7,8}$")
    title: str | None = _limited(
        default=None,
        chars=limits.TEXT["primary_title"],
        description="the primary title (same as primary_title)",
    )
    year: int | None = Field(default=None, description="the start year (same as start_year)")
    rating: float | None = Field(default=None, ge=0, le=10, description="IMDb rating, one decimal")
    page: str | None = Field(default=None, description="the title's page on the site")
    source_url: str | None = _text("source_url", "where the latest change was read")
    scraped_at_utc: datetime | None = Field(
        default=None,
        validation_alias=AliasChoices("scraped_at_utc", "scraped_at"),
        description="when the latest change was read, UTC",
    )
    title_type: str | None = Field(
        default=None, max_length=limits.TITLE_TYPE, description="movie, tvSeries… (IMDb's title types)"
    )
    primary_title: str | None = _text("primary_title")
    original_title: str | None = _text("original_title")
    is_adult: bool | None = None
    start_year: int | None = None
    end_year: int | None = None
    release_date: date | None = None
    runtime_minutes: int | None = Field(default=None, ge=0, le=INT_MAX)
    votes: int | None = Field(default=None, ge=0, le=INT_MAX)
    plot: str | None = _text("plot")
    poster_url: str | None = _text("poster_url")
    certificate: str | None = _text("certificate")
    keywords: list[str] | None = _limited(default=None, items=limits.KEYWORDS, item_chars=limits.KEYWORD)
    genres: list[str] | None = _limited(default=None, items=limits.GENRES, item_chars=limits.GENRE)
    directors: list[CatalogCredit] | None = _limited(default=None, items=limits.CREDITS["directors"])
    writers: list[CatalogCredit] | None = _limited(default=None, items=limits.CREDITS["writers"])
    stars: list[CatalogCredit] | None = _limited(default=None, items=limits.CREDITS["stars"])
    akas: list[CatalogAka] | None = _limited(default=None, items=limits.AKAS)
    source: str | None = Field(default=None, description="imdb_datasets, imdb_page, lake_import or admin")
    rescued_data: dict[str, Any] | None = Field(
        default=None, description="what a source sent that did not fit: unknown fields, wrong types"
    )
    field_sources: dict[str, list[str]] | None = Field(
        default=None, description="per field, the [source, ISO time] its value came from"
    )
    decade_category: str | None = Field(default=None, description="derived: 1990s")
    genre_categories: list[str] | None = Field(default=None, description="derived: themes")
    director_stats: dict[str, Any] | None = Field(default=None, description="derived")
    sentiment_analysis: dict[str, Any] | None = Field(default=None, description="derived")
    recommendations: list[str] | None = Field(default=None, description="derived: imdb ids")

    @field_validator("scraped_at_utc")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Line fields that carry a record field under the same name, and the names readers expect for
# two of them (used when the record's own name is absent); scraped_at_utc is the record's scraped_at.
RECORD_FIELDS = tuple(name for name in TITLE_FIELDS if name not in ("imdb_id", "source", "scraped_at"))
ALIASES = {"title": "primary_title", "year": "start_year"}
# Written for readers, recomputed on import: a wrong value here is dropped, not rescued.
EXPORT_ONLY = frozenset(
    {"page", "decade_category", "genre_categories", "director_stats", "sentiment_analysis", "recommendations"}
)
# Not data either: provenance, used only to replay a line field by field.
NOT_RESCUED = EXPORT_ONLY | {"field_sources"}


def line_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a line, as written to `_schema/v1.json`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **CatalogLine.model_json_schema(mode="serialization"),
    }


def title_page(imdb_id: str) -> str:
    return f"/catalog/{imdb_id}/"


def _text_or_none(value: str) -> str | None:
    return value or None


def catalog_line(title: Title) -> CatalogLine:
    """The lake line of a title fetched with `genres`, `credits` (with people) and `localized_titles`.

    Built without validation: stored rows are the truth, and a value SQLite let past a
    length limit must not stop an export (an import rescues it instead).
    """
    credits: dict[str, list[CatalogCredit]] = {attribute: [] for attribute in ROLES}
    attributes = {role: attribute for attribute, role in ROLES.items()}
    for credit in title.credits.all():
        credits[attributes[credit.role]].append(
            CatalogCredit.model_construct(
                imdb_id=credit.person.imdb_id,
                name=credit.person.name,
                ordering=credit.ordering,
                characters=list(credit.characters),
            )
        )
    rating = float(title.rating) if isinstance(title.rating, Decimal) else title.rating
    return CatalogLine.model_construct(
        imdb_id=title.imdb_id,
        title=_text_or_none(title.primary_title),
        year=title.start_year,
        rating=rating,
        page=title_page(title.imdb_id),
        source_url=_text_or_none(title.source_url),
        scraped_at_utc=title.scraped_at,
        title_type=_text_or_none(title.title_type),
        primary_title=_text_or_none(title.primary_title),
        original_title=_text_or_none(title.original_title),
        is_adult=title.is_adult,
        start_year=title.start_year,
        end_year=title.end_year,
        release_date=title.release_date,
        runtime_minutes=title.runtime_minutes,
        votes=title.votes,
        plot=_text_or_none(title.plot),
        poster_url=_text_or_none(title.poster_url),
        certificate=_text_or_none(title.certificate),
        keywords=list(title.keywords),
        genres=[genre.name for genre in title.genres.all()],
        **credits,
        akas=[
            CatalogAka.model_construct(
                name=aka.name,
                region=aka.region,
                language=aka.language,
                is_original=aka.is_original,
                ordering=aka.ordering,
            )
            for aka in title.localized_titles.all()
        ],
        source=_text_or_none(title.source),
        rescued_data=title.rescued_data,
        field_sources=title.field_sources,
        decade_category=_text_or_none(title.decade_category),
        genre_categories=title.genre_categories,
        director_stats=title.director_stats,
        sentiment_analysis=title.sentiment_analysis,
        recommendations=title.recommendations,
    )


class LineMalformed(ValueError):
    """A line that cannot become a title at all: not JSON, not an object, no usable imdb_id."""


def _json_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def catalog_line_parse(text: bytes | str) -> tuple[CatalogLine, dict[str, Any]]:
    """Parse one line; values that do not fit their field come back apart, in rescued form."""
    try:
        data = json.loads(text, parse_constant=_json_constant)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN
        raise LineMalformed(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LineMalformed(f"not a JSON object ({type(data).__name__})")
    if data.get("imdb_id") in (None, ""):
        raise LineMalformed("no imdb_id")
    if isinstance(data["imdb_id"], str):
        data["imdb_id"] = data["imdb_id"].strip()
    misfits: dict[str, Any] = {}
    while True:
        try:
            return CatalogLine.model_validate(data), misfits
        except ValidationError as exc:
            errors = {}  # the first error of each field
            for error in exc.errors():
                if not error["loc"] or error["loc"][0] not in data:
                    raise LineMalformed(f"unreadable ({error['msg']})") from None
                errors.setdefault(error["loc"][0], error)
            if "imdb_id" in errors:
                raise LineMalformed(
                    f"imdb_id: expected tt followed by 7 or 8 digits, got {data['imdb_id']!r}"
                ) from None
            data = dict(data)
            for name, error in errors.items():
                value = data.pop(name)
                if name not in NOT_RESCUED:
                    where = ".".join(map(str, error["loc"][1:]))
                    misfits[name] = {
                        "value": value,
                        "error": f"{where}: {error['msg']}" if where else error["msg"],
                    }


def _provenance(value: list[str]) -> tuple[str, datetime] | None:
    """A stored [source, ISO time] pair, or None when it is not one the merge could have written."""
    try:
        source, text = value
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return (source, when) if source in Source.values and when.tzinfo is not None else None


def line_records(line: CatalogLine, misfits: dict[str, Any]) -> list[dict[str, Any]]:
    """The pipeline's raw records for a parsed line, oldest first.

    A line with `field_sources` becomes one record per (source, time) its fields came from,
    the line's own source and time last, so the merge stores the same per-field provenance,
    `source` and `scraped_at` as the exporting catalog had. Otherwise (or when some text is
    far beyond its limit, which rejects the line whole): one record.
    """
    data = line.model_dump(exclude_none=True)
    values = {name: data[name] for name in RECORD_FIELDS if name in data}
    for alias, name in ALIASES.items():
        if name not in values and alias in data:
            values[name] = data[alias]
    rescued = {**(line.rescued_data or {}), **(line.model_extra or {}), **misfits}
    source = line.source if line.source in Source.values else Source.LAKE_IMPORT
    if line.source and source != line.source:
        rescued["source"] = {"value": line.source, "error": "unknown source"}

    groups: dict[str, tuple[str, datetime, dict[str, Any]]] = {}  # by the stored [source, time]
    # A line the pipeline rejects for its size goes as one record, so that none of it is stored.
    replayed = line.field_sources if record_oversize(line) is None else None
    for name, stored in (replayed or {}).items():
        provenance = _provenance(stored)
        if name in values and provenance is not None:
            key = json.dumps(stored)
            groups.setdefault(key, (*provenance, {}))[2][name] = values.pop(name)
    own = next(
        (
            key
            for key, (group_source, when, _) in groups.items()
            if (group_source, when) == (source, line.scraped_at_utc)
        ),
        None,
    )
    if own is None:
        own = ""
        groups[own] = (source, line.scraped_at_utc, {})
    # What carries no provenance of its own (akas, rescued values) comes with the last change.
    groups[own][2].update(values, rescued=rescued)
    earlier = sorted((key for key in groups if key != own), key=lambda key: groups[key][1])
    return [
        {"imdb_id": line.imdb_id, "source": group_source, "scraped_at": when, **fields}
        for group_source, when, fields in (groups[key] for key in [*earlier, own])
    ]


# --- Storage: a folder or an S3 prefix --------------------------------------------------------


class _Store(Protocol):
    def name(self, path: str) -> str: ...

    def writer(self, path: str) -> AbstractContextManager[IO[bytes]]: ...

    def reader(self, path: str) -> AbstractContextManager[IO[bytes]]: ...

    def read_text(self, path: str) -> str | None: ...

    def files(self) -> list[str]: ...

    def delete(self, paths: Sequence[str]) -> None: ...


class _FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def name(self, path: str) -> str:
        return str(self.root / path) if path else str(self.root)

    @contextmanager
    def writer(self, path: str) -> Iterator[IO[bytes]]:
        """A temporary file beside the target, renamed over it once complete."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115  (closed below, then renamed)
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
        )
        try:
            yield file
            file.close()
            Path(file.name).replace(target)
        finally:
            file.close()
            Path(file.name).unlink(missing_ok=True)

    @contextmanager
    def reader(self, path: str) -> Iterator[IO[bytes]]:
        with (self.root / path if path else self.root).open("rb") as file:
            yield file

    def read_text(self, path: str) -> str | None:
        try:
            return (self.root / path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def files(self) -> list[str]:
        if self.root.is_file():
            return [""]
        if not self.root.is_dir():
            raise LakeUnavailable(f"{self.root}: no such file or folder")
        found = [*self.root.rglob("*.jsonl.gz"), *self.root.rglob("*.jsonl")]
        return sorted(str(path.relative_to(self.root)) for path in found if path.is_file())

    def delete(self, paths: Sequence[str]) -> None:
        for path in paths:
            target = self.root / path
            target.unlink(missing_ok=True)
            if target.parent != self.root and not any(target.parent.iterdir()):
                target.parent.rmdir()


def _s3_client() -> Any:
    endpoint = settings.AWS_ENDPOINT_URL or None
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID or None,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY or None,
        region_name=settings.AWS_DEFAULT_REGION or None,
        config=Config(
            s3={"addressing_style": settings.AWS_S3_ADDRESSING_STYLE},
            retries={"mode": "standard", "max_attempts": 5},
        ),
    )


class _S3Store:
    def __init__(self, bucket: str, prefix: str) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = _s3_client()

    def _key(self, path: str) -> str:
        return "/".join(part for part in (self.prefix, path) if part)

    def name(self, path: str) -> str:
        return f"s3://{self.bucket}/{self._key(path)}"

    @contextmanager
    def writer(self, path: str) -> Iterator[IO[bytes]]:
        """A temporary file, uploaded once complete (in parts when large)."""
        with tempfile.TemporaryFile() as file:
            yield file
            file.seek(0)
            self.client.upload_fileobj(file, self.bucket, self._key(path))

    @contextmanager
    def reader(self, path: str) -> Iterator[IO[bytes]]:
        # Downloaded first: a slow database batch must not time out a half-read response.
        with tempfile.TemporaryFile() as file:
            self.client.download_fileobj(self.bucket, self._key(path), file)
            file.seek(0)
            yield file

    def read_text(self, path: str) -> str | None:
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self._key(path))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return reply["Body"].read().decode("utf-8")

    def files(self) -> list[str]:
        if self.prefix.endswith((".jsonl", ".jsonl.gz")):
            self.client.head_object(Bucket=self.bucket, Key=self.prefix)
            return [""]
        folder = f"{self.prefix}/" if self.prefix else ""
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=folder):
            keys += [item["Key"] for item in page.get("Contents", ())]
        return sorted(key[len(folder) :] for key in keys if key.endswith((".jsonl", ".jsonl.gz")))

    def delete(self, paths: Sequence[str]) -> None:
        for start in range(0, len(paths), 1000):  # DeleteObjects takes at most 1000 keys
            objects = [{"Key": self._key(path)} for path in paths[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})


def _store(location: str) -> _Store:
    if location.startswith("s3://"):
        parts = urlsplit(location)
        if not parts.netloc:
            raise LakeUnavailable(f"{location}: expected s3://bucket/prefix")
        return _S3Store(parts.netloc, parts.path.strip("/"))
    return _FolderStore(Path(location))


@contextmanager
def _storage_errors(location: str) -> Iterator[None]:
    try:
        yield
    except (BotoCoreError, ClientError, Boto3Error, OSError) as exc:
        raise LakeUnavailable(f"{location}: {exc}") from exc


# --- Export ------------------------------------------------------------------------------------


class LakeFile(BaseModel):
    path: str
    scrape_date: date
    lines: int
    bytes: int
    sha256: str


class LakeManifest(BaseModel):
    """`_manifest.json`: what an export wrote."""

    schema_version: int
    schema_path: str
    lines: int
    files: list[LakeFile]


def _titles_in_export_order(*, chunk_size: int) -> Iterator[Title]:
    """Every title with what its line needs, by (scrape date, imdb_id), `chunk_size` at a time."""
    day = TruncDate(Coalesce("scraped_at", "updated_at"), tzinfo=UTC)
    titles = (
        Title.objects.annotate(scrape_date=day)
        .order_by("scrape_date", "imdb_id")
        .prefetch_related(
            Prefetch("genres", queryset=Genre.objects.order_by("name")),
            Prefetch(
                "credits",
                queryset=Credit.objects.select_related("person").order_by(
                    "role", "ordering", "person__imdb_id"
                ),
            ),
            Prefetch(
                "localized_titles",
                queryset=LocalizedTitle.objects.order_by("ordering", "region", "language", "name"),
            ),
        )
    )
    return titles.iterator(chunk_size=chunk_size)


def _numbered(titles: Iterable[Title], lines_per_part: int) -> Iterator[tuple[date, int, Title]]:
    """Each title with its partition date and part number there (titles come sorted by date)."""
    day, count = None, 0
    for title in titles:
        if title.scrape_date != day:
            day, count = title.scrape_date, 0
        yield day, count // lines_per_part, title
        count += 1


def _part_write(store: _Store, *, scrape_date: date, number: int, titles: Iterable[Title]) -> LakeFile:
    """Write one part; gzip without timestamp or name, so equal lines give equal bytes."""
    path = f"scrape_date={scrape_date.isoformat()}/part-{number:04d}.jsonl.gz"
    lines = 0
    with store.writer(path) as file:
        with gzip.GzipFile(filename="", mode="wb", fileobj=file, mtime=0) as packed:
            for title in titles:
                packed.write(catalog_line(title).model_dump_json().encode("utf-8") + b"\n")
                lines += 1
        file.flush()
        file.seek(0)
        digest, size = hashlib.sha256(), 0
        while chunk := file.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return LakeFile(path=path, scrape_date=scrape_date, lines=lines, bytes=size, sha256=digest.hexdigest())


def _manifest_read(store: _Store) -> LakeManifest | None:
    text = store.read_text(MANIFEST_PATH)
    if text is None:
        return None
    try:
        return LakeManifest.model_validate_json(text)
    except ValidationError:
        return None  # not ours: nothing of it is deleted


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _put(store: _Store, path: str, content: bytes) -> None:
    with store.writer(path) as file:
        file.write(content)


def catalog_export(
    *,
    destination: str,
    lines_per_part: int = LINES_PER_PART,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[Iterable[Title], int], Iterable[Title]] = lambda items, _total: items,
) -> LakeManifest:
    """Write every title to `destination` (a folder or s3://bucket/prefix) as partitioned JSON Lines."""
    if lines_per_part < 1:
        raise ValueError("lines_per_part must be at least 1")
    with _storage_errors(destination):
        store = _store(destination)
        previous = _manifest_read(store)
        titles = progress(_titles_in_export_order(chunk_size=chunk_size), Title.objects.count())
        files = [
            _part_write(store, scrape_date=day, number=number, titles=(title for *_, title in group))
            for (day, number), group in groupby(_numbered(titles, lines_per_part), key=itemgetter(0, 1))
        ]
        manifest = LakeManifest(
            schema_version=SCHEMA_VERSION,
            schema_path=SCHEMA_PATH,
            lines=sum(file.lines for file in files),
            files=files,
        )
        _put(store, SCHEMA_PATH, _json_bytes(line_schema()))
        _put(store, MANIFEST_PATH, _json_bytes(manifest.model_dump(mode="json")))
        if previous is not None:
            written = {file.path for file in files}
            stale = sorted(
                file.path
                for file in previous.files
                if file.path not in written and PART_PATH.match(file.path)
            )
            store.delete(stale)
    return manifest


# --- Import ------------------------------------------------------------------------------------


@dataclass
class LakeImport:
    files: list[str] = field(default_factory=list)
    lines: int = 0
    titles_read: int = 0  # lines that became titles (a line may replay as several records)
    titles: IngestReport = field(default_factory=IngestReport)
    malformed_count: int = 0
    malformed: list[str] = field(default_factory=list)  # "file:line: reason", the first MALFORMED_KEPT
    failed: list[str] = field(default_factory=list)  # "file: reason": files nothing was imported from

    def malformed_add(self, problem: str) -> None:
        self.malformed_count += 1
        if len(self.malformed) < MALFORMED_KEPT:
            self.malformed.append(problem)


class _FileUnreadable(Exception):
    """A lake file that does not read or decompress to its end: none of it is imported."""


def _content(file: IO[bytes], name: str) -> IO[bytes]:
    """The file's lines as bytes: decompressed when it is gzip (told by its first bytes)."""
    is_gzip = file.read(2) == b"\x1f\x8b"
    file.seek(0)
    if is_gzip:
        return gzip.GzipFile(fileobj=file, mode="rb")
    if name.endswith(".gz"):
        raise _FileUnreadable("not a gzip file")
    return file


def _gzip_problem(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, EOFError):
        reason = "truncated"
    elif text.startswith("CRC check failed"):
        reason = "CRC check failed"
    elif text.startswith("Incorrect length"):
        reason = "length check failed"
    else:
        reason = text or type(exc).__name__
    return f"not a complete gzip file ({reason})"


@contextmanager
def _read_errors() -> Iterator[None]:
    try:
        yield
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _FileUnreadable(_gzip_problem(exc)) from exc


def _verify(file: IO[bytes], name: str) -> None:
    """Read the whole file once, in bounded pieces, so that a broken one is found before
    any of its lines is stored (a file is imported whole or not at all)."""
    with _read_errors():
        content = _content(file, name)
        while content.read(READ_CHUNK):
            pass
    file.seek(0)


def _lines(content: IO[bytes]) -> Iterator[bytes | None]:
    """Each line, or None for one over LINE_MAX_BYTES, which is passed over piece by piece
    (never held whole)."""
    while line := content.readline(LINE_MAX_BYTES + 1):
        if len(line) > LINE_MAX_BYTES and not line.endswith(b"\n"):
            while (rest := content.readline(READ_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _file_records(store: _Store, path: str, result: LakeImport) -> Iterator[dict[str, Any]]:
    name = store.name(path)
    with store.reader(path) as file:
        _verify(file, name)
        with _read_errors():
            for number, text in enumerate(_lines(_content(file, name)), start=1):
                if text is None:
                    result.malformed_add(f"{name}:{number}: line over {LINE_MAX_BYTES >> 20} MB")
                    result.lines += 1
                    continue
                if not text.strip():
                    continue
                result.lines += 1
                try:
                    line, misfits = catalog_line_parse(text)
                except LineMalformed as exc:
                    result.malformed_add(f"{name}:{number}: {exc}")
                    continue
                result.titles_read += 1
                yield from line_records(line, misfits)


def catalog_import(
    *,
    locations: Sequence[str],
    batch_size: int = BATCH_SIZE,
    progress: Callable[[Iterator[dict[str, Any]]], Iterable[dict[str, Any]]] = lambda items: items,
) -> LakeImport:
    """Import lake files (files, folders searched for *.jsonl[.gz], s3:// prefixes) through the pipeline.

    A file is imported whole or not at all: it is read to its end (S3: downloaded to a
    temporary file) before any of its lines goes in, and one that does not read or
    decompress is listed in `failed` and left out while the others are imported. Each
    batch commits on its own: after a failure, running the import again finishes it.
    """
    result = LakeImport()
    sources: list[tuple[str, _Store, str]] = []
    for location in locations:
        with _storage_errors(location):
            store = _store(location)
            paths = store.files()
        if not paths:
            raise LakeUnavailable(f"{location}: no .jsonl or .jsonl.gz file")
        sources += [(location, store, path) for path in paths]
    result.files = [store.name(path) for _location, store, path in sources]

    def records() -> Iterator[dict[str, Any]]:
        for location, store, path in sources:
            try:
                with _storage_errors(location):
                    yield from _file_records(store, path, result)
            except _FileUnreadable as exc:
                result.failed.append(f"{store.name(path)}: {exc}; nothing imported from it")
            except LakeUnavailable as exc:
                reason = str(exc).removeprefix(f"{location}: ")
                result.failed.append(
                    f"{store.name(path)}: could not be read ({reason}); nothing imported from it"
                )

    result.titles = titles_ingest(progress(records()), batch_size=batch_size)
    return result

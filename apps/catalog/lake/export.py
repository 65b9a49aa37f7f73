"""Export: every title to partitioned gzip JSON Lines, with the line's schema and a manifest.

A title goes under the UTC date it was scraped (its last update when it never was), lines
ordered by (date, imdb_id) and gzip written without a timestamp, so exporting an unchanged
catalog gives the same bytes. Files a previous export listed and this one no longer writes
are removed after the new manifest is in place, and only paths of the part files' shape.
"""

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Prefetch
from django.db.models.functions import Coalesce, TruncDate
from pydantic import BaseModel, ValidationError

from apps.catalog.lake.schema import (
    SCHEMA_PATH,
    SCHEMA_VERSION,
    CatalogAka,
    CatalogCredit,
    CatalogLine,
    CatalogProvider,
    CatalogTrailer,
    CatalogTranslation,
    CatalogWatchProviders,
    line_schema,
)
from apps.catalog.lake.storage import Store, storage_errors, store_open
from apps.catalog.models import CREDIT_ROLES, Credit, Genre, LocalizedTitle, Title

MANIFEST_PATH = "_manifest.json"
LINES_PER_PART = 100_000
CHUNK_SIZE = 2000
# Only paths of this shape are ever deleted as stale, whatever an old manifest lists.
PART_PATH = re.compile(r"^scrape_date=\d{4}-\d{2}-\d{2}/part-\d{4,}\.jsonl\.gz$")


def title_page(imdb_id: str) -> str:
    return f"/catalog/{imdb_id}/"


def _text_or_none(value: str) -> str | None:
    return value or None


def catalog_line(title: Title) -> CatalogLine:
    """The lake line of a title fetched with `genres`, `credits` (with people) and `localized_titles`.

    Built without validation: stored rows are the truth, and a value SQLite let past a
    length limit must not stop an export (an import rescues it instead).
    """
    credits: dict[str, list[CatalogCredit]] = {attribute: [] for attribute in CREDIT_ROLES}
    attributes = {role: attribute for attribute, role in CREDIT_ROLES.items()}
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
        original_language=_text_or_none(title.original_language),
        countries=list(title.countries) or None,
        number_of_seasons=title.number_of_seasons,
        tmdb_id=title.tmdb_id,
        poster_path=_text_or_none(title.poster_path),
        backdrop_path=_text_or_none(title.backdrop_path),
        translations={
            language: CatalogTranslation.model_construct(**texts)
            for language, texts in title.translations.items()
        }
        or None,
        regional_release_date=title.regional_release_date,
        age_rating=_text_or_none(title.age_rating),
        release_region=_text_or_none(title.release_region),
        trailers=[CatalogTrailer.model_construct(**trailer) for trailer in title.trailers] or None,
        watch_providers=_watch_providers(title.watch_providers),
        tmdb_vote_average=float(title.tmdb_vote_average) if title.tmdb_vote_average is not None else None,
        tmdb_vote_count=title.tmdb_vote_count or None,
        tmdb_popularity=title.tmdb_popularity,
        tmdb_checked_at=title.tmdb_checked_at,
        source=_text_or_none(title.source),
        rescued_data=title.rescued_data,
        field_sources=title.field_sources,
        decade_category=_text_or_none(title.decade_category),
        genre_categories=title.genre_categories,
        director_stats=title.director_stats,
        sentiment_analysis=title.sentiment_analysis,
        recommendations=title.recommendations,
    )


def _watch_providers(stored: dict[str, Any]) -> CatalogWatchProviders | None:
    if not stored:
        return None
    offers = {
        offer: [CatalogProvider.model_construct(**provider) for provider in stored.get(offer, ())]
        for offer in ("flatrate", "rent", "buy")
    }
    return CatalogWatchProviders.model_construct(link=stored.get("link"), **offers)


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


def _part_write(store: Store, *, scrape_date: date, number: int, titles: Iterable[Title]) -> LakeFile:
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


def _manifest_read(store: Store) -> LakeManifest | None:
    text = store.read_text(MANIFEST_PATH)
    if text is None:
        return None
    try:
        return LakeManifest.model_validate_json(text)
    except ValidationError:
        return None  # not ours: nothing of it is deleted


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _put(store: Store, path: str, content: bytes) -> None:
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
    with storage_errors(destination):
        store = store_open(destination)
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

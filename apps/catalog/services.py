"""Catalog writes: every source's records go through one pipeline."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Person, Source, Title
from apps.catalog.pipeline.clean import record_clean
from apps.catalog.pipeline.enrich import movie_payload, titles_enrich
from apps.catalog.pipeline.errors import RecordRejected
from apps.catalog.pipeline.merge import titles_merge
from apps.catalog.pipeline.normalize import record_normalize
from apps.catalog.pipeline.validate import record_validate
from apps.catalog.search import search_text_build
from apps.scraping.imdb_datasets import SOURCE as DATASETS_SOURCE
from apps.scraping.imdb_datasets import DatasetFiles, ReadStats, name_rows, title_records
from apps.scraping.records import TitleRecord
from apps.stream.services import publish_many

BATCH_SIZE = 1000


@dataclass
class IngestReport:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    rejected: Counter = field(default_factory=Counter)

    def add(self, other: "IngestReport") -> None:
        self.read += other.read
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.events += other.events
        self.rejected.update(other.rejected)


def record_prepare(raw: Mapping[str, Any], *, source: str | None = None) -> TitleRecord:
    """Validate, clean and normalize one raw record (RecordRejected when it has no usable id)."""
    return record_normalize(record_clean(record_validate(raw, source=source)))


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def titles_ingest_batch(records: list[TitleRecord]) -> IngestReport:
    """Merge and enrich prepared records in one transaction, publishing one event per changed title."""
    report = IngestReport(read=len(records))
    with transaction.atomic():
        outcome = titles_merge(records)
        changed = set(outcome.changed) | titles_enrich(outcome.changed)
        titles = (
            Title.objects.filter(pk__in=changed).prefetch_related("genres", "credits__person").order_by("pk")
        )
        # Published last, so the event counter is held as briefly as possible.
        report.events = len(publish_many("movie", [movie_payload(title) for title in titles]))
    report.inserted, report.updated, report.unchanged = (
        len(outcome.inserted),
        len(outcome.updated),
        outcome.unchanged,
    )
    return report


def titles_ingest(
    raw_records: Iterable[Mapping[str, Any]], *, source: str | None = None, batch_size: int = BATCH_SIZE
) -> IngestReport:
    """Run raw records from any source through the whole pipeline, batch by batch."""
    report = IngestReport()
    for raw_batch in _batches(raw_records, batch_size):
        prepared = []
        for raw in raw_batch:
            try:
                prepared.append(record_prepare(raw, source=source))
            except RecordRejected as exc:
                report.read += 1
                report.rejected[str(exc).split(":")[0]] += 1
        if prepared:
            report.add(titles_ingest_batch(prepared))
    return report


def people_upsert(rows: Iterable[tuple[str, str, int | None, int | None]], *, batch_size: int = 5000) -> int:
    """Store people from name.basics (id, name, birth, death), updating known ones; return how many."""
    count = 0
    for batch in _batches(rows, batch_size):
        Person.objects.bulk_create(
            [
                Person(imdb_id=imdb_id, name=name, birth_year=birth, death_year=death)
                for imdb_id, name, birth, death in batch
            ],
            update_conflicts=True,
            unique_fields=["imdb_id"],
            update_fields=["name", "birth_year", "death_year"],
        )
        count += len(batch)
    return count


@dataclass
class DatasetsImport:
    people: int
    titles: IngestReport
    malformed: list[str]


def imdb_datasets_import(
    files: DatasetFiles,
    *,
    types: frozenset[str] | None,
    min_votes: int,
    progress: Callable[[Iterable[Any], str], Iterable[Any]] = lambda items, _label: items,
) -> DatasetsImport:
    """Import IMDb's datasets: names first (so credits carry them), then every wanted title."""
    stats = ReadStats()
    people = people_upsert(progress(name_rows(files, stats), "names"))
    records = progress(title_records(files, types=types, min_votes=min_votes, stats=stats), "titles")
    report = titles_ingest(records, source=DATASETS_SOURCE)
    return DatasetsImport(people=people, titles=report, malformed=stats.malformed)


def title_admin_saved(*, title: Title, changed_fields: Iterable[str]) -> None:
    """Record an admin edit: its fields now outrank every source, and browsers hear of it.

    Called after the admin saved the title and its inlines, in the same transaction.
    """
    now = timezone.now()
    provenance = [Source.ADMIN, now.isoformat()]
    title.field_sources = {**title.field_sources, **dict.fromkeys(changed_fields, provenance)}
    names = [
        title.primary_title,
        title.original_title,
        *title.localized_titles.values_list("name", flat=True),
    ]
    title.search_text = search_text_build(names)
    title.source, title.scraped_at = Source.ADMIN, now
    title.save(update_fields=["field_sources", "search_text", "source", "scraped_at", "updated_at"])
    titles_enrich([title.pk])
    fresh = Title.objects.prefetch_related("genres", "credits__person").get(pk=title.pk)
    publish_many("movie", [movie_payload(fresh)])

"""Catalog writes: every source's records go through one pipeline."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import (
    Credit,
    DatasetDigest,
    DatasetFile,
    EnrichPending,
    LocalizedTitle,
    Person,
    Source,
    Title,
)
from apps.catalog.pipeline import limits
from apps.catalog.pipeline.clean import record_clean
from apps.catalog.pipeline.enrich import ANALYZE_FROM, pending_enrich
from apps.catalog.pipeline.errors import RecordRejected
from apps.catalog.pipeline.merge import titles_merge
from apps.catalog.pipeline.normalize import record_normalize
from apps.catalog.pipeline.validate import record_validate
from apps.catalog.search import search_fold, search_text_build
from apps.scraping.imdb_datasets import (
    DIGESTED,
    NAME_FILE,
    DatasetFiles,
    DatasetOutOfOrder,
    ReadStats,
    UnchangedTitle,
    headers_check,
    name_rows,
    title_records,
)
from apps.scraping.imdb_datasets import SOURCE as DATASETS_SOURCE
from apps.scraping.imdb_datasets_sort import dataset_sort
from apps.scraping.records import TitleRecord
from apps.scraping.services import SOURCE as IMDB_PAGES_SOURCE
from apps.scraping.services import StoreReport
from apps.stream.services import event_log_vacuum
from core.background import in_background
from core.bulk import bulk_session, rows_insert, rows_insert_new, tables_analyze, tables_vacuum
from core.collection import bulk_collection

BATCH_SIZE = 1000
# Batches the datasets' reader may have ready (about 1 MB each, pickled) while names are stored.
READ_AHEAD = 64
# Prepared batches titles_ingest's background process may have ready (pickled, some 100 kB each).
PREPARED_AHEAD = 8


@dataclass
class IngestReport:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    rejected: Counter = field(default_factory=Counter)
    rejected_first: dict[str, str] = field(default_factory=dict)  # per reason, its first record's message
    read_state: Any = None  # see titles_ingest

    def add(self, other: "IngestReport") -> None:
        self.read += other.read
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.events += other.events
        self.rejected_add(other.rejected, other.rejected_first)

    def rejected_add(self, rejected: Counter, first: dict[str, str]) -> None:
        self.rejected.update(rejected)
        for reason, message in first.items():
            self.rejected_first.setdefault(reason, message)


def record_prepare(raw: Mapping[str, Any], *, source: str | None = None) -> TitleRecord:
    """Validate, clean and normalize one raw record (RecordRejected when it has no usable id)."""
    return record_normalize(record_clean(record_validate(raw, source=source)))


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def titles_ingest_batch(records: list[TitleRecord]) -> IngestReport:
    """Merge prepared records in one transaction; what changed is left pending for `pending_enrich`."""
    report = IngestReport(read=len(records))
    outcome = titles_merge(records)
    report.inserted, report.updated, report.unchanged = (
        len(outcome.inserted),
        len(outcome.updated),
        outcome.unchanged,
    )
    return report


@dataclass
class PreparedBatch:
    """Records validated, cleaned and normalized, with what was rejected on the way."""

    records: list[TitleRecord]
    rejected: Counter = field(default_factory=Counter)  # by reason: the message's field
    rejected_first: dict[str, str] = field(default_factory=dict)


def batches_prepare(
    raw_records: Iterable[Mapping[str, Any]], *, source: str | None = None, batch_size: int = BATCH_SIZE
) -> Iterator[PreparedBatch]:
    """Batches of `batch_size` raw records, prepared one by one as they come: a batch holds
    prepared records only, which the limits bound, never a batch of raw ones."""
    batch, count = PreparedBatch(records=[]), 0
    for raw in raw_records:
        try:
            batch.records.append(record_prepare(raw, source=source))
        except RecordRejected as exc:
            reason = str(exc).split(":")[0]
            batch.rejected[reason] += 1
            batch.rejected_first.setdefault(reason, str(exc))
        count += 1
        if count == batch_size:
            yield batch
            batch, count = PreparedBatch(records=[]), 0
    if count:
        yield batch


def titles_ingest_prepared(
    batches: Iterable[PreparedBatch], *, batch_done: Callable[[list[TitleRecord]], None] | None = None
) -> IngestReport:
    """Merge prepared batches, each in one transaction, then enrich and announce what changed.

    `batch_done` is called with each batch's records in the transaction that merged them.
    """
    report = IngestReport()
    with bulk_collection(), bulk_session():
        _prepared_merge(batches, report, batch_done)
        if report.inserted + report.updated >= ANALYZE_FROM:
            tables_analyze(Title, Credit, Title.genres.through, LocalizedTitle, Person)
        # Enriched once the whole input is merged, so the result does not depend on batching.
        report.events = pending_enrich()
    return report


def _prepared_merge(
    batches: Iterable[PreparedBatch],
    report: IngestReport,
    batch_done: Callable[[list[TitleRecord]], None] | None,
) -> None:
    for batch in batches:
        report.read += sum(batch.rejected.values())
        report.rejected_add(batch.rejected, batch.rejected_first)
        if batch.records:
            with transaction.atomic():
                report.add(titles_ingest_batch(batch.records))
                if batch_done is not None:
                    batch_done(batch.records)


@dataclass
class _ReadDone:
    """The producer's last item: what `read_state` returned where the records were read."""

    state: Any


def titles_ingest(
    raw_records: Iterable[Mapping[str, Any]],
    *,
    source: str | None = None,
    batch_size: int = BATCH_SIZE,
    batch_done: Callable[[list[TitleRecord]], None] | None = None,
    read_state: Callable[[], Any] | None = None,
) -> IngestReport:
    """Run raw records from any source through the whole pipeline, batch by batch.

    More than one batch of records is read and prepared (validate, clean, normalize) in a
    background process (core/background.py) while this one merges, as the datasets import
    does. So reading them must not use the database, and what it notes about itself on the
    way stays in that process: `read_state` is called there after the last record, and what
    it returns (picklable) is the report's `read_state`. One batch or less is prepared here:
    there is nothing to overlap.
    """
    if isinstance(raw_records, Sequence) and len(raw_records) <= batch_size:
        report = titles_ingest_prepared(
            batches_prepare(raw_records, source=source, batch_size=batch_size), batch_done=batch_done
        )
        report.read_state = read_state() if read_state else None
        return report
    done = _ReadDone(state=None)

    def produce() -> Iterator[PreparedBatch | _ReadDone]:
        yield from batches_prepare(raw_records, source=source, batch_size=batch_size)
        yield _ReadDone(state=read_state() if read_state else None)

    def prepared() -> Iterator[PreparedBatch]:
        nonlocal done
        for item in in_background(produce, ahead=PREPARED_AHEAD):
            if isinstance(item, _ReadDone):
                done = item
            else:
                yield item

    with closing(prepared()) as batches:  # a failed merge stops the background process too
        report = titles_ingest_prepared(batches, batch_done=batch_done)
    report.read_state = done.state
    return report


def imdb_pages_store(records: list[dict[str, Any]]) -> StoreReport:
    """Store one batch of records scraped from IMDb pages (the scrapers' `store` step)."""
    report = titles_ingest(records, source=IMDB_PAGES_SOURCE)
    return StoreReport(
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
        events=report.events,
        rejected=sum(report.rejected.values()),
    )


def people_upsert(
    rows: Iterable[tuple[str, str, int | None, int | None]], *, batch_size: int = 20_000
) -> int:
    """Store people from name.basics (id, name, birth, death), updating known ones; return how many.

    A name longer than the limits allow (apps/catalog/pipeline/limits.py) is cut there.
    """
    columns = ["imdb_id", "name", "birth_year", "death_year", "search_name"]
    # Into an empty table (a first import) rows go straight in, until one is already there.
    straight = not Person.objects.exists()
    count = 0
    for rows_read in _batches(rows, batch_size):
        batch = [
            (imdb_id, name, *years, search_fold(name))
            for imdb_id, name, *years in (
                (imdb_id, name[: limits.PERSON_NAME], *years) for imdb_id, name, *years in rows_read
            )
        ]
        with transaction.atomic():
            if straight:
                # Upserted from here on once one is stored already (someone else stores people
                # too, or a name came twice).
                straight = rows_insert_new(Person, columns, batch, conflict=["imdb_id"], update=columns[1:])
            else:
                rows_insert(Person, columns, batch, conflict=["imdb_id"], update=columns[1:])
        count += len(batch)
    if count:
        tables_analyze(Person)
    return count


@dataclass
class DatasetsImport:
    people: int
    titles: IngestReport
    malformed: list[str]
    skipped_files: list[str] = field(default_factory=list)
    sorted_files: list[str] = field(default_factory=list)  # out of id order: sorted on disk first


def _digests_known() -> dict[str, tuple[int, ...]]:
    """The digests stored for titles the catalog holds (a deleted title is imported afresh)."""
    return {
        imdb_id: tuple(digests)
        for imdb_id, *digests in DatasetDigest.objects.filter(
            imdb_id__in=Title.objects.values("imdb_id")
        ).values_list("imdb_id", *DIGEST_FIELDS)
    }


# DatasetDigest's columns, one per title file in DIGESTED's order ("title.basics" -> "basics").
DIGEST_FIELDS = tuple(name.removeprefix("title.") for name in DIGESTED)


def imdb_datasets_import(
    files: DatasetFiles,
    *,
    types: frozenset[str] | None,
    min_votes: int,
    progress: Callable[[Iterable[Any], str], Iterable[Any]] = lambda items, _label: items,
) -> DatasetsImport:
    """Import IMDb's datasets: names first (so credits carry them), then every wanted title.

    Every file's header is checked first: one that is not IMDb's raises DatasetHeaderMismatch
    and nothing is stored. What the last import already read is not read again: a file
    identical to the one it read is skipped (title files only for titles it stored), and a
    title whose lines are all unchanged skips the pipeline (imdb_datasets.py: title_records).
    A title file out of id order is sorted into a temporary file and the titles are read
    again from the start (_TitlesRead.batches).
    """
    with bulk_collection(), bulk_session(), TemporaryDirectory(prefix="cinestream-datasets-") as folder:
        try:
            return _datasets_import(
                files, types=types, min_votes=min_votes, progress=progress, sort_folder=Path(folder)
            )
        finally:
            files.sorted_copies.clear()  # they go with the folder


def _datasets_import(
    files: DatasetFiles,
    *,
    types: frozenset[str] | None,
    min_votes: int,
    progress: Callable[[Iterable[Any], str], Iterable[Any]],
    sort_folder: Path,
) -> DatasetsImport:
    headers_check(files, (*DIGESTED, NAME_FILE))  # DatasetHeaderMismatch before anything is stored
    fingerprints = {name: files.fingerprint(name) for name in (*DIGESTED, NAME_FILE)}
    known = _digests_known()
    unchanged_files = _files_unchanged(fingerprints, has_titles=bool(known))
    read = _TitlesRead(
        files, types=types, min_votes=min_votes, progress=progress, skip=unchanged_files, known=known
    )
    titles = read.batches(sort_folder)
    names_stats = ReadStats()
    try:
        # The first batch starts the reader, which reads ahead while names are stored.
        first = list(islice(titles, 1))
        people = 0
        if NAME_FILE not in unchanged_files:
            people = people_upsert(progress(name_rows(files, names_stats), "names"))
        report = titles_ingest_prepared(chain(first, titles), batch_done=read.digests_store)
    finally:
        titles.close()
    report.read += read.end.unchanged
    report.unchanged += read.end.unchanged
    if report.inserted + report.updated >= ANALYZE_FROM:
        tables_vacuum(Title, DatasetDigest, Credit, Title.genres.through, LocalizedTitle, Person)
        event_log_vacuum()
    _fingerprints_store(fingerprints)
    return DatasetsImport(
        people=people,
        titles=report,
        malformed=[*names_stats.malformed, *read.end.stats.malformed],
        skipped_files=sorted(unchanged_files),
        sorted_files=sorted(read.sorted_files),
    )


def _files_unchanged(fingerprints: Mapping[str, str | None], *, has_titles: bool) -> frozenset[str]:
    """The files identical to those the last import read (none if it stored no title); never
    title.basics, which says which titles there are."""
    stored = dict(DatasetFile.objects.values_list("name", "fingerprint")) if has_titles else {}
    return frozenset(
        name
        for name, fingerprint in fingerprints.items()
        if fingerprint and stored.get(name) == fingerprint and name != "title.basics"
    )


def _fingerprints_store(fingerprints: Mapping[str, str | None]) -> None:
    with transaction.atomic():
        for name, fingerprint in fingerprints.items():
            if fingerprint:
                DatasetFile.objects.update_or_create(name=name, defaults={"fingerprint": fingerprint})
            else:
                DatasetFile.objects.filter(name=name).delete()


@dataclass
class _ReadEnd:
    """The reader's last item: the unchanged titles it passed over, the lines it could not use."""

    unchanged: int = 0
    stats: ReadStats = field(default_factory=ReadStats)


@dataclass
class _TitlesRead:
    """The title files read and prepared in a background process (no database there), their
    batches merged here with each title's digests. A file found out of id order is sorted on
    disk and every file read again from the start: the titles this import stored meanwhile
    then hash as stored and pass as unchanged (not counted twice), and a title that read
    differently sorted (its lines were out of place) is merged again."""

    files: DatasetFiles
    types: frozenset[str] | None
    min_votes: int
    progress: Callable[[Iterable[Any], str], Iterable[Any]]
    skip: frozenset[str]  # files unchanged since the last import
    known: dict[str, tuple[int, ...]]  # digests stored for the catalog's titles
    stored_here: frozenset[str] = frozenset()  # by this import, before a file was sorted
    pending: dict[str, tuple[int, ...]] = field(default_factory=dict)  # digests of batches sent
    end: _ReadEnd = field(default_factory=_ReadEnd)
    sorted_files: list[str] = field(default_factory=list)
    known_first: dict[str, tuple[int, ...]] = field(init=False)  # as the import found them

    def __post_init__(self) -> None:
        self.known_first = self.known

    def batches(self, sort_folder: Path) -> Iterator[PreparedBatch]:
        """Prepared batches to merge, their digests kept in `pending`, the reader's end in `end`."""
        while True:
            try:
                for item in in_background(self._read, ahead=READ_AHEAD):
                    if isinstance(item, _ReadEnd):
                        self.end = item
                        continue
                    batch, digests = item
                    self.pending.update(digests)
                    yield batch
                return
            except DatasetOutOfOrder as exc:
                self._sorted_restart(exc, sort_folder)

    def _read(self) -> Iterator[tuple[PreparedBatch, dict[str, tuple[int, ...]]] | _ReadEnd]:
        end, digests = _ReadEnd(), {}
        for batch in batches_prepare(self._changed(end, digests), source=DATASETS_SOURCE):
            yield batch, {record.imdb_id: digests.pop(record.imdb_id) for record in batch.records}
            digests.clear()  # those of rejected records: they are read again next time
        yield end

    def _changed(self, end: _ReadEnd, digests: dict[str, tuple[int, ...]]) -> Iterator[dict[str, Any]]:
        """The raw records of titles that changed, their digests noted in `digests`."""
        records = title_records(
            self.files,
            types=self.types,
            min_votes=self.min_votes,
            stats=end.stats,
            skip=self.skip,
            known=self.known,
        )
        for record, title_digests in self.progress(records, "titles"):
            if isinstance(record, UnchangedTitle):
                end.unchanged += record.imdb_id not in self.stored_here
                continue
            digests[record["imdb_id"]] = title_digests
            yield record

    def digests_store(self, records: list[TitleRecord]) -> None:
        rows_insert(
            DatasetDigest,
            ["imdb_id", *DIGEST_FIELDS],
            (
                (record.imdb_id, *self.pending.pop(record.imdb_id))
                for record in records
                if record.imdb_id in self.pending
            ),
            conflict=["imdb_id"],
            update=DIGEST_FIELDS,
        )

    def _sorted_restart(self, exc: DatasetOutOfOrder, sort_folder: Path) -> None:
        if exc.name is None or exc.name in self.files.sorted_copies:
            raise exc  # a sorted copy out of order would be a bug in the sort, not in the file
        self.files.sorted_copies[exc.name] = dataset_sort(self.files, exc.name, sort_folder).path
        self.sorted_files.append(exc.name)
        known = _digests_known()
        self.stored_here = frozenset(
            imdb_id for imdb_id, digests in known.items() if self.known_first.get(imdb_id) != digests
        )
        self.known, self.pending = known, {}


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
    title.enrich_pending = EnrichPending.NEIGHBOURS
    title.save(
        update_fields=["field_sources", "search_text", "source", "scraped_at", "enrich_pending", "updated_at"]
    )
    pending_enrich()

"""Merge: upsert normalized records into stored titles, field by field.

Which value wins when sources disagree (per field, recorded in `Title.field_sources`):
1. A missing incoming value never replaces a stored one.
2. A source of higher rank wins: admin > imdb_page > imdb_datasets > lake_import > tmdb,
   except on TMDB's own fields (TMDB_FIELDS: images, translations, trailers, providers,
   its scores…), where tmdb ranks with imdb_page, below admin. So TMDB fills IMDb's
   fields only where no IMDb source has (it sends plot and runtime only for titles that
   lack them), and `rating`/`votes` stay IMDb's: TMDB's scores have fields of their own.
3. Between equal ranks, the fresher record (`scraped_at`) wins.
4. Ratings, vote counts and TMDB's scores and popularity are measurements: the fresher
   one wins whatever the source, but for tmdb on IMDb's `rating`/`votes`, which it does
   not measure.
Localized titles accumulate (keyed by region, language and name); genres, keywords and
each credit role are replaced as a whole when the incoming list wins, and so are TMDB's
translations, trailers and providers, for which an empty value is news (a title left a
streaming service), not a missing one. `tmdb_checked_at` is bookkeeping, not a value a
source states: the later time is kept, without provenance.

Concurrency: a batch first inserts the titles it lacks (ignoring ones another worker
inserted meanwhile), then locks all its rows in id order (PostgreSQL; SQLite's write
lock serializes whole transactions), so two workers writing one title make one row,
and the later merge sees the earlier one's values.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from apps.catalog.models import (
    CREDIT_ROLES,
    TMDB_OWN_FIELDS,
    Credit,
    EnrichPending,
    Genre,
    LocalizedTitle,
    Person,
    Source,
    Title,
)
from apps.catalog.pipeline.limits import rescued_bound
from apps.catalog.search import search_fold, search_text_build
from apps.scraping.records import CreditRecord, TitleRecord
from core.bulk import rows_delete, rows_insert, rows_insert_new, rows_update

SOURCE_RANK = {
    Source.ADMIN: 4,
    Source.IMDB_PAGE: 3,
    Source.IMDB_DATASETS: 2,
    Source.LAKE_IMPORT: 1,
    Source.TMDB: 0,
}
TMDB_FIELDS = frozenset(TMDB_OWN_FIELDS)
TMDB_OWN_RANK = SOURCE_RANK[Source.IMDB_PAGE]
MEASUREMENTS = frozenset({"rating", "votes", "tmdb_vote_average", "tmdb_vote_count", "tmdb_popularity"})
# Fields whose empty value replaces a stored one (see the rule above).
EMPTY_IS_NEWS = frozenset({"translations", "trailers", "watch_providers"})
SCALAR_FIELDS = (
    "title_type",
    "primary_title",
    "original_title",
    "is_adult",
    "start_year",
    "end_year",
    "release_date",
    "runtime_minutes",
    "rating",
    "votes",
    "plot",
    "poster_url",
    "certificate",
    "keywords",
    *sorted(TMDB_FIELDS),
)
AKA_COLUMNS = ["title", "name", "region", "language", "is_original", "ordering"]
# A change to these moves a title between other titles' recommendations.
NEIGHBOURLY = frozenset({"start_year", "genres", *CREDIT_ROLES})


@dataclass
class MergeOutcome:
    inserted: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> list[int]:
        return [*self.inserted, *self.updated]


def _stored_form(name: str, value: Any) -> Any:
    if name in ("rating", "tmdb_vote_average") and value is not None:
        return Decimal(str(value)).quantize(Decimal("0.1"))
    if name in ("keywords", "countries"):
        return list(value)
    if name == "translations":
        return {
            language: texts.model_dump(mode="json", exclude_none=True) for language, texts in value.items()
        }
    if name == "trailers":
        return [trailer.model_dump(mode="json") for trailer in value]
    if name == "watch_providers":
        return {offer: listed for offer, listed in value.model_dump(mode="json").items() if listed}
    return value


def _rank(name: str, source: str) -> int:
    if source == Source.TMDB and name in TMDB_FIELDS:
        return TMDB_OWN_RANK
    return SOURCE_RANK.get(source, 0)


def _wins(name: str, title: Title, source: str, seen_at: datetime) -> bool:
    stored = title.field_sources.get(name)
    if stored is None:
        return True
    stored_rank, stored_at = _rank(name, stored[0]), datetime.fromisoformat(stored[1])
    rank = _rank(name, source)
    if rank != stored_rank:
        measured = name in MEASUREMENTS and (source != Source.TMDB or name in TMDB_FIELDS)
        return rank > stored_rank or (measured and seen_at > stored_at)
    return seen_at >= stored_at


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


class _Batch:
    """The stored state of one batch of titles and what the records change in it."""

    def __init__(self, titles: dict[str, Title], *, stored: bool = True) -> None:
        self.titles, self.stored = titles, stored
        ids = [title.pk for title in titles.values()] if stored else []
        self.genres: dict[int, list[str]] = defaultdict(list)
        for title_id, name in Title.genres.through.objects.filter(title_id__any=ids).values_list(
            "title_id", "genre__name"
        ):
            self.genres[title_id].append(name)
        self.credits: dict[tuple[int, str], list[tuple[str, int]]] = defaultdict(list)
        for title_id, role, person_id, ordering in (
            Credit.objects.filter(title_id__any=ids)
            .order_by("ordering")
            .values_list("title_id", "role", "person__imdb_id", "ordering")
        ):
            self.credits[title_id, role].append((person_id, ordering))
        self.akas: dict[int, set[tuple[str, str, str]]] = defaultdict(set)
        for title_id, region, language, name in (
            LocalizedTitle.objects.filter(title_id__any=ids)
            .order_by()
            .values_list("title_id", "region", "language", "name")
        ):
            self.akas[title_id].add((region, language, name))
        self.dirty_fields: set[str] = set()
        self.dirty_titles: set[int] = set()
        self.new_genres: dict[int, list[str]] = {}
        self.new_credits: dict[tuple[int, str], tuple[CreditRecord, ...]] = {}
        self.new_akas: list[tuple[int, str, str, str, bool, int]] = []  # AKA_COLUMNS' values
        self.names_changed: set[int] = set()

    def apply(self, record: TitleRecord) -> None:
        title = self.titles[record.imdb_id]
        seen_at = record.scraped_at or datetime.now(UTC)
        provenance = [record.source, seen_at.isoformat()]
        changed = False
        pending = EnrichPending.TITLE

        def take(name: str) -> bool:
            nonlocal changed, pending
            if not _wins(name, title, record.source, seen_at):
                return False
            title.field_sources[name] = provenance
            self.dirty_fields.add("field_sources")
            changed = True
            if name in NEIGHBOURLY:
                pending = EnrichPending.NEIGHBOURS
            return True

        checked_at = record.tmdb_checked_at
        if checked_at is not None and (title.tmdb_checked_at is None or checked_at > title.tmdb_checked_at):
            title.tmdb_checked_at = checked_at
            self.dirty_fields.add("tmdb_checked_at")
            changed = True
        for name in SCALAR_FIELDS:
            value = getattr(record, name)
            if value is None or (name not in EMPTY_IS_NEWS and _empty(value)):
                continue
            value = _stored_form(name, value)
            if getattr(title, name) != value and take(name):
                setattr(title, name, value)
                self.dirty_fields.add(name)
                if name in ("primary_title", "original_title"):
                    self.names_changed.add(title.pk)
        if record.genres and sorted(record.genres) != sorted(self.genres[title.pk]) and take("genres"):
            self.new_genres[title.pk] = list(record.genres)
            self.genres[title.pk] = list(record.genres)
        for attribute, role in CREDIT_ROLES.items():
            credits = getattr(record, attribute)
            if not credits:
                continue
            keyed = [(credit.imdb_id, credit.ordering) for credit in credits if credit.imdb_id]
            if keyed != self.credits[title.pk, role] and take(attribute):
                self.new_credits[title.pk, role] = credits
                self.credits[title.pk, role] = keyed
        for aka in record.akas or ():
            key = (aka.region, aka.language, aka.name)
            if key not in self.akas[title.pk]:
                self.akas[title.pk].add(key)
                self.new_akas.append(
                    (title.pk, aka.name, aka.region, aka.language, aka.is_original, aka.ordering)
                )
                self.names_changed.add(title.pk)
                changed = True
        if record.rescued:
            # Bounded as a whole too: sources rescuing different fields must not grow it forever.
            merged = rescued_bound({**title.rescued_data, **record.rescued})
            if merged != title.rescued_data:
                title.rescued_data = merged
                self.dirty_fields.add("rescued_data")
                changed = True
        if changed:
            title.source, title.scraped_at = record.source, seen_at
            if record.source_url:
                title.source_url = record.source_url
            title.enrich_pending = max(title.enrich_pending, pending)
            self.dirty_fields.update(("source", "scraped_at", "source_url", "enrich_pending"))
            self.dirty_titles.add(title.pk)

    def forget(self, title_ids: set[int]) -> None:
        """Leave these titles out of what `save` writes."""
        self.dirty_titles -= title_ids
        self.new_genres = {pk: genres for pk, genres in self.new_genres.items() if pk not in title_ids}
        self.new_credits = {
            key: credits for key, credits in self.new_credits.items() if key[0] not in title_ids
        }
        self.new_akas = [aka for aka in self.new_akas if aka[0] not in title_ids]

    def titles_finish(self) -> list[Title]:
        """The changed titles, their search text rebuilt where their names changed."""
        titles = [title for title in self.titles.values() if title.pk in self.dirty_titles]
        for title in titles:
            if title.pk in self.names_changed:
                names = [
                    title.primary_title,
                    title.original_title,
                    *(name for *_, name in self.akas[title.pk]),
                ]
                title.search_text = search_text_build(names)
                self.dirty_fields.add("search_text")
        return titles

    def save(self, *, titles: bool = True) -> None:
        """Write what changed; with `titles=False` the title rows are written by the caller."""
        changed = self.titles_finish()
        if titles and changed and self.dirty_fields:
            columns, now = [*sorted(self.dirty_fields), "updated_at"], timezone.now()
            for title in changed:
                title.updated_at = now
            rows_update(
                Title, columns, ([title.pk, *(getattr(title, c) for c in columns)] for title in changed)
            )
        self._save_genres()
        self._save_credits()
        rows_insert(
            LocalizedTitle, AKA_COLUMNS, self.new_akas, conflict=["title", "region", "language", "name"]
        )

    def _save_genres(self) -> None:
        if not self.new_genres:
            return
        names = {name for genres in self.new_genres.values() for name in genres}
        genre_ids = dict(Genre.objects.filter(name__any=names).order_by().values_list("name", "id"))
        if len(genre_ids) < len(names):
            rows_insert(
                Genre, ["name"], ([name] for name in sorted(names - set(genre_ids))), conflict=["name"]
            )
            genre_ids = dict(Genre.objects.filter(name__any=names).order_by().values_list("name", "id"))
        through = Title.genres.through
        if self.stored:
            rows_delete(through, "title", self.new_genres)
        rows_insert(
            through,
            ["title", "genre"],
            (
                (title_id, genre_ids[name])
                for title_id, genres in self.new_genres.items()
                for name in dict.fromkeys(genres)
            ),
        )

    def _save_credits(self) -> None:
        if not self.new_credits:
            return
        people = {
            credit.imdb_id: credit.name
            for credits in self.new_credits.values()
            for credit in credits
            if credit.imdb_id
        }
        stored = {
            imdb_id: (pk, name)
            for imdb_id, pk, name in Person.objects.filter(imdb_id__any=people)
            .order_by()
            .values_list("imdb_id", "id", "name")
        }
        person_ids = {imdb_id: pk for imdb_id, (pk, _name) in stored.items()}
        # A known person keeps the name it has unless the record names them (the datasets'
        # name.basics is imported first); an unknown one without a name is named by its id.
        # Only new and renamed people are sent: most of a batch's people are stored already.
        rows_insert(
            Person,
            ["imdb_id", "name", "search_name"],
            sorted(
                (imdb_id, name, search_fold(name))
                for imdb_id, name in people.items()
                if name and (imdb_id not in stored or stored[imdb_id][1] != name)
            ),
            conflict=["imdb_id"],
            update=["name", "search_name"],
        )
        rows_insert(
            Person,
            ["imdb_id", "name", "search_name"],
            sorted(
                (imdb_id, imdb_id, imdb_id)
                for imdb_id, name in people.items()
                if not name and imdb_id not in person_ids
            ),
            conflict=["imdb_id"],
        )
        if len(person_ids) < len(people):
            person_ids = dict(
                Person.objects.filter(imdb_id__any=people).order_by().values_list("imdb_id", "id")
            )
        by_role: dict[str, list[int]] = defaultdict(list)
        for title_id, role in self.new_credits:
            by_role[role].append(title_id)
        for role, title_ids in by_role.items() if self.stored else ():
            rows_delete(Credit, "title", title_ids, role=role)
        # The titles' rows are locked and their credits for these roles deleted, so only
        # a person listed twice in one role could collide: keep their first credit.
        credits = {
            (title_id, person_ids[credit.imdb_id], role): credit
            for (title_id, role), credits in self.new_credits.items()
            for credit in reversed(credits)
            if credit.imdb_id
        }
        rows_insert(
            Credit,
            ["title", "person", "role", "ordering", "characters"],
            (
                (title_id, person_id, role, credit.ordering, list(credit.characters))
                for (title_id, person_id, role), credit in credits.items()
            ),
        )


_TITLE_FIELDS = Title._meta.concrete_fields
_TITLE_DEFAULTS = {field.attname: field.get_default() for field in _TITLE_FIELDS}
_TITLE_MUTABLE_DEFAULTS = {
    field.attname: field.default for field in _TITLE_FIELDS if field.default in (dict, list)
}
_TITLE_DATED = [
    field.attname
    for field in _TITLE_FIELDS
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add)
]


class _NewTitle:
    """A title the catalog lacks, with the model's defaults, as merging fills it in.

    Not a model instance: building one costs tens of microseconds, which added up to a
    large share of a first import, and it is written with one bulk INSERT anyway.
    """

    def __init__(self, pk: int, imdb_id: str, source: str, now: datetime) -> None:
        self.__dict__.update(_TITLE_DEFAULTS)
        for name, factory in _TITLE_MUTABLE_DEFAULTS.items():
            setattr(self, name, factory())
        for name in _TITLE_DATED:
            setattr(self, name, now)
        self.pk = self.id = pk
        self.imdb_id, self.source = imdb_id, source

    def row(self) -> list[Any]:
        return [getattr(self, field.attname) for field in _TITLE_FIELDS]


def _title_ids_reserve(count: int) -> list[int]:
    """Primary keys for new titles, taken before their rows are written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Title._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the database's write lock (IMMEDIATE), so no one
        # else takes these; AUTOINCREMENT's counter is honoured so ids are never reused.
        table = Title._meta.db_table
        cursor.execute(
            f"SELECT MAX(last) FROM (SELECT MAX(id) AS last FROM {connection.ops.quote_name(table)} "
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        last = cursor.fetchone()[0] or 0
        return list(range(last + 1, last + 1 + count))


def _fresh_insert(records: Sequence[TitleRecord], ids: list[str], outcome: MergeOutcome) -> set[str]:
    """Insert titles the catalog lacks in one write each; return those another worker inserted first."""
    first = {record.imdb_id: record for record in reversed(records)}
    now = timezone.now()
    titles = {
        imdb_id: _NewTitle(pk, imdb_id, first[imdb_id].source, now)
        for imdb_id, pk in zip(ids, _title_ids_reserve(len(ids)), strict=True)
    }
    batch = _Batch(titles, stored=False)
    for record in records:
        batch.apply(record)
    batch.titles_finish()
    columns, rows = [field.name for field in _TITLE_FIELDS], [title.row() for title in titles.values()]
    rows_insert_new(Title, columns, rows, conflict=["imdb_id"])  # another worker may have inserted one
    stored = dict(Title.objects.filter(imdb_id__any=ids).order_by().values_list("imdb_id", "pk"))
    lost = {imdb_id for imdb_id in ids if stored.get(imdb_id) != titles[imdb_id].pk}
    batch.forget({titles[imdb_id].pk for imdb_id in lost})
    batch.save(titles=False)
    for imdb_id in ids:
        if imdb_id in lost:
            continue
        if titles[imdb_id].pk in batch.dirty_titles:
            outcome.inserted.append(titles[imdb_id].pk)
        else:
            outcome.unchanged += 1  # a record with nothing in it: a bare row, as before
    return lost


def _stored_merge(records: Sequence[TitleRecord], ids: list[str], outcome: MergeOutcome) -> None:
    """Merge records into stored titles, their rows locked in id order."""
    titles = {
        title.imdb_id: title
        for title in Title.objects.select_for_update().filter(imdb_id__any=ids).order_by("imdb_id")
    }
    batch = _Batch(titles)
    for record in records:
        batch.apply(record)
    batch.save()
    for title in titles.values():
        if title.pk in batch.dirty_titles:
            outcome.updated.append(title.pk)
        else:
            outcome.unchanged += 1


def titles_merge(records: Sequence[TitleRecord]) -> MergeOutcome:
    """Upsert a batch of normalized records; return which titles were inserted or changed."""
    outcome = MergeOutcome()
    if not records:
        return outcome
    with transaction.atomic():
        ids = sorted({record.imdb_id for record in records})
        existed = set(Title.objects.filter(imdb_id__any=ids).order_by().values_list("imdb_id", flat=True))
        fresh = [imdb_id for imdb_id in ids if imdb_id not in existed]
        if fresh:
            wanted = set(fresh)
            existed |= _fresh_insert(
                [record for record in records if record.imdb_id in wanted], fresh, outcome
            )
        if existed:
            _stored_merge(
                [record for record in records if record.imdb_id in existed], sorted(existed), outcome
            )
    return outcome

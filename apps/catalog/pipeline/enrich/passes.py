"""The enrichment pass: what merges left pending, recomputed from the catalog as it stands.

Which titles a pass works on: the pending ones, the titles of their first directors
(whose stats change with them), and, for a title pending with its neighbours
(`EnrichPending.NEIGHBOURS`), the titles sharing a person with it. Only those and the
titles pending with their neighbours get their recommendations recomputed; the others
keep theirs. Each chunk is one transaction (rows locked in IMDb-id order, derived fields
written, flags cleared, the chunk's `movie` events published last).

The tuning constants below pick how a pass reads, never what it computes.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count

from apps.catalog.decades import Decade
from apps.catalog.events import movie_events_publish
from apps.catalog.models import Credit, CreditRole, EnrichPending, LocalizedTitle, RecommendationBucket, Title
from apps.catalog.names import DISPLAY_REGIONS, names_of
from apps.catalog.pipeline.enrich.neighbourhood import Neighbourhood
from apps.catalog.pipeline.enrich.payloads import movie_payloads
from apps.catalog.pipeline.enrich.recommendations import (
    BucketKey,
    Buckets,
    bucket_titles,
    buckets_top_all,
    recommendations_of,
)
from apps.catalog.pipeline.enrich.rules import (
    DERIVED,
    one_decimal,
    plot_words,
    plots_of,
    sentiment_of,
    themes_of,
)
from core.bulk import rows_update, tables_analyze
from core.collection import bulk_collection

CHUNK = 2000
# From this many titles at work, and a quarter of the catalog, a pass reads the whole
# catalog's credits at once,
PRELOAD_FROM = 5000
# and from this many, every (decade, genre) bucket's top titles.
BUCKETS_AT_ONCE_FROM = 50
# From this many titles written, statistics are refreshed before they are read again.
ANALYZE_FROM = 10_000

FACTS = ("pk", "imdb_id", "primary_title", "start_year", "plot", "translations", "keywords", "enrich_pending")


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Catalog:
    """What a pending pass needs to know about the catalog, read once per pass.

    `buckets_top`: every bucket's top titles when the caller has just read them.
    """

    def __init__(
        self,
        pending: dict[int, int],
        *,
        recommend_all: bool = False,
        buckets_top: dict[BucketKey, list[int]] | None = None,
    ) -> None:
        # A pass over a good part of the catalog reads whole tables: cheaper than looking
        # up that many ids one by one.
        catalog_size = Title.objects.count()

        def most_of_it(count: int) -> bool:
            return count >= PRELOAD_FROM and count * 4 >= catalog_size

        whole = most_of_it(len(pending))
        if whole:
            every_first = self._first_directors(None)
            people = {every_first[pk] for pk in pending if pk in every_first}
            self.director_stats = self._director_stats(None)
        else:
            first = self._first_directors(pending)
            people = set(first.values())
            self.director_stats = self._director_stats(people)
            # A director's other titles see their stats change too (where they are its first director).
            directed = set(
                Credit.objects.filter(role=CreditRole.DIRECTOR, person_id__any=people)
                .order_by()
                .values_list("title_id", flat=True)
            )
            every_first = first | self._first_directors(directed - pending.keys())
        self.directors = {title_id: person for title_id, person in every_first.items() if person in people}
        self.neighbourhood = Neighbourhood()
        # Every title pending (a first import): no title is left to be co-credited.
        co_credited = set() if len(pending) == catalog_size else self._co_credited(pending)
        self.work = sorted(pending.keys() | self.directors.keys() | co_credited)
        # A title's recommendations depend on its people, genres and decade and on those of
        # its candidates: they are recomputed where one of these moved, and kept elsewhere
        # (a new rating or title changes the title's other derived fields, not them).
        self.recommend = (
            set(self.work)
            if recommend_all
            else {pk for pk, flag in pending.items() if flag >= EnrichPending.NEIGHBOURS} | co_credited
        )
        if buckets_top is None and len(self.recommend) >= BUCKETS_AT_ONCE_FROM:
            # One query for every bucket's top costs about what ten single buckets do.
            buckets_top = buckets_top_all()
        self.buckets = Buckets(self.neighbourhood, buckets_top)
        if whole or most_of_it(len(self.recommend)):
            self.neighbourhood.preload()

    def stats_of(self, title_id: int) -> dict:
        """The stats of this title's first director, {} without one."""
        stats = self.director_stats.get(self.directors.get(title_id))
        return {} if stats is None else {"total_movies": stats[0], "average_rating": stats[1]}

    @staticmethod
    def _first_directors(title_ids: Iterable[int] | None) -> dict[int, int]:
        """The first director of each of these titles (None: of every title)."""
        credits = Credit.objects.filter(role=CreditRole.DIRECTOR).order_by()
        if title_ids is not None:
            credits = credits.filter(title_id__any=list(title_ids))
        first: dict[int, tuple[int, int]] = {}
        for title_id, person_id, ordering in credits.values_list("title_id", "person_id", "ordering"):
            if title_id not in first or ordering < first[title_id][1]:
                first[title_id] = (person_id, ordering)
        return {title_id: person_id for title_id, (person_id, _ordering) in first.items()}

    @staticmethod
    def _director_stats(people: set[int] | None) -> dict[int, tuple[int, float | None]]:
        """Each of these directors' total movies and average rating over the catalog (None: every
        director's), as pairs: a dict each would take five times the memory over a large catalog."""
        credits = Credit.objects.filter(role=CreditRole.DIRECTOR).order_by()
        if people is not None:
            credits = credits.filter(person_id__any=list(people))
        return {
            row["person_id"]: (row["total"], one_decimal(row["average"]))
            for row in credits.values("person_id").annotate(
                total=Count("title_id", distinct=True), average=Avg("title__rating")
            )
        }

    @staticmethod
    def _co_credited(pending: dict[int, int]) -> set[int]:
        """Titles not yet pending that share a person with a title pending with its neighbours.

        Asked step by step from the pending titles' ids rather than in one join, whose plan
        depends on how many titles the statistics believe pending: when that is all of them
        (after a first import), the join reads every credit.
        """
        neighbourly = [pk for pk, flag in pending.items() if flag >= EnrichPending.NEIGHBOURS]
        if not neighbourly:
            return set()
        people = set(
            Credit.objects.filter(title_id__any=neighbourly).order_by().values_list("person_id", flat=True)
        )
        titles = set(
            Credit.objects.filter(person_id__any=list(people)).order_by().values_list("title_id", flat=True)
        )
        return titles - pending.keys()


def _chunk_enrich(catalog: _Catalog, chunk: Sequence[int]) -> dict[int, dict]:
    """Recompute one chunk's derived fields; return those of the titles to announce, by id."""
    facts = {
        row["pk"]: row
        for row in Title.objects.select_for_update().filter(pk__any=chunk).order_by("imdb_id").values(*FACTS)
    }
    # Stored values are needed where recommendations are kept, and to tell whether anything
    # changed for titles not already pending.
    stored = {
        row.pop("pk"): row
        for row in Title.objects.filter(
            pk__any=[
                pk
                for pk, row in facts.items()
                if row["enrich_pending"] == EnrichPending.NO or pk not in catalog.recommend
            ]
        )
        .order_by()
        .values("pk", *DERIVED)
    }
    catalog.neighbourhood.facts_load(facts)
    akas = _display_akas(list(facts))
    recommendations = recommendations_of(catalog.buckets, [pk for pk in facts if pk in catalog.recommend])
    rows, announce = [], {}
    for pk, row in facts.items():
        words = plot_words(row["plot"])
        decade = Decade.of_year(row["start_year"])
        values = {
            "decade_category": str(decade) if decade else "",
            "genre_categories": themes_of(
                genres=catalog.neighbourhood.genres(pk), keywords=row["keywords"], words=words
            ),
            "sentiment_analysis": sentiment_of(plots_of(plot=row["plot"], translations=row["translations"])),
            "director_stats": catalog.stats_of(pk),
            "recommendations": recommendations[pk]
            if pk in recommendations
            else stored[pk]["recommendations"],
            **names_of(primary=row["primary_title"], translations=row["translations"], akas=akas[pk]),
        }
        if row["enrich_pending"] != EnrichPending.NO or stored[pk] != values:
            rows.append([pk, *(values[name] for name in DERIVED), EnrichPending.NO])
            announce[pk] = values
    rows_update(Title, [*DERIVED, "enrich_pending"], rows)
    return dict(sorted(announce.items()))


def _display_akas(title_ids: list[int]) -> dict[int, list[LocalizedTitle]]:
    """The akas the titles' display names are chosen from (names.DISPLAY_REGIONS'), by title."""
    akas: dict[int, list[LocalizedTitle]] = defaultdict(list)
    regions = [region for region, _languages in DISPLAY_REGIONS.values()]
    for aka in LocalizedTitle.objects.filter(title_id__any=title_ids, region__in=regions).only(
        "title_id", "name", "region", "language", "ordering"
    ):
        akas[aka.title_id].append(aka)
    return akas


def _enrich(catalog: _Catalog, chunk_size: int) -> int:
    events = 0
    for chunk in _chunks(catalog.work, chunk_size):
        with transaction.atomic():
            announce = _chunk_enrich(catalog, chunk)
            # Published last, so the event counter is held as briefly as possible.
            events += len(movie_events_publish(movie_payloads(list(announce), derived=announce)))
    return events


def pending_enrich(*, chunk_size: int = CHUNK) -> int:
    """Enrich what merges left pending and announce every title that changed; return the events."""
    pending = dict(
        Title.objects.filter(enrich_pending__gt=EnrichPending.NO)  # the partial index's condition
        .order_by()
        .values_list("pk", "enrich_pending")
    )
    if not pending:
        return 0
    with bulk_collection():
        catalog = _Catalog(pending)
        events = _enrich(catalog, chunk_size)
    if len(catalog.work) >= ANALYZE_FROM:
        tables_analyze(Title)  # the statistics still think those titles pending
    return events


def recommendations_buckets_refresh(*, chunk_size: int = CHUNK) -> int:
    """Refresh the recommendations of the titles whose bucket's top 20 changed; return the events.

    Vote counts move every day, and with them the top 20 of many buckets: this runs on its
    own (daily, after the datasets refresh) so that an import stays proportional to what
    it changed. The buckets' tops are read once, and the pass ranks from them.
    """
    tops = buckets_top_all()
    stored = {
        (Decade.parse(bucket.decade), bucket.genre): bucket.title_ids
        for bucket in RecommendationBucket.objects.all()
    }
    changed = {key: top for key, top in tops.items() if sorted(stored.get(key, [])) != sorted(top)}
    titles: set[int] = set()
    for key in changed:
        titles |= set(bucket_titles(key).values_list("pk", flat=True))
    with bulk_collection():
        catalog = _Catalog(dict.fromkeys(titles, EnrichPending.NO), recommend_all=True, buckets_top=tops)
        events = _enrich(catalog, chunk_size)
    with transaction.atomic():
        for (decade, genre), title_ids in changed.items():
            RecommendationBucket.objects.update_or_create(
                decade=str(decade), genre=genre, defaults={"title_ids": title_ids}
            )
    return events

"""Enrich: derived fields, computed in bulk after merges, and the one event per changed title.

Merging marks what it changed as pending (`Title.enrich_pending`: 1 = the title itself,
2 = also the titles it may now be recommended with). `pending_enrich` then works from
the catalog as it stands, so the result does not depend on how records were batched or
in which order they came, and publishes exactly one `movie` event per title that changed:
- `decade_category`: "1990s" from the start year.
- `genre_categories`: themes by the rules in THEMES: a theme applies when the title has
  one of its genres, one of its keywords, or one of its plot words.
- `sentiment_analysis`: a word-list score of the plot, deterministic: `keyword_score` =
  positive / (positive + negative) plot words (0.5 with neither), `plot_tone` Hopeful
  above 0.6, Dark below 0.4, otherwise Balanced.
- `director_stats`: the first director's `total_movies` and `average_rating` over the
  catalog; every title of a director of a pending title is refreshed.
- `recommendations`: up to 6 titles scored by shared people (2 each), shared genres
  (1 each) and the same decade (1), ties broken by IMDb id. Candidates are the titles
  sharing a person plus the 20 most voted titles of each (decade, genre) bucket the
  title is in, so the cost per title stays bounded however large the catalog grows.
  When a title's people, genres or year change, its recommendations and those of the
  titles sharing a person with it are recomputed; a title whose other fields changed (a
  new rating, a new title) keeps its recommendations, which do not depend on them. When
  a bucket's top 20 changes (votes move daily), its titles are refreshed by
  `recommendations_buckets_refresh`, a daily task of its own, so that an import costs in
  proportion to what it changed.
"""

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Avg, Count

from apps.catalog.models import Credit, CreditRole, Genre, Person, RecommendationBucket, Title
from apps.stream.services import publish_many
from cinestream.bulk import rows_update, tables_analyze
from cinestream.collection import bulk_collection

THEMES: dict[str, dict[str, frozenset[str]]] = {
    "Prison": {
        "genres": frozenset(),
        "words": frozenset({"prison", "inmate", "inmates", "jail", "penitentiary"}),
    },
    "Space": {
        "genres": frozenset(),
        "words": frozenset({"space", "astronaut", "spaceship", "galaxy", "planet"}),
    },
    "Adaptation": {
        "genres": frozenset(),
        "words": frozenset({"based on novel", "based on book", "based on comic", "based on play", "novel"}),
    },
    "True story": {
        "genres": frozenset({"Biography"}),
        "words": frozenset({"based on true story", "true story"}),
    },
    "War": {"genres": frozenset({"War"}), "words": frozenset({"war", "soldier", "soldiers", "battle"})},
    "Crime": {
        "genres": frozenset({"Crime", "Film-Noir"}),
        "words": frozenset({"murder", "heist", "gangster"}),
    },
    "Love": {"genres": frozenset({"Romance"}), "words": frozenset({"love", "romance", "wedding"})},
    "Family": {"genres": frozenset({"Family", "Animation"}), "words": frozenset()},
    "Fear": {"genres": frozenset({"Horror"}), "words": frozenset({"haunted", "ghost", "demon", "killer"})},
    "Dreams & minds": {"genres": frozenset(), "words": frozenset({"dream", "dreams", "memory", "mind"})},
}
POSITIVE = frozenset(
    [
        "hope",
        "hopeful",
        "love",
        "friendship",
        "friend",
        "friends",
        "triumph",
        "redemption",
        "freedom",
        "joy",
        "happy",
        "brave",
        "courage",
        "kind",
        "rescue",
        "save",
        "saves",
        "heal",
        "peace",
        "dream",
        "dreams",
        "win",
        "wins",
        "family",
        "together",
        "inspire",
    ]
)
NEGATIVE = frozenset(
    [
        "murder",
        "murdered",
        "death",
        "die",
        "dies",
        "dead",
        "kill",
        "kills",
        "killer",
        "war",
        "crime",
        "revenge",
        "fear",
        "terror",
        "violent",
        "corrupt",
        "betrayal",
        "prison",
        "lonely",
        "grief",
        "tragic",
        "destroy",
        "evil",
        "haunted",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
RECOMMENDATIONS = 6
BUCKET_SIZE = 20


def decade_of(year: int | None) -> str:
    return f"{year // 10 * 10}s" if year else ""


def plot_words(plot: str) -> list[str]:
    return _WORD.findall(plot.casefold())


def themes_of(*, genres: Iterable[str], keywords: Iterable[str], plot: str) -> list[str]:
    genres, keywords = set(genres), {keyword.casefold() for keyword in keywords}
    words = set(plot_words(plot))
    return [
        theme
        for theme, rule in THEMES.items()
        if rule["genres"] & genres or rule["words"] & keywords or rule["words"] & words
    ]


def sentiment_of(plot: str) -> dict:
    words = plot_words(plot)
    positive = sum(word in POSITIVE for word in words)
    negative = sum(word in NEGATIVE for word in words)
    score = round(positive / (positive + negative), 2) if positive + negative else 0.5
    tone = "Hopeful" if score > 0.6 else "Dark" if score < 0.4 else "Balanced"
    return {"plot_tone": tone, "keyword_score": score}


def _one_decimal(value: float | Decimal | None) -> float | None:
    # Half up, as people round ratings (8.95 → 9.0); str() keeps a float's shortest form.
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))


PENDING_SELF = 1
PENDING_NEIGHBOURS = 2
CHUNK = 2000
# From this many titles at work, and a quarter of the catalog, a pass reads the whole
# catalog's credits at once,
PRELOAD_FROM = 5000
# and from this many, every (decade, genre) bucket's top titles.
BUCKETS_AT_ONCE_FROM = 50
# From this many titles written, statistics are refreshed before they are read again.
ANALYZE_FROM = 10_000


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Catalog:
    """What a pending pass needs to know about the catalog, read once per pass."""

    def __init__(self, pending: dict[int, int], *, recommend_all: bool = False) -> None:
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
        self.buckets: dict[tuple[str, str], list[int]] = {}
        self.buckets_complete = False
        self._rankings: dict[tuple[str, frozenset[str]], list[tuple[int, str, int]]] = {}
        self.neighbourhood = _Neighbourhood()
        # Every title pending (a first import): no title is left to be co-credited.
        co_credited = set() if len(pending) == catalog_size else self._co_credited(pending)
        self.work = sorted(pending.keys() | self.directors.keys() | co_credited)
        # A title's recommendations depend on its people, genres and decade and on those of
        # its candidates: they are recomputed where one of these moved, and kept elsewhere
        # (a new rating or title changes the title's other derived fields, not them).
        self.recommend = (
            set(self.work)
            if recommend_all
            else {pk for pk, flag in pending.items() if flag >= PENDING_NEIGHBOURS} | co_credited
        )
        if len(self.recommend) >= BUCKETS_AT_ONCE_FROM:
            # One query for every bucket's top costs about what ten single buckets do.
            self.buckets = self._buckets_all()
            self.buckets_complete = True
        if whole or most_of_it(len(self.recommend)):
            self.neighbourhood.preload()

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
    def _director_stats(people: set[int] | None) -> dict[int, dict]:
        """Each of these directors' stats over the catalog (None: every director's)."""
        credits = Credit.objects.filter(role=CreditRole.DIRECTOR).order_by()
        if people is not None:
            credits = credits.filter(person_id__any=list(people))
        return {
            row["person_id"]: {"total_movies": row["total"], "average_rating": _one_decimal(row["average"])}
            for row in credits.values("person_id").annotate(
                total=Count("title_id", distinct=True), average=Avg("title__rating")
            )
        }

    @staticmethod
    def _bucket_query(key: tuple[str, str]):
        decade_start = int(key[0][:-1])
        return Title.objects.filter(
            genres__name=key[1], start_year__gte=decade_start, start_year__lt=decade_start + 10
        )

    @staticmethod
    def _co_credited(pending: dict[int, int]) -> set[int]:
        """Titles not yet pending that share a person with a title pending with its neighbours.

        Asked step by step from the pending titles' ids rather than in one join, whose plan
        depends on how many titles the statistics believe pending: after a first import
        that was all of them, and a refresh's join then read every credit, for 16 s.
        """
        neighbourly = [pk for pk, flag in pending.items() if flag >= PENDING_NEIGHBOURS]
        if not neighbourly:
            return set()
        people = set(
            Credit.objects.filter(title_id__any=neighbourly).order_by().values_list("person_id", flat=True)
        )
        titles = set(
            Credit.objects.filter(person_id__any=list(people)).order_by().values_list("title_id", flat=True)
        )
        return titles - pending.keys()

    @staticmethod
    def _buckets_all() -> dict[tuple[str, str], list[int]]:
        """Every bucket's top titles in one query (window functions: PostgreSQL and SQLite alike)."""
        title, through, genre = (
            Title._meta.db_table,
            Title.genres.through._meta.db_table,
            Genre._meta.db_table,
        )
        buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT decade, genre, id FROM (
                    SELECT t.start_year / 10 * 10 AS decade, g.name AS genre, t.id AS id,
                           ROW_NUMBER() OVER (
                               PARTITION BY t.start_year / 10, g.name ORDER BY t.votes DESC, t.imdb_id
                           ) AS place
                    FROM {title} t
                    JOIN {through} tg ON tg.title_id = t.id
                    JOIN {genre} g ON g.id = tg.genre_id
                    WHERE t.start_year IS NOT NULL AND t.start_year > 0
                ) ranked
                WHERE place <= %s
                ORDER BY decade, genre, place
                """,
                [BUCKET_SIZE],
            )
            for decade, name, title_id in cursor.fetchall():
                buckets[f"{decade}s", name].append(title_id)
        return dict(buckets)

    def bucket_ranking(self, decade: str, genres: frozenset[str]) -> list[tuple[int, str, int]]:
        """(-score, IMDb id, id) of the titles in these buckets, best first, for a title of this
        decade and genres that shares no one with them."""
        key = (decade, genres)
        if key not in self._rankings:
            members = {candidate for genre in genres for candidate in self.bucket((decade, genre))}
            facts = self.neighbourhood.titles_facts(members)
            self._rankings[key] = sorted(
                (-(1 + len(genres & facts[candidate][2])), facts[candidate][0], candidate)
                for candidate in members
                if candidate in facts
            )
        return self._rankings[key]

    def bucket(self, key: tuple[str, str]) -> list[int]:
        if key not in self.buckets and not self.buckets_complete:
            self.buckets[key] = list(
                self._bucket_query(key)
                .order_by("-votes", "imdb_id")
                .values_list("pk", flat=True)[:BUCKET_SIZE]
            )
        return self.buckets.get(key, [])


def _genres_of(title_ids: Iterable[int]) -> dict[int, set[str]]:
    genres: dict[int, set[str]] = defaultdict(set)
    for title_id, name in Title.genres.through.objects.filter(title_id__any=list(title_ids)).values_list(
        "title_id", "genre__name"
    ):
        genres[title_id].add(name)
    return genres


class _Neighbourhood:
    """Titles' facts, titles' people and people's titles, read once per pass however many chunks use them.

    Kept compact, as a pass over a large catalog holds most of it: people and titles as
    tuples, and one shared frozenset per distinct genre combination.
    """

    def __init__(self) -> None:
        self.facts: dict[int, tuple[str, str, frozenset[str]]] = {}  # pk -> imdb id, decade, genres
        self.titles_of: dict[int, tuple[int, ...]] = {}  # person -> titles
        self.people_of: dict[int, tuple[int, ...]] = {}  # title -> people
        self.preloaded = False
        self._genre_sets: dict[frozenset[str], frozenset[str]] = {}

    def _fact(
        self, imdb_id: str, start_year: int | None, genres: set[str]
    ) -> tuple[str, str, frozenset[str]]:
        key = frozenset(genres)
        return imdb_id, decade_of(start_year), self._genre_sets.setdefault(key, key)

    def preload(self) -> None:
        """Read the whole catalog's facts and credits at once: cheaper when most of it is at work."""
        genres = defaultdict(set)
        for title_id, name in Title.genres.through.objects.values_list("title_id", "genre__name"):
            genres[title_id].add(name)
        for pk, imdb_id, start_year in Title.objects.order_by().values_list("pk", "imdb_id", "start_year"):
            self.facts[pk] = self._fact(imdb_id, start_year, genres.pop(pk, set()))
        titles_of: dict[int, list[int]] = defaultdict(list)
        people_of: dict[int, list[int]] = defaultdict(list)
        for title_id, person_id in Credit.objects.order_by().values_list("title_id", "person_id").distinct():
            titles_of[person_id].append(title_id)
            people_of[title_id].append(person_id)
        self.titles_of = {person: tuple(titles) for person, titles in titles_of.items()}
        self.people_of = {title: tuple(people) for title, people in people_of.items()}
        self.preloaded = True

    @staticmethod
    def _pairs(field: str, values: list[int]) -> dict[int, tuple[int, ...]]:
        """(title, person) pairs of the credits whose `field` is among `values`, grouped by it."""
        other = "person_id" if field == "title_id" else "title_id"
        found: dict[int, set[int]] = defaultdict(set)
        for key, value in (
            Credit.objects.filter(**{f"{field}__any": values}).order_by().values_list(field, other)
        ):
            found[key].add(value)
        return {key: tuple(found.get(key, ())) for key in values}

    def people(self, title_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
        missing = [] if self.preloaded else [pk for pk in title_ids if pk not in self.people_of]
        if missing:
            self.people_of.update(self._pairs("title_id", missing))
        return self.people_of

    def people_titles(self, people: Iterable[int]) -> dict[int, tuple[int, ...]]:
        missing = [] if self.preloaded else [person for person in people if person not in self.titles_of]
        if missing:
            self.titles_of.update(self._pairs("person_id", missing))
        return self.titles_of

    def titles_facts(self, title_ids: Iterable[int]) -> dict[int, tuple[str, str, frozenset[str]]]:
        missing = [] if self.preloaded else [pk for pk in title_ids if pk not in self.facts]
        if missing:
            genres = _genres_of(missing)
            for pk, imdb_id, start_year in (
                Title.objects.filter(pk__any=missing).order_by().values_list("pk", "imdb_id", "start_year")
            ):
                self.facts[pk] = self._fact(imdb_id, start_year, genres[pk])
        return self.facts


def _recommendations(catalog: _Catalog, title_ids: Sequence[int]) -> dict[int, list[str]]:
    """The recommendations of these titles.

    Co-credited candidates are scored one by one. Candidates only from the title's buckets
    score 1 + shared genres, the same for every title of that decade and genres: they are
    ranked once per (decade, genres) and only as many as could make the list are looked at.
    """
    near = catalog.neighbourhood
    people_of = near.people(title_ids)
    titles_of = near.people_titles({person for pk in title_ids for person in people_of.get(pk, ())})
    pools: dict[int, Counter] = {}
    for pk in title_ids:
        shared: Counter = Counter()  # candidate -> people it shares with this title
        for person in people_of.get(pk, ()):
            shared.update(titles_of[person])
        shared.pop(pk, None)
        pools[pk] = shared
    facts = near.titles_facts({*title_ids, *(candidate for pool in pools.values() for candidate in pool)})
    result = {}
    for pk, pool in pools.items():
        _imdb_id, decade, genres = facts[pk]
        scored = []
        for candidate, shared in pool.items():
            fact = facts.get(candidate)
            if fact is None:
                continue
            imdb_id, candidate_decade, candidate_genres = fact
            score = (
                2 * shared
                + len(genres & candidate_genres)
                + (1 if decade and candidate_decade == decade else 0)
            )
            if score > 0:
                scored.append((-score, imdb_id))
        if decade:
            taken = 0
            for negative_score, imdb_id, candidate in catalog.bucket_ranking(decade, genres):
                if candidate != pk and candidate not in pool:
                    scored.append((negative_score, imdb_id))
                    taken += 1
                    if taken == RECOMMENDATIONS:
                        break
        result[pk] = [imdb_id for _score, imdb_id in heapq.nsmallest(RECOMMENDATIONS, scored)]
    return result


DERIVED = ("decade_category", "genre_categories", "sentiment_analysis", "director_stats", "recommendations")
FACTS = ("pk", "imdb_id", "start_year", "plot", "keywords", "enrich_pending")


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
                pk for pk, row in facts.items() if not row["enrich_pending"] or pk not in catalog.recommend
            ]
        )
        .order_by()
        .values("pk", *DERIVED)
    }
    if catalog.neighbourhood.preloaded:
        genres = {pk: catalog.neighbourhood.facts[pk][2] for pk in facts}
    else:
        genres = _genres_of(facts)
    recommendations = _recommendations(catalog, [pk for pk in facts if pk in catalog.recommend])
    rows, announce = [], {}
    for pk, row in facts.items():
        values = {
            "decade_category": decade_of(row["start_year"]),
            "genre_categories": themes_of(genres=genres[pk], keywords=row["keywords"], plot=row["plot"]),
            "sentiment_analysis": sentiment_of(row["plot"]),
            "director_stats": catalog.director_stats.get(catalog.directors.get(pk), {}),
            "recommendations": recommendations[pk]
            if pk in recommendations
            else stored[pk]["recommendations"],
        }
        if row["enrich_pending"] or stored[pk] != values:
            rows.append([pk, *(values[name] for name in DERIVED), 0])
            announce[pk] = values
    rows_update(Title, [*DERIVED, "enrich_pending"], rows)
    return dict(sorted(announce.items()))


def _enrich(catalog: _Catalog, chunk_size: int) -> int:
    events = 0
    for chunk in _chunks(catalog.work, chunk_size):
        with transaction.atomic():
            announce = _chunk_enrich(catalog, chunk)
            # Published last, so the event counter is held as briefly as possible.
            events += len(publish_many("movie", movie_payloads(list(announce), derived=announce)))
    return events


def pending_enrich(*, chunk_size: int = CHUNK) -> int:
    """Enrich what merges left pending and announce every title that changed; return the events."""
    pending = dict(Title.objects.filter(enrich_pending__gt=0).order_by().values_list("pk", "enrich_pending"))
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
    it changed.
    """
    tops = _Catalog._buckets_all()
    stored = {
        (bucket.decade, bucket.genre): bucket.title_ids for bucket in RecommendationBucket.objects.all()
    }
    changed = {key: top for key, top in tops.items() if sorted(stored.get(key, [])) != sorted(top)}
    titles: set[int] = set()
    for key in changed:
        titles |= set(_Catalog._bucket_query(key).values_list("pk", flat=True))
    with bulk_collection():
        catalog = _Catalog(dict.fromkeys(titles, 0), recommend_all=True)
        catalog.buckets, catalog.buckets_complete = tops, True
        events = _enrich(catalog, chunk_size)
    with transaction.atomic():
        for (decade, genre), title_ids in changed.items():
            RecommendationBucket.objects.update_or_create(
                decade=decade, genre=genre, defaults={"title_ids": title_ids}
            )
    return events


def movie_payloads(title_ids: Sequence[int], *, derived: Mapping[int, Mapping] | None = None) -> list[dict]:
    """The `data` of `movie` events (see apps/stream/schemas.py: MoviePayload), in this order.

    `derived` holds the titles' derived fields when the caller has just computed them.
    """
    if not title_ids:
        return []
    genres: dict[int, list[str]] = defaultdict(list)
    for title_id, name in (
        Title.genres.through.objects.filter(title_id__any=title_ids)
        .order_by("genre__name")
        .values_list("title_id", "genre__name")
    ):
        genres[title_id].append(name)
    # Names looked up by id rather than joined: a join may scan every person for each chunk.
    rows_by_role = list(
        Credit.objects.filter(title_id__any=title_ids)
        .order_by("title_id", "role", "ordering")
        .values_list("title_id", "role", "person_id")
    )
    names = dict(
        Person.objects.filter(pk__any={person_id for *_, person_id in rows_by_role})
        .order_by()
        .values_list("pk", "name")
    )
    credits: dict[tuple[int, str], list[str]] = defaultdict(list)
    for title_id, role, person_id in rows_by_role:
        credits[title_id, role].append(names[person_id])
    rows = {
        row["pk"]: row
        for row in Title.objects.filter(pk__any=title_ids)
        .order_by()
        .values(
            "pk",
            "imdb_id",
            "primary_title",
            "rating",
            "start_year",
            "release_date",
            "plot",
            *(() if derived is not None else DERIVED),
        )
    }
    if derived is not None:
        for pk, row in rows.items():
            row.update(derived[pk])
    payloads = []
    for pk in title_ids:
        row = rows[pk]
        rating = row["rating"]
        payloads.append(
            {
                "id": row["imdb_id"],
                "title": row["primary_title"],
                "rating": float(rating) if rating is not None else None,
                "year": str(row["start_year"]) if row["start_year"] else None,
                "release_date": row["release_date"].isoformat() if row["release_date"] else None,
                "director": credits[pk, CreditRole.DIRECTOR],
                "genre": genres[pk],
                "plot": row["plot"] or None,
                "writers": credits[pk, CreditRole.WRITER],
                "stars": credits[pk, CreditRole.STAR],
                "decade_category": row["decade_category"] or None,
                "genre_categories": row["genre_categories"],
                "director_stats": row["director_stats"] or None,
                "sentiment_analysis": row["sentiment_analysis"] or None,
                "recommendations": row["recommendations"],
            }
        )
    return payloads

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

import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Avg, Count, Max

from apps.catalog.models import Credit, CreditRole, Genre, Person, RecommendationBucket, Title
from apps.catalog.pipeline import limits
from apps.stream.services import publish_many
from core.bulk import rows_update, tables_analyze
from core.collection import bulk_collection

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


def themes_of(*, genres: Iterable[str], keywords: Iterable[str], words: Iterable[str]) -> list[str]:
    """The themes of a title of these genres, keywords and plot words (`plot_words`)."""
    genres, keywords, words = set(genres), {keyword.casefold() for keyword in keywords}, set(words)
    return [
        theme
        for theme, rule in THEMES.items()
        if rule["genres"] & genres or rule["words"] & keywords or rule["words"] & words
    ]


def sentiment_of(words: Sequence[str]) -> dict:
    """The tone of a plot of these words (`plot_words`)."""
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
# Bucket rankings kept at once: a large catalog has tens of thousands of (decade, genres).
RANKINGS_KEPT = 2000
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
        self._rankings: dict[tuple[int, int], list[tuple[int, int]]] = {}
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
            row["person_id"]: (row["total"], _one_decimal(row["average"]))
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

    def bucket_ranking(self, decade: int, combo: int) -> list[tuple[int, int]]:
        """(rank, id) of the titles in the buckets of a title of this decade (start year // 10)
        and genre combination that shares no one with them, best first."""
        key = (decade, combo)
        if key not in self._rankings:
            if len(self._rankings) >= RANKINGS_KEPT:
                self._rankings.clear()
            near = self.neighbourhood
            mask = near.combo_masks[combo]
            members = {
                candidate
                for genre in near.combo_genres[combo]
                for candidate in self.bucket((decade_of(decade * 10), genre))
            }
            near.facts_load(members)
            self._rankings[key] = sorted(
                (
                    _rank(
                        1 + (mask & near.combo_masks[near.combo[candidate]]).bit_count(),
                        near.order[candidate],
                    ),
                    candidate,
                )
                for candidate in members
                if near.order[candidate]
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


# A recommendation candidate is ranked by one integer: its score above, its IMDb id's
# order (`_order_key`) below, so that ranking is a sort of plain integers.
ORDER_BITS = 40
ORDER_MASK = (1 << ORDER_BITS) - 1
SCORE_CEILING = 1 << 20
_ID_DIGITS = 10


def _order_key(imdb_id: str) -> int:
    """A positive number that sorts as the id does as text ("tt0111161" < "tt01111610" <
    "tt10000001"): its digits padded to ten, then its length. 0 for an id that is not tt
    and up to ten digits, which validation keeps out of the catalog."""
    digits = imdb_id[2:]
    if not (imdb_id[:2] == "tt" and digits.isascii() and digits.isdigit() and len(digits) <= _ID_DIGITS):
        return 0
    return int(digits.ljust(_ID_DIGITS, "0")) << 4 | len(digits)


def _imdb_id(key: int) -> str:
    padded, length = divmod(key & ORDER_MASK, 16)
    return "tt" + str(padded).zfill(_ID_DIGITS)[:length]


def _rank(score: int, order: int) -> int:
    return (SCORE_CEILING - score) << ORDER_BITS | order


def _zeros(typecode: str, size: int) -> array:
    return array(typecode, bytes(array(typecode).itemsize * size))


class _NotFound(dict):
    """Facts of titles looked up one pass at a time: 0 for a title not read (or gone)."""

    def __missing__(self, key: int) -> int:
        return 0


class _Neighbourhood:
    """Titles' facts, titles' people and people's titles, read once per pass however many chunks use them.

    Facts are integers: each title's IMDb id order (`_order_key`, 0 for no title), decade
    (start year // 10, 0 for none) and genre combination (an index into `combo_genres`
    and `combo_masks`, one bit per genre). A pass over most of the catalog reads it whole
    into arrays, a few bytes a title and a credit (it used to take about 1.6 kB a title);
    other passes look up what their chunks need, in dicts.
    """

    def __init__(self) -> None:
        self.order: _NotFound | array = _NotFound()
        self.decade: _NotFound | array = _NotFound()
        self.combo: _NotFound | array = _NotFound()
        self.combo_genres: list[frozenset[str]] = [frozenset()]
        self.combo_masks: list[int] = [0]
        self._combos: dict[frozenset[str], int] = {frozenset(): 0}
        self._genre_bits: dict[str, int] = {}
        self._people_of: dict[int, tuple[int, ...]] = {}
        self._titles_of: dict[int, tuple[int, ...]] = {}
        # Preloaded: (key, value) pairs sorted by key, as two arrays each.
        self._packed_people: tuple[array, array] | None = None
        self._packed_titles: tuple[array, array] | None = None
        self.preloaded = False

    def _combo(self, genres: Iterable[str]) -> int:
        key = frozenset(genres)
        if key not in self._combos:
            bits = self._genre_bits
            for name in sorted(key - bits.keys()):
                bits[name] = len(bits)
            self._combos[key] = len(self.combo_genres)
            self.combo_genres.append(key)
            self.combo_masks.append(sum(1 << bits[name] for name in key))
        return self._combos[key]

    def _fact_add(self, pk: int, imdb_id: str, start_year: int | None, genres: Iterable[str]) -> None:
        self.order[pk] = _order_key(imdb_id)
        self.decade[pk] = (start_year or 0) // 10
        self.combo[pk] = self._combo(genres)

    @staticmethod
    def _packed_pairs(key: str, value: str) -> tuple[array, array]:
        keys, values = array("l"), array("l")
        pairs = (
            Credit.objects.order_by(key, value).values_list(key, value).distinct().iterator(chunk_size=20_000)
        )
        for pair_key, pair_value in pairs:
            keys.append(pair_key)
            values.append(pair_value)
        return keys, values

    def preload(self) -> None:
        """Read the whole catalog's facts and credits at once: cheaper when most of it is at work."""
        self._packed_people = self._packed_pairs("title_id", "person_id")
        self._packed_titles = self._packed_pairs("person_id", "title_id")
        last = Title.objects.aggregate(last=Max("pk"))["last"] or 0
        credited = self._packed_people[0]
        size = max(last, credited[-1] if credited else 0) + 1
        self.order, self.decade, self.combo = _zeros("q", size), _zeros("h", size), _zeros("l", size)
        genres = Title.genres.through.objects.order_by("title_id").values_list("title_id", "genre__name")
        titles = Title.objects.order_by("pk").values_list("pk", "imdb_id", "start_year")
        merged = _grouped_beside(titles.iterator(chunk_size=20_000), genres.iterator(chunk_size=20_000))
        for (pk, imdb_id, start_year), names in merged:
            if pk < size:
                self._fact_add(pk, imdb_id, start_year, names)
        self.preloaded = True

    @staticmethod
    def _packed_get(packed: tuple[array, array], key: int) -> array:
        keys, values = packed
        return values[bisect_left(keys, key) : bisect_right(keys, key)]

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

    def people_load(self, title_ids: Iterable[int]) -> None:
        """Make `people_of` know these titles, and `titles_of` these titles' people."""
        if self.preloaded:
            return
        missing = [pk for pk in title_ids if pk not in self._people_of]
        if missing:
            self._people_of.update(self._pairs("title_id", missing))
        people = {person for pk in title_ids for person in self._people_of[pk]}
        missing = [person for person in people if person not in self._titles_of]
        if missing:
            self._titles_of.update(self._pairs("person_id", missing))

    def people_of(self, title_id: int) -> Sequence[int]:
        if self._packed_people is not None:
            return self._packed_get(self._packed_people, title_id)
        return self._people_of.get(title_id, ())

    def titles_of(self, person_id: int) -> Sequence[int]:
        if self._packed_titles is not None:
            return self._packed_get(self._packed_titles, person_id)
        return self._titles_of.get(person_id, ())

    def facts_load(self, title_ids: Iterable[int]) -> None:
        """Make the facts know these titles."""
        if self.preloaded:
            return
        missing = [pk for pk in title_ids if pk not in self.order]
        if missing:
            genres = _genres_of(missing)
            for pk, imdb_id, start_year in (
                Title.objects.filter(pk__any=missing).order_by().values_list("pk", "imdb_id", "start_year")
            ):
                self._fact_add(pk, imdb_id, start_year, genres[pk])

    def genres(self, title_id: int) -> frozenset[str]:
        return self.combo_genres[self.combo[title_id]]


def _grouped_beside(
    rows: Iterable[tuple[Any, ...]], pairs: Iterable[tuple[int, str]]
) -> Iterator[tuple[tuple[Any, ...], list[str]]]:
    """Each row (keyed by its first value) with the values of the pairs of its key, both read in key order."""
    pairs = iter(pairs)
    pending = next(pairs, None)
    for row in rows:
        values = []
        while pending is not None and pending[0] <= row[0]:
            if pending[0] == row[0]:
                values.append(pending[1])
            pending = next(pairs, None)
        yield row, values


def _recommendations(catalog: _Catalog, title_ids: Sequence[int]) -> dict[int, list[str]]:
    """The recommendations of these titles.

    Co-credited candidates are scored one by one. Candidates only from the title's buckets
    score 1 + shared genres, the same for every title of that decade and genres: they are
    ranked once per (decade, genres) and only as many as could make the list are looked at.
    """
    near = catalog.neighbourhood
    near.people_load(title_ids)
    pools: dict[int, Counter] = {}
    for pk in title_ids:
        shared: Counter = Counter()  # candidate -> people it shares with this title
        for person in near.people_of(pk):
            shared.update(near.titles_of(person))
        shared.pop(pk, None)
        pools[pk] = shared
    if not near.preloaded:
        near.facts_load({*title_ids, *(candidate for pool in pools.values() for candidate in pool)})
    order, decades, combos, masks = near.order, near.decade, near.combo, near.combo_masks
    result = {}
    for pk, pool in pools.items():
        decade, combo = decades[pk], combos[pk]
        mask = masks[combo]
        ranks = []
        for candidate, shared in pool.items():
            candidate_order = order[candidate]
            if candidate_order:  # 0: gone since the credits were read
                score = 2 * shared + (mask & masks[combos[candidate]]).bit_count()
                if decade and decades[candidate] == decade:
                    score += 1
                ranks.append((SCORE_CEILING - score) << ORDER_BITS | candidate_order)  # _rank, inlined
        if decade:
            taken = 0
            for rank, candidate in catalog.bucket_ranking(decade, combo):
                if candidate != pk and candidate not in pool:
                    ranks.append(rank)
                    taken += 1
                    if taken == RECOMMENDATIONS:
                        break
        ranks.sort()
        result[pk] = [_imdb_id(rank) for rank in ranks[:RECOMMENDATIONS]]
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
    catalog.neighbourhood.facts_load(facts)
    recommendations = _recommendations(catalog, [pk for pk in facts if pk in catalog.recommend])
    rows, announce = [], {}
    for pk, row in facts.items():
        words = plot_words(row["plot"])
        values = {
            "decade_category": decade_of(row["start_year"]),
            "genre_categories": themes_of(
                genres=catalog.neighbourhood.genres(pk), keywords=row["keywords"], words=words
            ),
            "sentiment_analysis": sentiment_of(words),
            "director_stats": catalog.stats_of(pk),
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

    `derived` holds the titles' derived fields when the caller has just computed them. An
    event stays under apps.stream.services.EVENT_PAYLOAD_MAX_BYTES whatever is stored: its
    text is cut to the limits (apps/catalog/pipeline/limits.py) and it names the first
    EVENT_PEOPLE people of each role and EVENT_GENRES genres; at every limit, in four-byte
    characters, it comes to about 58 KB.
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
                "title": _event_text(row["primary_title"], limits.TEXT["primary_title"]),
                "rating": float(rating) if rating is not None else None,
                "year": str(row["start_year"]) if row["start_year"] else None,
                "release_date": row["release_date"].isoformat() if row["release_date"] else None,
                "director": _event_names(credits[pk, CreditRole.DIRECTOR]),
                "genre": [_event_text(name, limits.GENRE) for name in genres[pk][: limits.EVENT_GENRES]],
                "plot": _event_text(row["plot"], limits.TEXT["plot"]),
                "writers": _event_names(credits[pk, CreditRole.WRITER]),
                "stars": _event_names(credits[pk, CreditRole.STAR]),
                "decade_category": row["decade_category"] or None,
                "genre_categories": row["genre_categories"],
                "director_stats": row["director_stats"] or None,
                "sentiment_analysis": row["sentiment_analysis"] or None,
                "recommendations": row["recommendations"],
            }
        )
    return payloads


# Control characters: JSON spells each in six bytes.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _event_text(value: str | None, limit: int) -> str | None:
    """Text as an event carries it: within its limit, without control characters (the
    pipeline stores none, the admin or name.basics might)."""
    if not value:
        return None
    text = value[:limit]
    return text if text.isprintable() else _CONTROL.sub(" ", text)


def _event_names(names: list[str]) -> list[str]:
    return [_event_text(name, limits.PERSON_NAME) or "" for name in names[: limits.EVENT_PEOPLE]]

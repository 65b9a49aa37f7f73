"""Recommendations: up to 6 titles of the title's type family, by relevance times quality.

Relevance: shared people (2 each), shared genres (1 each) and the same decade (1) for a
title sharing a person; 1 + shared genres for one only from the title's buckets. Quality
(`neighbourhood.quality_of`): the vote-weighted rating, so that popular, well-rated titles
come first and poorly rated ones never. Ties are broken by IMDb id. Only titles of the
title's type family are candidates (`neighbourhood.TYPE_FAMILIES`: a film gets films, a
series series, never a video game).

Candidates are the titles sharing a person plus the 20 most voted titles of each (decade,
genre) bucket the title is in, so the cost per title stays bounded however large the
catalog grows.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from apps.catalog.decades import FIRST_YEAR, LAST_YEAR, Decade
from apps.catalog.models import Genre, Title
from apps.catalog.pipeline.enrich.neighbourhood import SCORE_CEILING, Neighbourhood, imdb_id_of, rank

RECOMMENDATIONS = 6
BUCKET_SIZE = 20
# Bucket rankings kept at once: a large catalog has tens of thousands of (decade, genres).
RANKINGS_KEPT = 2000

BucketKey = tuple[Decade, str]  # (decade, genre)


def bucket_titles(key: BucketKey) -> QuerySet[Title]:
    """Every title of this (decade, genre)."""
    decade, genre = key
    return Title.objects.filter(
        genres__name=genre, start_year__gte=decade.start, start_year__lte=decade.last_year
    )


def buckets_top_all() -> dict[BucketKey, list[int]]:
    """Every bucket's top titles in one query (window functions: PostgreSQL and SQLite alike)."""
    title, through, genre = (
        Title._meta.db_table,
        Title.genres.through._meta.db_table,
        Genre._meta.db_table,
    )
    buckets: dict[BucketKey, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT decade, genre, id FROM (
                SELECT t.start_year / 10 AS decade, g.name AS genre, t.id AS id,
                       ROW_NUMBER() OVER (
                           PARTITION BY t.start_year / 10, g.name ORDER BY t.votes DESC, t.imdb_id
                       ) AS place
                FROM {title} t
                JOIN {through} tg ON tg.title_id = t.id
                JOIN {genre} g ON g.id = tg.genre_id
                WHERE t.start_year BETWEEN %s AND %s
            ) ranked
            WHERE place <= %s
            ORDER BY decade, genre, place
            """,
            [FIRST_YEAR, LAST_YEAR, BUCKET_SIZE],
        )
        for decade, name, title_id in cursor.fetchall():
            buckets[Decade.of_index(decade), name].append(title_id)
    return dict(buckets)


class Buckets:
    """The (decade, genre) buckets' top titles a pass has read, and their rankings.

    `tops` holds every bucket's (read at once, `buckets_top_all`); without it a bucket is
    read when first asked for.
    """

    def __init__(self, near: Neighbourhood, tops: dict[BucketKey, list[int]] | None = None) -> None:
        self.near = near
        self.tops: dict[BucketKey, list[int]] = tops if tops is not None else {}
        self.complete = tops is not None
        self._rankings: dict[tuple[int, int, int], list[tuple[int, int]]] = {}

    def top(self, key: BucketKey) -> list[int]:
        if key not in self.tops and not self.complete:
            self.tops[key] = list(
                bucket_titles(key).order_by("-votes", "imdb_id").values_list("pk", flat=True)[:BUCKET_SIZE]
            )
        return self.tops.get(key, [])

    def ranking(self, decade: int, combo: int, family: int) -> list[tuple[int, int]]:
        """(rank, id) of the titles in the buckets of a title of this decade (`Decade.index`),
        genre combination and type family that shares no one with them, best first."""
        key = (decade, combo, family)
        if key not in self._rankings:
            if len(self._rankings) >= RANKINGS_KEPT:
                self._rankings.clear()
            near = self.near
            mask = near.combo_masks[combo]
            members = {
                candidate
                for genre in near.combo_genres[combo]
                for candidate in self.top((Decade.of_index(decade), genre))
            }
            near.facts_load(members)
            self._rankings[key] = sorted(
                (
                    rank(
                        (1 + (mask & near.combo_masks[near.combo[candidate]]).bit_count())
                        * near.quality[candidate],
                        near.order[candidate],
                    ),
                    candidate,
                )
                for candidate in members
                if near.order[candidate] and near.family[candidate] == family and near.quality[candidate]
            )
        return self._rankings[key]


def recommendations_of(buckets: Buckets, title_ids: Sequence[int]) -> dict[int, list[str]]:
    """The recommendations of these titles.

    Co-credited candidates are scored one by one. Candidates only from the title's buckets
    score (1 + shared genres) × quality, the same for every title of that decade, genres
    and type family: they are ranked once per (decade, genres, family) and only as many as
    could make the list are looked at.
    """
    near = buckets.near
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
    families, qualities = near.family, near.quality
    result = {}
    for pk, pool in pools.items():
        decade, combo, family = decades[pk], combos[pk], families[pk]
        mask = masks[combo]
        ranks = []
        if not family:  # a type no family takes in: nothing is like it
            result[pk] = []
            continue
        for candidate, shared in pool.items():
            candidate_order = order[candidate]
            # Order 0: gone since the credits were read.
            if candidate_order and families[candidate] == family and qualities[candidate]:
                score = 2 * shared + (mask & masks[combos[candidate]]).bit_count()
                if decade and decades[candidate] == decade:
                    score += 1
                ranks.append(rank(min(score * qualities[candidate], SCORE_CEILING - 1), candidate_order))
        if decade:
            taken = 0
            for candidate_rank, candidate in buckets.ranking(decade, combo, family):
                if candidate != pk and candidate not in pool:
                    ranks.append(candidate_rank)
                    taken += 1
                    if taken == RECOMMENDATIONS:
                        break
        ranks.sort()
        result[pk] = [imdb_id_of(candidate_rank) for candidate_rank in ranks[:RECOMMENDATIONS]]
    return result

"""Enrich: derived fields, computed in bulk for the titles a batch changed.

- `decade_category`: "1990s" from the start year.
- `genre_categories`: themes by the rules in THEMES: a theme applies when the title has
  one of its genres, one of its keywords, or one of its plot words.
- `sentiment_analysis`: a word-list score of the plot, deterministic: `keyword_score` =
  positive / (positive + negative) plot words (0.5 with neither), `plot_tone` Hopeful
  above 0.6, Dark below 0.4, otherwise Balanced.
- `director_stats`: the first director's `total_movies` and `average_rating` over the
  catalog; every title of a director the batch touched is refreshed.
- `recommendations`: up to 6 titles scored by shared people (2 each), shared genres
  (1 each) and the same decade (1), ties broken by votes. Candidates are the titles
  sharing a person plus the 50 most voted titles of each (decade, genre) the title is in,
  so the cost per title stays bounded however large the catalog grows.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count

from apps.catalog.models import Credit, CreditRole, Title

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
BUCKET_SIZE = 50


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


def _director_stats(director_ids: set[int]) -> dict[int, dict]:
    rows = (
        Credit.objects.filter(role=CreditRole.DIRECTOR, person_id__in=director_ids)
        .values("person_id")
        .annotate(total=Count("title_id", distinct=True), average=Avg("title__rating"))
    )
    return {
        row["person_id"]: {
            "total_movies": row["total"],
            "average_rating": _one_decimal(row["average"]),
        }
        for row in rows
    }


def titles_enrich(title_ids: Iterable[int]) -> set[int]:
    """Recompute derived fields for these titles (and their directors' other titles); return the changed ids."""
    title_ids = set(title_ids)
    if not title_ids:
        return set()
    directors: dict[int, int] = {}
    for title_id, person_id in (
        Credit.objects.filter(title_id__in=title_ids, role=CreditRole.DIRECTOR)
        .order_by("title_id", "-ordering")
        .values_list("title_id", "person_id")
    ):
        directors[title_id] = person_id  # the lowest ordering is written last
    stats = _director_stats(set(directors.values()))
    # Other titles of the same directors see their stats change too.
    for title_id, person_id in Credit.objects.filter(
        role=CreditRole.DIRECTOR, person_id__in=stats
    ).values_list("title_id", "person_id"):
        directors.setdefault(title_id, person_id)
    titles = Title.objects.filter(pk__in=set(directors) | title_ids).prefetch_related("genres")
    changed: list[Title] = []
    for title in titles:
        genres = [genre.name for genre in title.genres.all()]
        values = {
            "director_stats": stats.get(directors.get(title.pk), {}),
        }
        if title.pk in title_ids:
            values.update(
                decade_category=decade_of(title.start_year),
                genre_categories=themes_of(genres=genres, keywords=title.keywords, plot=title.plot),
                sentiment_analysis=sentiment_of(title.plot),
            )
        if any(getattr(title, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(title, name, value)
            changed.append(title)
    fields = ["decade_category", "genre_categories", "sentiment_analysis", "director_stats"]
    Title.objects.bulk_update(changed, fields, batch_size=500)
    changed_ids = {title.pk for title in changed}
    # A director's other titles now have one more film in common with the new ones.
    return changed_ids | recommendations_refresh(title_ids | changed_ids)


def recommendations_refresh(title_ids: set[int]) -> set[int]:
    """Recompute the recommendations of these titles; return those whose list changed."""
    titles = {title.pk: title for title in Title.objects.filter(pk__in=title_ids).prefetch_related("genres")}
    people: dict[int, set[int]] = defaultdict(set)
    for title_id, person_id in Credit.objects.filter(title_id__in=titles).values_list(
        "title_id", "person_id"
    ):
        people[title_id].add(person_id)
    sharing: dict[int, set[int]] = defaultdict(set)  # person -> titles
    for title_id, person_id in Credit.objects.filter(person_id__in=set().union(*people.values())).values_list(
        "title_id", "person_id"
    ):
        sharing[person_id].add(title_id)
    buckets: dict[tuple[str, str], list[int]] = {}
    for title in titles.values():
        for genre in title.genres.all():
            key = (decade_of(title.start_year), genre.name)
            if key not in buckets and key[0]:
                decade_start = int(key[0][:-1])
                buckets[key] = list(
                    Title.objects.filter(
                        genres__name=genre.name,
                        start_year__gte=decade_start,
                        start_year__lt=decade_start + 10,
                    )
                    .order_by("-votes")
                    .values_list("pk", flat=True)[:BUCKET_SIZE]
                )
    candidates = {pk for pks in buckets.values() for pk in pks} | {
        pk for pks in sharing.values() for pk in pks
    }
    facts = {
        row["pk"]: row
        for row in Title.objects.filter(pk__in=candidates).values("pk", "imdb_id", "start_year", "votes")
    }
    genre_sets: dict[int, set[str]] = defaultdict(set)
    for title_id, name in Title.genres.through.objects.filter(title_id__in=candidates).values_list(
        "title_id", "genre__name"
    ):
        genre_sets[title_id].add(name)
    candidate_people: dict[int, set[int]] = defaultdict(set)
    for person_id, title_pks in sharing.items():
        for pk in title_pks:
            candidate_people[pk].add(person_id)

    changed = []
    for title in titles.values():
        genres = {genre.name for genre in title.genres.all()}
        decade = decade_of(title.start_year)
        pool = {pk for pid in people[title.pk] for pk in sharing[pid]}
        pool |= {pk for genre in genres for pk in buckets.get((decade, genre), ())}
        pool.discard(title.pk)
        scored = sorted(
            (
                (
                    2 * len(people[title.pk] & candidate_people[pk])
                    + len(genres & genre_sets[pk])
                    + (1 if decade and decade_of(facts[pk]["start_year"]) == decade else 0),
                    facts[pk]["votes"],
                    facts[pk]["imdb_id"],
                )
                for pk in pool
                if pk in facts
            ),
            reverse=True,
        )
        recommendations = [imdb_id for score, _votes, imdb_id in scored[:RECOMMENDATIONS] if score > 0]
        if recommendations != title.recommendations:
            title.recommendations = recommendations
            changed.append(title)
    Title.objects.bulk_update(changed, ["recommendations"], batch_size=500)
    return {title.pk for title in changed}


def movie_payload(title: Title) -> dict:
    """The `data` of a `movie` event (see apps/stream/schemas.py: MoviePayload)."""
    credits: dict[str, list[str]] = defaultdict(list)
    for credit in title.credits.all():
        credits[credit.role].append(credit.person.name)
    rating = title.rating
    return {
        "id": title.imdb_id,
        "title": title.primary_title,
        "rating": float(rating) if isinstance(rating, Decimal) else rating,
        "year": str(title.start_year) if title.start_year else None,
        "release_date": title.release_date.isoformat() if title.release_date else None,
        "director": credits[CreditRole.DIRECTOR],
        "genre": [genre.name for genre in title.genres.all()],
        "plot": title.plot or None,
        "writers": credits[CreditRole.WRITER],
        "stars": credits[CreditRole.STAR],
        "decade_category": title.decade_category or None,
        "genre_categories": title.genre_categories,
        "director_stats": title.director_stats or None,
        "sentiment_analysis": title.sentiment_analysis or None,
        "recommendations": title.recommendations,
    }

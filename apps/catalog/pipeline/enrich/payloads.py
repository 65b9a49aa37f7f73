"""The `movie` event's data, built from what is stored (or has just been derived).

An event stays under apps.stream.services.EVENT_PAYLOAD_MAX_BYTES whatever is stored: its
text is cut to the limits (apps/catalog/pipeline/limits.py) and it names the first
EVENT_PEOPLE people of each role and EVENT_GENRES genres.
"""

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from apps.catalog.events import MoviePayload
from apps.catalog.images import tmdb_image_url
from apps.catalog.models import Credit, CreditRole, Person, Title
from apps.catalog.names import NAME_FIELDS
from apps.catalog.pipeline import limits
from apps.catalog.pipeline.enrich.rules import DERIVED

EVENT_POSTER_SIZE = "w342"


def movie_payloads(
    title_ids: Sequence[int], *, derived: Mapping[int, Mapping] | None = None
) -> list[MoviePayload]:
    """The `data` of `movie` events (apps/catalog/events.py), in this order, each validated.

    `derived` holds the titles' derived fields when the caller has just computed them. An
    event stays under apps.stream.services.EVENT_PAYLOAD_MAX_BYTES whatever is stored: its
    text is cut to the limits (apps/catalog/pipeline/limits.py) and it names the first
    EVENT_PEOPLE people of each role and EVENT_GENRES genres, and its names in the site's
    languages (`titles`, the names enrichment derives) are cut to EVENT_TITLE characters; at every limit, in four-byte
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
            "poster_path",
            "poster_url",
            "primary_title",
            "title_type",
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
            MoviePayload(
                id=row["imdb_id"],
                title=_event_text(row["primary_title"], limits.TEXT["primary_title"]),
                titles=_event_titles(row),
                title_type=row["title_type"] or None,
                rating=float(rating) if rating is not None else None,
                year=str(row["start_year"]) if row["start_year"] else None,
                release_date=row["release_date"].isoformat() if row["release_date"] else None,
                director=_event_names(credits[pk, CreditRole.DIRECTOR]),
                genre=[_event_text(name, limits.GENRE) for name in genres[pk][: limits.EVENT_GENRES]],
                plot=_event_text(row["plot"], limits.TEXT["plot"]),
                writers=_event_names(credits[pk, CreditRole.WRITER]),
                stars=_event_names(credits[pk, CreditRole.STAR]),
                decade_category=row["decade_category"] or None,
                genre_categories=row["genre_categories"],
                director_stats=row["director_stats"] or None,
                sentiment_analysis=row["sentiment_analysis"] or None,
                recommendations=row["recommendations"],
                poster=tmdb_image_url(row["poster_path"], EVENT_POSTER_SIZE) or row["poster_url"] or None,
            )
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


def _event_titles(row: Mapping) -> dict[str, str]:
    """The names enrichment derived (or stored) per language; the primary title where none is."""
    titles = {}
    for language, field in NAME_FIELDS.items():
        text = _event_text(row[field] or row["primary_title"], limits.EVENT_TITLE)
        if text:
            titles[language] = text
    return titles


def _event_names(names: list[str]) -> list[str]:
    return [_event_text(name, limits.PERSON_NAME) or "" for name in names[: limits.EVENT_PEOPLE]]

"""Catalog rows as the API's bodies (apps/catalog/schemas.py), named in the reader's language.

Other apps' API bodies that show a title (trends' boards) use `title_summary_out` too, so a
title reads alike wherever the API shows it.
"""

from decimal import Decimal

from django.urls import reverse

from apps.catalog import page_meta
from apps.catalog.decades import Decade
from apps.catalog.images import title_poster_url, tmdb_image_url
from apps.catalog.models import Credit, Person, Title
from apps.catalog.schemas import (
    CreditOut,
    CreditsOut,
    DirectorStatsOut,
    EnrichmentOut,
    FilmographyRoleOut,
    KnownAsOut,
    PersonOut,
    TextOut,
    TitleOut,
    TitleSummaryOut,
    TmdbOut,
    TrailerOut,
)
from apps.catalog.selectors import (
    Filmography,
    TitleText,
    title_display_name,
    title_known_as,
    title_people,
    title_recommendations,
    title_text,
    title_trailer,
)

# TMDB's poster size for lists and cards, and the backdrop's.
POSTER_SIZE, BACKDROP_SIZE, PHOTO_SIZE = "w342", "w1280", "w185"


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def title_api_url(imdb_id: str) -> str:
    return reverse("api:v1_get_title", args=[imdb_id])


def person_api_url(imdb_id: str) -> str:
    return reverse("api:v1_get_person", args=[imdb_id])


def title_summary_out(title: Title, *, language: str) -> TitleSummaryOut:
    """A title as lists show it; reads prefetched genres and display akas (title_list does)."""
    return TitleSummaryOut(**_summary_fields(title, language))


def _summary_fields(title: Title, language: str) -> dict:
    return {
        "imdb_id": title.imdb_id,
        "name": title_display_name(title=title, language=language),
        "primary_title": title.primary_title,
        "type": title.title_type,
        "year": title.start_year,
        "end_year": title.end_year,
        "runtime_minutes": title.runtime_minutes,
        "rating": _number(title.rating),
        "votes": title.votes,
        "genres": sorted(genre.name for genre in title.genres.all()),
        "poster_url": title_poster_url(title, POSTER_SIZE) or None,
        "url": reverse("catalog:detail", args=[title.imdb_id]),
        "api_url": title_api_url(title.imdb_id),
    }


def _text_out(text: TitleText | None) -> TextOut | None:
    if text is None:
        return None
    return TextOut(text=text.text, language=text.language, is_fallback=text.is_fallback)


def _credit_out(credit: Credit) -> CreditOut:
    characters = credit.characters if isinstance(credit.characters, list) else []
    return CreditOut(
        imdb_id=credit.person.imdb_id,
        name=credit.person.name,
        characters=[str(character) for character in characters],
        api_url=person_api_url(credit.person.imdb_id),
    )


def _enrichment_out(title: Title) -> EnrichmentOut:
    tone = title.sentiment_analysis if isinstance(title.sentiment_analysis, dict) else {}
    stats = title.director_stats if isinstance(title.director_stats, dict) else {}
    decade = Decade.of_year(title.start_year)
    return EnrichmentOut(
        decade=title.decade_category or (str(decade) if decade else None),
        genre_categories=[str(theme) for theme in title.genre_categories or []],
        plot_tone=tone.get("plot_tone") or None,
        plot_score=_number(tone.get("keyword_score")),
        director=DirectorStatsOut(
            total_movies=int(stats["total_movies"]), average_rating=_number(stats.get("average_rating"))
        )
        if stats.get("total_movies") is not None
        else None,
    )


def _tmdb_out(title: Title, language: str) -> TmdbOut | None:
    if not title.tmdb_id:
        return None
    trailer = title_trailer(title=title, language=language)
    return TmdbOut(
        id=title.tmdb_id,
        url=page_meta.tmdb_title_url(title),
        vote_average=_number(title.tmdb_vote_average),
        vote_count=title.tmdb_vote_count,
        popularity=title.tmdb_popularity,
        original_language=title.original_language,
        countries=[str(country) for country in title.countries or []],
        backdrop_url=tmdb_image_url(title.backdrop_path, BACKDROP_SIZE) or None,
        age_rating=title.age_rating,
        release_date_in_region=title.regional_release_date,
        trailer=TrailerOut(
            name=trailer.name,
            youtube_key=trailer.key,
            url=f"https://www.youtube.com/watch?v={trailer.key}",
        )
        if trailer
        else None,
    )


def title_out(title: Title, *, language: str) -> TitleOut:
    """A title_get title with everything its page shows."""
    people = title_people(title=title)
    return TitleOut(
        **_summary_fields(title, language),
        original_title=title.original_title,
        is_adult=title.is_adult,
        release_date=title.release_date,
        certificate=title.certificate,
        plot=_text_out(title_text(title=title, language=language, field="overview")),
        tagline=_text_out(title_text(title=title, language=language, field="tagline")),
        credits=CreditsOut(
            directors=[_credit_out(credit) for credit in people.directors],
            writers=[_credit_out(credit) for credit in people.writers],
            stars=[_credit_out(credit) for credit in people.stars],
        ),
        known_as=[
            KnownAsOut(name=known.name, regions=known.regions) for known in title_known_as(title=title)
        ],
        enrichment=_enrichment_out(title),
        recommendations=[
            title_summary_out(recommended, language=language)
            for recommended in title_recommendations(title=title)
        ],
        tmdb=_tmdb_out(title, language),
        imdb_url=page_meta.imdb_title_url(title),
    )


def person_out(person: Person, filmography: Filmography, *, language: str) -> PersonOut:
    return PersonOut(
        imdb_id=person.imdb_id,
        name=person.name,
        birth_year=person.birth_year,
        death_year=person.death_year,
        known_for_department=person.known_for_department or None,
        photo_url=tmdb_image_url(person.profile_path, PHOTO_SIZE) or None,
        url=reverse("people:person", args=[person.imdb_id]),
        imdb_url=page_meta.imdb_name_url(person.imdb_id),
        known_for=[title_summary_out(title, language=language) for title in filmography.known_for],
        filmography=[
            FilmographyRoleOut(
                role=role.role,
                titles=[title_summary_out(credit.title, language=language) for credit in role.credits],
            )
            for role in filmography.roles
        ],
    )

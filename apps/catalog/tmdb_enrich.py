"""TMDB as a catalog source: posters, texts per language, ratings, trailers, providers, photos.

Each title is looked up by its IMDb id (`/3/find`), then its details are read with every
part appended in one call (apps/scraping/tmdb.py). What TMDB says goes through the catalog
pipeline as source `tmdb` (ranked by apps/catalog/pipeline/merge.py's rule), so a title
whose stored fields change gets one `movie` event, and a rerun that finds nothing new
stores and publishes nothing. Every title asked about gets `tmdb_checked_at`, found or not,
written apart from the merge: asking is not a change to announce.

People: TMDB's credits carry TMDB ids but no IMDb ids, and a Person needs its IMDb id (its
key, `nm…`), so TMDB creates nobody. A credited person is matched by name to the people
already credited on the title (any role); a match gets its TMDB id, photo and department,
and a star without characters gets TMDB's. Unmatched people are left out.

Titles the catalog lacks: `tmdb_title_add` creates one from TMDB (by TMDB id and kind, or by
IMDb id) when TMDB knows its IMDb id, a Title's key: a minimal record (type, title, year)
through the pipeline, then the enrichment above for the rest. `tmdb_movie_find` picks the
TMDB movie a name and year found elsewhere (a cinema's listing) most likely are.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Credit, CreditRole, Person, Source, Title
from apps.catalog.search import search_fold
from apps.catalog.services import IngestReport, titles_ingest
from apps.scraping.tmdb import TmdbClient, TmdbNotFound, TmdbUnavailable
from apps.scraping.tmdb_records import (
    LANGUAGES,
    MovieKind,
    TmdbDetails,
    TmdbMovieSummary,
    TmdbPerson,
    title_people,
    title_raw,
)

BATCH_SIZE = 50
IMDB_TITLE_ID = re.compile(r"^tt\d{7,10}$")
PERSON_FIELDS = ("tmdb_id", "profile_path", "known_for_department")


class TmdbInputError(ValueError):
    """An option a run cannot take (an unknown language)."""


def tmdb_languages_parse(text: str) -> tuple[str, ...]:
    """ "uk,en" → ("uk", "en"); only the languages TMDB texts are kept in."""
    languages = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown or not languages:
        raise TmdbInputError(f"expected a comma list of {', '.join(LANGUAGES)}, got {text!r}")
    return languages


@dataclass
class TmdbEnrichReport:
    asked: int = 0
    found: int = 0
    not_found: int = 0
    failed: int = 0
    people: int = 0  # people whose TMDB id, photo or department were stored
    titles: IngestReport = field(default_factory=IngestReport)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "asked": self.asked,
            "found": self.found,
            "not_found": self.not_found,
            "failed": self.failed,
            "people": self.people,
            "updated": self.titles.updated,
            "unchanged": self.titles.unchanged,
            "events": self.titles.events,
        }


@dataclass
class _Fetched:
    raws: list[dict] = field(default_factory=list)
    people: dict[str, list[TmdbPerson]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)


def tmdb_titles_enrich(
    *,
    imdb_ids: Sequence[str],
    languages: tuple[str, ...] = tuple(LANGUAGES),
    progress: Callable[[TmdbEnrichReport], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> TmdbEnrichReport:
    """Ask TMDB about these stored titles and store what it knows (TmdbNotConfigured without a key).

    A title TMDB failed to answer for (TmdbUnavailable) is counted and left unchecked, to be
    asked again next run; a refused key stops the run (TmdbNotConfigured).
    """
    report = TmdbEnrichReport()
    with TmdbClient() as client:
        try:
            client.image_base_refresh()
        except TmdbUnavailable as exc:  # pages fall back to TMDB's usual image base
            report.problems.append(f"configuration: {exc}")
        for start in range(0, len(imdb_ids), batch_size):
            fetched = _batch_fetch(client, imdb_ids[start : start + batch_size], languages, report, progress)
            if fetched.raws:
                report.titles.add(titles_ingest(fetched.raws, source=Source.TMDB))
            report.people += _people_store(fetched.people)
            Title.objects.filter(imdb_id__in=fetched.checked).update(tmdb_checked_at=timezone.now())
    return report


def _batch_fetch(
    client: TmdbClient,
    imdb_ids: Sequence[str],
    languages: tuple[str, ...],
    report: TmdbEnrichReport,
    progress: Callable[[TmdbEnrichReport], None] | None,
) -> _Fetched:
    fetched = _Fetched()
    stored = {
        imdb_id: (bool(plot), runtime is not None, translations)
        for imdb_id, plot, runtime, translations in Title.objects.filter(imdb_id__in=imdb_ids)
        .order_by()
        .values_list("imdb_id", "plot", "runtime_minutes", "translations")
    }
    for imdb_id in imdb_ids:
        if imdb_id not in stored:
            report.problems.append(f"{imdb_id}: not in the catalog")
            continue
        report.asked += 1
        try:
            found = _title_fetch(client, imdb_id)
        except TmdbUnavailable as exc:
            report.failed += 1
            report.problems.append(f"{imdb_id}: {exc}")
        else:
            fetched.checked.append(imdb_id)
            if found is None:
                report.not_found += 1
            else:
                kind, details = found
                has_plot, has_runtime, translations = stored[imdb_id]
                report.found += 1
                raw = title_raw(
                    details,
                    imdb_id=imdb_id,
                    kind=kind,
                    languages=languages,
                    has_plot=has_plot,
                    has_runtime=has_runtime,
                )
                # A run for some languages leaves the others' texts as they are.
                kept = {
                    language: texts for language, texts in translations.items() if language not in languages
                }
                raw["translations"] = {**kept, **raw["translations"]}
                fetched.raws.append(raw)
                fetched.people[imdb_id] = title_people(details)
        if progress is not None:
            progress(report)
    return fetched


def _title_fetch(client: TmdbClient, imdb_id: str) -> tuple[MovieKind, TmdbDetails] | None:
    """The title's kind and details, or None when TMDB does not know it."""
    try:
        found = client.find(imdb_id)
        return (found[0], client.details(*found)) if found else None
    except TmdbNotFound:  # found, then gone (merged into another id on TMDB)
        return None


def _people_store(people: dict[str, list[TmdbPerson]]) -> int:
    """Store TMDB's ids, photos and departments on the people credited on these titles; return how many changed."""
    if not people:
        return 0
    credits = (
        Credit.objects.filter(title__imdb_id__in=list(people))
        .select_related("person", "title")
        .order_by("title_id", "role", "ordering")
    )
    by_title: dict[str, dict[str, Person]] = {}
    stars: dict[tuple[str, int], Credit] = {}
    for credit in credits:
        by_title.setdefault(credit.title.imdb_id, {}).setdefault(credit.person.name.casefold(), credit.person)
        if credit.role == CreditRole.STAR:
            stars[credit.title.imdb_id, credit.person_id] = credit
    changed_people: dict[int, Person] = {}
    changed_credits: list[Credit] = []
    for imdb_id, credited in people.items():
        for tmdb_person in credited:
            person = by_title.get(imdb_id, {}).get(tmdb_person.name.casefold())
            if person is None:
                continue
            values = {
                "tmdb_id": tmdb_person.tmdb_id,
                "profile_path": tmdb_person.profile_path or person.profile_path,
                "known_for_department": tmdb_person.known_for_department or person.known_for_department,
            }
            if any(getattr(person, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(person, name, value)
                changed_people[person.pk] = person
            star = stars.get((imdb_id, person.pk))
            if (
                tmdb_person.role == "stars"
                and tmdb_person.character
                and star is not None
                and not star.characters
            ):
                star.characters = [tmdb_person.character]
                changed_credits.append(star)
    with transaction.atomic():
        Person.objects.bulk_update(list(changed_people.values()), PERSON_FIELDS)
        Credit.objects.bulk_update(changed_credits, ["characters"])
    return len(changed_people)


def tmdb_title_add(
    *, kind: MovieKind = "movie", tmdb_id: int | None = None, imdb_id: str = ""
) -> Title | None:
    """The catalog title of TMDB's movie or series, created from TMDB when the catalog lacks it.

    Named by TMDB id and kind, or by IMDb id (then looked up with `/3/find`). None when TMDB
    knows no IMDb id for it (a Title cannot be stored without one) or, by IMDb id, does not
    know the title. A created title gets its poster, texts and the rest by
    `tmdb_titles_enrich`, whose failure leaves it for the daily enrichment (unchecked).
    Raises TmdbNotConfigured without a key, TmdbNotFound for an unknown TMDB id,
    TmdbUnavailable when TMDB fails.
    """
    if tmdb_id is None:
        stored = Title.objects.filter(imdb_id=imdb_id).first()
        if stored is not None or not IMDB_TITLE_ID.match(imdb_id):
            return stored
    with TmdbClient() as client:
        if tmdb_id is None:
            found = client.find(imdb_id)
            if found is None:
                return None
            kind, tmdb_id = found
        details = client.details(kind, tmdb_id)
    if kind == "movie":
        imdb_id = details.imdb_id or ""
    else:
        imdb_id = (details.external_ids.imdb_id if details.external_ids else None) or ""
    if not IMDB_TITLE_ID.match(imdb_id):
        return None
    stored = Title.objects.filter(imdb_id=imdb_id).first()
    if stored is not None and stored.tmdb_checked_at is not None:
        return stored
    if stored is None:
        titles_ingest([_new_title_raw(details, imdb_id=imdb_id, kind=kind)], source=Source.TMDB)
    tmdb_titles_enrich(imdb_ids=[imdb_id])
    return Title.objects.filter(imdb_id=imdb_id).first()


def _new_title_raw(details: TmdbDetails, *, imdb_id: str, kind: MovieKind) -> dict:
    """What a new title needs before the enrichment: its type, a title and its year. IMDb's
    primary title is usually the English one, which details (asked in English) carry."""
    released = (details.release_date if kind == "movie" else details.first_air_date) or ""
    original = details.original_title if kind == "movie" else details.original_name
    return {
        "imdb_id": imdb_id,
        "title_type": "movie" if kind == "movie" else "tvSeries",
        "primary_title": details.title or details.name or original or imdb_id,
        "original_title": original or None,
        "start_year": int(released[:4]) if released[:4].isdigit() else None,
    }


def tmdb_movie_find(*, names: Sequence[str], year: int | None) -> TmdbMovieSummary | None:
    """The TMDB movie a listing's names and year most likely are, or None.

    TMDB is searched by each name in turn with the year (TMDB's `year` matches any of a
    movie's release dates; titles come back in Ukrainian where TMDB has them), then, when none
    matched, by each name without it, since a listing's year may be a year off. A candidate
    is a movie whose title or original title equals one of the names, case and accents
    folded, released within a year of `year` when it is known. Among several, the most voted,
    then the most popular. Raises TmdbNotConfigured or TmdbUnavailable.
    """
    wanted = {search_fold(name) for name in names if name and name.strip()}
    queries = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    with TmdbClient() as client:
        for year_asked in dict.fromkeys([year, None]):
            for query in queries:
                candidates = [
                    movie
                    for movie in client.movie_search(query, year=year_asked)
                    if wanted & {search_fold(movie.title), search_fold(movie.original_title)}
                    and (not year or movie.year is None or abs(movie.year - year) <= 1)
                ]
                if candidates:
                    return max(candidates, key=lambda movie: (movie.vote_count, movie.popularity))
    return None

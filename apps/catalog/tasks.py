from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from apps.catalog.pipeline.enrich import pending_enrich, recommendations_buckets_refresh
from apps.catalog.selectors import titles_most_shown, titles_tmdb_due, titles_tmdb_unknown
from apps.catalog.services import imdb_datasets_import, imdb_pages_store
from apps.catalog.tmdb_enrich import tmdb_titles_enrich
from apps.scraping.browser import BrowserMissing, BrowserUnavailable
from apps.scraping.circuit import CircuitOpen, circuit_check
from apps.scraping.imdb_client import ImdbUnavailable
from apps.scraping.imdb_datasets import DatasetFiles, DatasetUnavailable
from apps.scraping.services import scrape_chart, scrape_titles, scrape_url

# IMDb page scrapes are retried when a browser would not start or a page kept failing (not
# for a missing Chromium). A blocked page is not retried here: the circuit breaker decides
# when IMDb may be asked again.
SCRAPE_RETRY = {
    "autoretry_for": (BrowserUnavailable, ImdbUnavailable),
    "dont_autoretry_for": (BrowserMissing,),
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 4,
}


@shared_task(autoretry_for=(DatasetUnavailable,), retry_backoff=600, max_retries=5)
def imdb_datasets_refresh_task() -> dict:
    """Re-import IMDb's datasets (IMDB_DATASETS_URL); idempotent, unchanged titles publish nothing.

    A file whose header is not IMDb's fails the task (DatasetHeaderMismatch, not retried:
    the same files would fail again) before anything is stored.
    """
    result = imdb_datasets_import(
        DatasetFiles(),
        types=frozenset(settings.IMDB_DATASETS_TYPES),
        min_votes=settings.IMDB_DATASETS_MIN_VOTES,
    )
    report = result.titles
    return {"inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged}


@shared_task
def pending_enrich_task() -> int:
    """Finish what an interrupted ingest left pending (enrichment and events); returns the events."""
    return pending_enrich()


@shared_task
def recommendations_buckets_refresh_task() -> int:
    """Refresh recommendations where a (decade, genre) top changed; returns the events."""
    return recommendations_buckets_refresh()


def _scrape_paused(task, exc: CircuitOpen) -> dict:
    """Try again when the circuit reopens (once), rather than asking IMDb while it blocks."""
    seconds = max(60, int((exc.reopens_at - timezone.now()).total_seconds()) + 60) if exc.reopens_at else 3600
    if task.request.retries < 1 and not task.request.is_eager:
        raise task.retry(countdown=seconds, exc=exc, max_retries=1)
    return {"circuit_open": True, "message": str(exc)}


def _scrape_unless_blocked(task, scrape: Callable[[], dict]) -> dict:
    """Run `scrape` only while IMDb's circuit is closed; paused (see above) while it is open."""
    try:
        circuit_check()
    except CircuitOpen as exc:
        return _scrape_paused(task, exc)
    return scrape()


@shared_task(bind=True, **SCRAPE_RETRY)
def scrape_titles_task(self, ids: list[str], languages: list[str] | None = None) -> dict:
    """IMDb title pages into the catalog; idempotent: unchanged titles store and publish nothing."""
    return _scrape_unless_blocked(
        self,
        lambda: scrape_titles(ids=ids, languages=languages or ["en"], store=imdb_pages_store).as_dict(),
    )


@shared_task(bind=True, **SCRAPE_RETRY)
def scrape_chart_task(self, name: str, limit: int | None = None, languages: list[str] | None = None) -> dict:
    return _scrape_unless_blocked(
        self,
        lambda: scrape_chart(
            name=name, limit=limit, languages=languages or ["en"], store=imdb_pages_store
        ).as_dict(),
    )


@shared_task(bind=True, **SCRAPE_RETRY)
def scrape_url_task(self, url: str, limit: int | None = None, languages: list[str] | None = None) -> dict:
    return _scrape_unless_blocked(
        self,
        lambda: scrape_url(
            url=url, limit=limit, languages=languages or ["en"], store=imdb_pages_store
        ).as_dict(),
    )


def _daily_refresh() -> dict:
    languages = settings.SCRAPER_DAILY_LANGUAGES
    chart = scrape_chart(name="top", languages=languages, store=imdb_pages_store)
    if chart.is_circuit_open:
        return {"chart": chart.as_dict()}
    ids = titles_most_shown(count=settings.SCRAPER_DAILY_TITLES)
    titles = scrape_titles(ids=ids, languages=languages, store=imdb_pages_store) if ids else None
    return {"chart": chart.as_dict(), "titles": titles.as_dict() if titles else None}


@shared_task(bind=True, **SCRAPE_RETRY)
def scrape_daily_refresh_task(self) -> dict:
    """IMDb's top chart, then the pages of the titles the site shows most (SCRAPER_DAILY_*)."""
    return _scrape_unless_blocked(self, _daily_refresh)


@shared_task
def tmdb_daily_enrich_task() -> dict:
    """TMDB's data for titles never asked about, then for the ones the site shows most.

    Without TMDB_API_KEY it does nothing (the site works without TMDB). Idempotent: titles
    whose TMDB data did not change store and publish nothing. A title TMDB failed to
    answer for stays unchecked and is asked again by the next run.
    """
    if not settings.TMDB_API_KEY:
        return {"skipped": "TMDB_API_KEY is not set"}
    new = titles_tmdb_due(limit=settings.TMDB_DAILY_NEW_TITLES)
    shown = titles_most_shown(count=settings.TMDB_DAILY_SHOWN_TITLES)
    unknown = titles_tmdb_unknown(imdb_ids=shown)
    ids = list(dict.fromkeys([*new, *(imdb_id for imdb_id in shown if imdb_id not in unknown)]))
    return tmdb_titles_enrich(imdb_ids=ids).as_dict()
